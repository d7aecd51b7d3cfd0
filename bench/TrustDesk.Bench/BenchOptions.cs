using System.Globalization;

namespace TrustDesk.Bench;

/// <summary>The command line: <c>intake --seconds S --concurrency C [--url URL --key KEY] [...]</c>.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        Usage:
          trustdesk-bench intake [--seconds S] [--concurrency C] [--warmup W] [--ceiling-seconds T]
                                 [--url URL --key KEY] [--server PATH] [--idempotency FRACTION] [--seed N] [--keep-data]

          Starts its own server (trustdesk.dll serve on a free loopback port, fresh SQLite data directory) unless --url
          and --key are given, posts realistic reports at C concurrent connections for W + S seconds (only the last S
          are measured), then measures GET /healthz on the same server for T seconds as the machine's ceiling.
          The last line of output is one JSON object with the figures.

          --seconds S            measured seconds of intake (default 20)
          --concurrency C        requests in flight at once (default 16)
          --warmup W             seconds of load before measuring (default 20: a fresh server's JIT tiering; 60 on a busy machine)
          --ceiling-seconds T    seconds of /healthz load (default 5)
          --url URL --key KEY    an already running server and an API key with scopes reports:write,cases:read
          --server PATH          the trustdesk.dll to start (default: the one this project was built with)
          --idempotency F        share of reports sent with an Idempotency-Key header, 0 to 1 (default 0)
          --seed N               seed of the generated reports (default 1: every run posts the same sequence)
          --keep-data            keep the server's temporary data directory and print where it is

        Several nodes over PostgreSQL (docs/benchmarks.md, "Intake on PostgreSQL"):
          trustdesk-bench intake --provider postgres [--nodes N] [--hot-share F] [--kill-one] [--postgres-setting NAME=VALUE]...

          --provider P           sqlite (default: one server over a SQLite file) or postgres: a private PostgreSQL server
                                 (initdb into a temp directory, durable: fsync and synchronous_commit on), migrated once,
                                 and N nodes serving from it; connections are spread over the nodes (worker i -> node i mod N)
          --nodes N              nodes to start (default 1; postgres only)
          --hot-share F          share of reports about 20 hot subjects (default: the standard mix, 25% over 300 subjects)
          --kill-one             kill -9 one node halfway through the measured window; its workers move to the other nodes
          --postgres-setting S   a PostgreSQL server setting, NAME=VALUE (repeatable), e.g. synchronous_commit=off
          After the run it checks the database: every acknowledged report stored (lostReports), at most one open case per
          subject and category (duplicateOpenCases), every case's report count equal to its stored reports.
        """;

    public int Seconds { get; private set; } = 20;
    public int Concurrency { get; private set; } = 16;
    public int WarmupSeconds { get; private set; } = 20;
    public int CeilingSeconds { get; private set; } = 5;
    public Uri? Url { get; private set; }
    public string? Key { get; private set; }
    public string? ServerPath { get; private set; }
    public double IdempotencyShare { get; private set; }
    public int Seed { get; private set; } = 1;
    public bool KeepData { get; private set; }
    public bool Postgres { get; private set; }
    public int Nodes { get; private set; } = 1;
    public double? HotShare { get; private set; }
    public bool KillOne { get; private set; }
    public List<string> PostgresSettings { get; } = [];

    public static BenchOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "intake")
        {
            throw new ArgumentException(args.Length == 0 ? "Missing command." : $"Unknown command '{args[0]}'.");
        }

        var options = new BenchOptions();
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--keep-data")
            {
                options.KeepData = true;
                continue;
            }

            if (name == "--kill-one")
            {
                options.KillOne = true;
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Option '{name}' needs a value.");
            }

            var value = args[++i];
            switch (name)
            {
                case "--seconds":
                    options.Seconds = ParseInt(name, value, 1, 3600);
                    break;
                case "--concurrency":
                    options.Concurrency = ParseInt(name, value, 1, 4096);
                    break;
                case "--warmup":
                    options.WarmupSeconds = ParseInt(name, value, 0, 600);
                    break;
                case "--ceiling-seconds":
                    options.CeilingSeconds = ParseInt(name, value, 1, 600);
                    break;
                case "--url":
                    options.Url = Uri.TryCreate(value.TrimEnd('/') + "/", UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                        ? url
                        : throw new ArgumentException($"--url: not an http(s) URL: '{value}'.");
                    break;
                case "--key":
                    options.Key = value;
                    break;
                case "--server":
                    options.ServerPath = value;
                    break;
                case "--idempotency":
                    options.IdempotencyShare = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share is >= 0 and <= 1
                        ? share
                        : throw new ArgumentException("--idempotency: a fraction from 0 to 1.");
                    break;
                case "--seed":
                    options.Seed = ParseInt(name, value, int.MinValue, int.MaxValue);
                    break;
                case "--provider":
                    options.Postgres = value switch
                    {
                        "postgres" or "postgresql" => true,
                        "sqlite" => false,
                        _ => throw new ArgumentException("--provider: sqlite or postgres."),
                    };
                    break;
                case "--nodes":
                    options.Nodes = ParseInt(name, value, 1, 16);
                    break;
                case "--hot-share":
                    options.HotShare = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var hot) && hot is >= 0 and <= 1
                        ? hot
                        : throw new ArgumentException("--hot-share: a fraction from 0 to 1.");
                    break;
                case "--postgres-setting":
                    options.PostgresSettings.Add(value.Contains('=', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal)
                        ? value
                        : throw new ArgumentException("--postgres-setting: NAME=VALUE, without spaces."));
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (options.Url is not null != options.Key is not null)
        {
            throw new ArgumentException("--url and --key go together.");
        }

        if (!options.Postgres && (options.Nodes > 1 || options.KillOne || options.PostgresSettings.Count > 0))
        {
            throw new ArgumentException("--nodes, --kill-one and --postgres-setting need --provider postgres.");
        }

        if (options.Postgres && options.Url is not null)
        {
            throw new ArgumentException("--provider postgres starts its own database and nodes: no --url.");
        }

        if (options.KillOne && options.Nodes < 2)
        {
            throw new ArgumentException("--kill-one needs --nodes 2 or more (the survivors take the load).");
        }

        return options;
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name}: a whole number from {min} to {max}.");
}
