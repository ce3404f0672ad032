using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.Tasks;

namespace Functions.Queues;

/// <summary>The failed-deliveries queue on Amazon SQS, where the forwarder parks the tasks that ended failed.</summary>
public sealed class SqsFailedDeliveryChannel(IAmazonSQS sqs, string queueUrl) : IFailedDeliveryChannel
{
    public Task SendAsync(string body, CancellationToken cancellationToken) =>
        sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = body }, cancellationToken);
}
