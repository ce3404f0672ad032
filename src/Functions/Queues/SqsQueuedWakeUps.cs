using System.Net;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.Tasks.WakeUps;

namespace Functions.Queues;

/// <summary>The delivery queue on Amazon SQS: a wake-up is a message whose DelaySeconds holds the last stretch of the wait.</summary>
public sealed class SqsQueuedWakeUps(IAmazonSQS sqs, string queueUrl) : IQueuedWakeUps
{
    public async Task SendAsync(WakeUpMessage message, int delaySeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await sqs.SendMessageAsync(new SendMessageRequest { QueueUrl = queueUrl, MessageBody = message.ToJson(), DelaySeconds = delaySeconds }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            throw new WakeUpException(ex.ErrorCode ?? ex.GetType().Name, ex.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable || ex.ErrorCode == "RequestThrottled", ex);
        }
    }
}
