namespace HiveSync.Bench.Seeding;

/// <summary>The vocabulary generated titles, descriptions and comments are drawn from, and the search scenarios query.</summary>
public static class BenchWords
{
    public static readonly IReadOnlyList<string> All =
    [
        "refactor", "exporter", "telemetry", "login", "session", "cache", "database", "migration", "index", "query",
        "timeout", "retry", "webhook", "billing", "invoice", "upload", "download", "preview", "worker", "queue",
        "deploy", "rollback", "release", "build", "pipeline", "test", "flaky", "crash", "memory", "leak",
        "latency", "throughput", "dashboard", "chart", "report", "export", "import", "parser", "schema", "validation",
        "button", "dialog", "layout", "theme", "dark", "mobile", "desktop", "plugin", "editor", "sidebar",
        "search", "filter", "sort", "pagination", "notification", "email", "password", "reset", "token", "permission",
        "role", "admin", "audit", "log", "metric", "alert", "monitor", "backup", "restore", "storage",
        "bucket", "signature", "encryption", "certificate", "proxy", "gateway", "router", "endpoint", "client", "server",
        "config", "setting", "feature", "flag", "experiment", "onboarding", "tutorial", "docs", "readme", "changelog",
        "localization", "translation", "accessibility", "keyboard", "shortcut", "drag", "drop", "animation", "font", "icon",
        "sync", "conflict", "merge", "branch", "commit", "review", "comment", "mention", "label", "milestone",
        "sprint", "estimate", "deadline", "priority", "blocker", "dependency", "cycle", "graph", "tree", "node",
    ];

    /// <summary>One word a search scenario looks for, and two that must both appear.</summary>
    public static IReadOnlyList<string> Queries => ["exporter", "telemetry", "login", "crash", "migration", "webhook", "refactor exporter", "memory leak", "flaky test", "dark theme"];
}
