using HiveSync.WebApi.Platform;

namespace HiveSync.Silo.Platform;

/// <summary>
/// Retries a grain call made by the API (not by a grain) that failed because its target silo is leaving or gone:
/// a "Silo stopping" rejection, a silo that just went away, a connection that could not be made. When a silo leaves
/// gracefully, requests already on their way to it are rejected or dropped while the other silos still route to
/// it; a moment later the grains have moved and the same call succeeds, so the caller never sees the leave. The
/// retry is what the 503 would make the client do anyway, only sooner and without a round trip; a call that timed
/// out is not retried (its time is spent). Calls between grains are not retried: the API's outer call is.
/// </summary>
public sealed class ClusterFaultRetry : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // A call delivered in-process hands the target this very request object, which clears its arguments when
        // done: keep them to send the same call again.
        // (Every API call passes here: a plain copy, no LINQ, and nothing put back on the first attempt.)
        var request = context.Request;
        var arguments = new object?[request.GetArgumentCount()];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = request.GetArgument(i);
        }

        for (var attempt = 0; ; attempt++)
        {
            for (var i = 0; attempt > 0 && i < arguments.Length; i++)
            {
                request.SetArgument(i, arguments[i]!);
            }

            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception error)
            {
                failure = error;
                if (!IsRetryable(context, error) || attempt == Delays.Length)
                {
                    throw;
                }
            }

            if (failure is null || !IsRetryable(context, failure) || attempt == Delays.Length)
            {
                return;
            }

            await Task.Delay(Delays[attempt]);
        }
    }

    private static bool IsRetryable(IOutgoingGrainCallContext context, Exception error) =>
        context.SourceContext is null && ErrorHandlingMiddleware.IsTransientClusterFault(error) && error is not TimeoutException;
}
