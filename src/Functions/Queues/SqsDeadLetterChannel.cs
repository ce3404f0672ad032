using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.Tasks;

namespace Functions.Queues;

/// <summary>The dead-letter queue on Amazon SQS, where the forwarder parks deliveries it gave up.</summary>
public sealed class SqsDeadLetterChannel(IAmazonSQS sqs, string queueUrl) : IDeadLetterChannel
{
    public Task SendAsync(string body, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body }, cancellationToken);
}
