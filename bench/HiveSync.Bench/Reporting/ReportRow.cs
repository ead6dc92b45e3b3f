using HiveSync.Bench.Load;

namespace HiveSync.Bench.Reporting;

/// <summary>
/// One line of the results table. <see cref="Errors"/>: responses with a status the scenario did not expect
/// (non-2xx; for failed sign-ins, anything but 401). CPU figures are per request, in microseconds.
/// </summary>
public sealed record ReportRow(
    string Scenario,
    string Label,
    string ConnectionsText,
    int BaselineConnections,
    double RequestsPerSecond,
    WrkResult? Latency,
    long Errors,
    long SocketErrors,
    double? ServerCpuUs,
    double? PostgresCpuUs,
    string? Note = null);

/// <summary>What the report's header says about the run.</summary>
public sealed record RunInfo(
    DateTime StartedUtc,
    string Machine,
    string DotNet,
    string Server,
    string Postgres,
    string Load,
    string Data);
