using System.Globalization;

namespace HiveSync.Bench;

/// <summary>The bench's command line. Unknown options are an error, not ignored: a typo would silently measure something else.</summary>
public sealed class BenchOptions
{
    public static readonly IReadOnlyList<string> Scenarios = ["baseline", "grains", "live", "me", "pairs", "profile", "refresh", "login", "exchange", "webhook", "collab", "cluster"];

    public const string Usage =
        """
        dotnet run -c Release --project bench/HiveSync.Bench [-- options]

          --seconds N            measured seconds per run, after a 2 s warm-up (default 8)
          --connections 1,8,...  connection counts of the scaling runs, baseline and user/me (default 1,8,32,128)
          --only a,b             run only these scenarios: baseline, grains, live, me, pairs, profile, refresh, login, exchange, webhook, collab, cluster
          --tasks 1000,...       project sizes (tasks; 5 comments each) the collab scenarios are measured at, growing (default 1000,10000,100000)
          --cluster              add the two-silo run to --only (it runs by default otherwise)
          --users N              users to register (default 256)
          --server-root DIR      checkout whose src/Silo is measured (default: this repository)
          --setting Key=Value    an extra silo setting (e.g. Logging:LogLevel:HiveSync=Warning), repeatable; wins over the bench's
          --keep                 keep the run's temporary folder (data files, server logs) afterwards
          --trace                sample the silo with dotnet-trace during each measured run, top functions in the report
        """;

    public int Seconds { get; private set; } = 8;

    public IReadOnlyList<int> Connections { get; private set; } = [1, 8, 32, 128];

    public IReadOnlySet<string> Selected { get; private set; } = new HashSet<string>(Scenarios);

    public int Users { get; private set; } = 256;

    public IReadOnlyList<int> TaskCounts { get; private set; } = [1_000, 10_000, 100_000];

    public string? ServerRoot { get; private set; }

    public bool Trace { get; private set; }

    public bool Keep { get; private set; }

    /// <summary>Extra silo settings as environment variables (<c>Section__Key</c>).</summary>
    public IReadOnlyDictionary<string, string> ExtraSiloSettings => _siloSettings;

    private readonly Dictionary<string, string> _siloSettings = [];

    /// <summary>Run as the baseline server (a child of the bench), listening on <see cref="Urls"/>.</summary>
    public bool BaselineServer { get; private set; }

    public string? Urls { get; private set; }

    public bool Help { get; private set; }

    public bool Runs(string scenario) => Selected.Contains(scenario);

    /// <exception cref="ArgumentException">An unknown option or a bad value, with what is wrong.</exception>
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        HashSet<string>? only = null;
        var cluster = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds":
                    options.Seconds = Positive("--seconds", Value());
                    break;
                case "--connections":
                    options.Connections = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => Positive("--connections", c)).Distinct().Order()];
                    break;
                case "--tasks":
                    options.TaskCounts = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => Positive("--tasks", c)).Distinct().Order()];
                    break;
                case "--only":
                    only = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    var unknown = only.Except(Scenarios).ToList();
                    if (unknown.Count > 0)
                    {
                        throw new ArgumentException($"unknown scenario {string.Join(", ", unknown)} (known: {string.Join(", ", Scenarios)})");
                    }

                    break;
                case "--cluster":
                    cluster = true;
                    break;
                case "--users":
                    options.Users = Positive("--users", Value());
                    break;
                case "--server-root":
                    options.ServerRoot = Path.GetFullPath(Value());
                    break;
                case "--trace":
                    options.Trace = true;
                    break;
                case "--setting":
                    var setting = Value().Split('=', 2);
                    if (setting.Length != 2 || setting[0].Length == 0)
                    {
                        throw new ArgumentException("--setting takes Key=Value, e.g. Logging:LogLevel:HiveSync=Warning");
                    }

                    options._siloSettings[setting[0].Replace(":", "__", StringComparison.Ordinal)] = setting[1];
                    break;
                case "--keep":
                    options.Keep = true;
                    break;
                case "--baseline-server":
                    options.BaselineServer = true;
                    break;
                case "--urls":
                    options.Urls = Value();
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (only is not null)
        {
            if (cluster)
            {
                only.Add("cluster");
            }

            options.Selected = only;
        }

        if (options.Connections.Count == 0 || options.TaskCounts.Count == 0)
        {
            throw new ArgumentException("--connections and --tasks need at least one count");
        }

        return options;
    }

    private static int Positive(string option, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{option} takes a positive whole number, not '{text}'");
}
