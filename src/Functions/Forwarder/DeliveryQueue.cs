using Amazon.SQS;
using Amazon.SQS.Model;

namespace Functions.Forwarder;

/// <summary>The delivery queue and the dead-letter queue, as the forwarder and the scheduling function use them.</summary>
public interface IDeliveryQueues
{
    /// <summary>Puts a wake-up on the delivery queue, visible after <paramref name="delaySeconds"/> (0-900).</summary>
    Task SendAsync(string body, int delaySeconds, CancellationToken cancellationToken);

    /// <summary>Parks a given-up delivery's record on the dead-letter queue.</summary>
    Task SendDeadLetterAsync(string body, CancellationToken cancellationToken);
}

/// <summary>Both queues on Amazon SQS.</summary>
public sealed class SqsDeliveryQueues(IAmazonSQS sqs, string queueUrl, string? deadLetterQueueUrl) : IDeliveryQueues
{
    public Task SendAsync(string body, int delaySeconds, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body, DelaySeconds = delaySeconds }, cancellationToken);

    public Task SendDeadLetterAsync(string body, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(
            new SendMessageRequest
            {
                QueueUrl = deadLetterQueueUrl ?? throw new InvalidOperationException($"{ForwarderSettings.DeadLetterQueueUrlSetting} is not set."),
                MessageBody = body,
            },
            cancellationToken);
}
