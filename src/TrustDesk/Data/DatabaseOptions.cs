namespace TrustDesk.Data;

/// <summary>Settings under <c>TrustDesk:Database</c>.</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// Migrate when the server starts. Always so on SQLite; on PostgreSQL off by default (run <c>trustdesk migrate</c>),
    /// so that several nodes starting at once do not race to migrate.
    /// </summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>
    /// SQLite only: <c>full</c> (default: every acknowledged write survives a power cut) or <c>normal</c> (survives the
    /// process dying; a power cut can lose the last commits). See docs/benchmarks.md for what it costs.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "full";

    /// <summary>SQLite only: page cache per connection, in MiB.</summary>
    public int SqliteCacheMegabytes { get; set; } = 16;

    public bool IsPostgres => string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Provider, "postgresql", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Settings directly under <c>TrustDesk</c>.</summary>
public sealed class TrustDeskOptions
{
    /// <summary>Where the SQLite file and blobs live. <c>--data DIR</c> on the command line.</summary>
    public string DataDirectory { get; set; } = "trustdesk-data";
}
