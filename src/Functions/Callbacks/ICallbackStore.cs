namespace Functions.Callbacks;

/// <summary>Where callbacks record what they processed: once per webhook-id, with the business effect.</summary>
public interface ICallbackStore
{
    /// <summary>Records the delivery and its effect atomically; false when this webhook-id was processed before.</summary>
    Task<bool> RecordOnceAsync(string webhookId, string kind, string payload, CancellationToken cancellationToken);
}
