using System.Globalization;

namespace HiveSync.Bench.Platform;

/// <summary>CPU time of processes from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime, all threads), in clock ticks.</summary>
public static class ProcessCpu
{
    /// <summary>Clock ticks per second (<c>getconf CLK_TCK</c>); 100 on every common Linux.</summary>
    public static long TicksPerSecond { get; private set; } = 100;

    public static async Task InitialiseAsync(CancellationToken ct)
    {
        if (await Command.OutputOrNullAsync("getconf", ["CLK_TCK"], ct) is { } text && long.TryParse(text, CultureInfo.InvariantCulture, out var ticks) && ticks > 0)
        {
            TicksPerSecond = ticks;
        }
    }

    /// <summary>The process's CPU ticks so far, or 0 when it is gone.</summary>
    public static long Ticks(int pid)
    {
        var stat = ReadStat(pid);
        return stat is null ? 0 : stat.Value.Ticks;
    }

    /// <summary>
    /// CPU ticks of a process and all its children (PostgreSQL: the postmaster and its backends): the live ones, and
    /// those that ended, which the parent has reaped (its cutime + cstime). Without the latter a backend closed
    /// during a run would take its time with it.
    /// </summary>
    public static long TicksWithChildren(int parentPid)
    {
        long total = ReadStat(parentPid) is { Ticks: var own, ReapedTicks: var reaped } ? own + reaped : 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && ReadStat(pid) is { ParentPid: var parent, Ticks: var ticks, ReapedTicks: var reapedByChild } && parent == parentPid)
            {
                total += ticks + reapedByChild;
            }
        }

        return total;
    }

    public static double Microseconds(long ticks) => ticks * 1_000_000.0 / TicksPerSecond;

    private static (int ParentPid, long Ticks, long ReapedTicks)? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var parent = int.Parse(fields[1], CultureInfo.InvariantCulture); // field 4: ppid
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture); // field 14: utime
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture); // field 15: stime
        var reaped = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture); // fields 16-17: cutime, cstime
        return (parent, user + system, reaped);
    }
}
