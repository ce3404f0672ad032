using System.Globalization;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.Tasks.DeadLetters;

namespace Functions.Queues;

/// <summary>The system dead-letter queue on Amazon SQS. A look receives with a visibility timeout of zero, so nothing is taken.</summary>
public sealed class SqsSystemDeadLetterChannel(IAmazonSQS sqs, string queueUrl) : ISystemDeadLetterChannel
{
    private static readonly List<string> Attributes = ["SentTimestamp", "ApproximateReceiveCount"];

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var response = await sqs.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = ["ApproximateNumberOfMessages"] },
            cancellationToken).ConfigureAwait(false);
        return response.ApproximateNumberOfMessages;
    }

    public Task<IReadOnlyList<SystemDeadLetter>> PeekAsync(int max, CancellationToken cancellationToken) =>
        ReceiveAsync(max, TimeSpan.Zero, cancellationToken);

    public async Task<IReadOnlyList<SystemDeadLetter>> ReceiveAsync(int max, TimeSpan hideFor, CancellationToken cancellationToken)
    {
        var response = await sqs.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = queueUrl,
                MaxNumberOfMessages = Math.Clamp(max, 1, 10),
                VisibilityTimeout = (int)hideFor.TotalSeconds,
                WaitTimeSeconds = 0,
                MessageSystemAttributeNames = Attributes,
            },
            cancellationToken).ConfigureAwait(false);
        return [.. (response.Messages ?? []).Select(m => new SystemDeadLetter(m.MessageId, m.Body, SentAt(m), ReceiveCount(m), m.ReceiptHandle))];
    }

    public Task DeleteAsync(SystemDeadLetter message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return sqs.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = queueUrl, ReceiptHandle = message.Handle }, cancellationToken);
    }

    private static DateTimeOffset? SentAt(Message message) =>
        message.Attributes?.TryGetValue("SentTimestamp", out var sent) == true && long.TryParse(sent, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private static int ReceiveCount(Message message) =>
        message.Attributes?.TryGetValue("ApproximateReceiveCount", out var count) == true && int.TryParse(count, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
