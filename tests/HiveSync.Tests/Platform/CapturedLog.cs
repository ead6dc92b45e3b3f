using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HiveSync.Tests.Platform;

/// <summary>Keeps every log line of the host it is added to (the host's log-level filters still apply).</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _lines = new();

    public List<string> Lines(string categoryPrefix, LogLevel atLeast = LogLevel.Trace) =>
        _lines.Where(l => l.Level >= atLeast && l.Category.StartsWith(categoryPrefix, StringComparison.Ordinal)).Select(l => l.Message).ToList();

    public List<string> Warnings(string categoryPrefix) =>
        _lines.Where(l => l.Level == LogLevel.Warning && l.Category.StartsWith(categoryPrefix, StringComparison.Ordinal)).Select(l => l.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
