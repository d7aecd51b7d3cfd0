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
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        if (options.Url is not null != options.Key is not null)
        {
            throw new ArgumentException("--url and --key go together.");
        }

        return options;
    }

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name}: a whole number from {min} to {max}.");
}
