using System.Diagnostics;

namespace HiveSync.Tests.Platform;

/// <summary>
/// Waiting for what another process or a background timer does: poll until it holds, up to a deadline far beyond
/// what a healthy run needs, so a loaded machine makes the test slower but never makes it fail. Never a fixed sleep.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for anything a silo does in the background on a busy 2-core machine.</summary>
    public static readonly TimeSpan GenerousDeadline = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Whether the condition held before the deadline (<see cref="GenerousDeadline"/> unless given).</summary>
    public static async Task<bool> HoldsAsync(Func<Task<bool>> condition, TimeSpan? deadline = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (deadline ?? GenerousDeadline))
            {
                return false;
            }

            await Task.Delay(Poll);
        }

        return true;
    }

    public static Task<bool> HoldsAsync(Func<bool> condition, TimeSpan? deadline = null) =>
        HoldsAsync(() => Task.FromResult(condition()), deadline);
}
