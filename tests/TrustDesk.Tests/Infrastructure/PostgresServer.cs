using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TrustDesk.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for the test run: initdb + pg_ctl from the installed Debian packages into a temp
/// directory, on a free port. It never skips: a machine without PostgreSQL fails the PostgreSQL tests, loudly.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private string _directory = "";
    private string _binDirectory = "";
    private int _databaseCounter;

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _directory = Path.Combine(Path.GetTempPath(), "trustdesk-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        Port = FreePort();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            // initdb refuses to run as root: the server runs as the postgres user the package created.
            await RunAsync("chown", $"postgres {_directory}");
        }

        await RunPostgresToolAsync(asRoot, "initdb", $"-D {_directory}/data -A trust -U postgres --no-sync -E UTF8");
        await StartAsync();
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>: same port, same data.</summary>
    public Task StartAsync() =>
        RunPostgresToolAsync(Environment.UserName == "root", "pg_ctl",
            $"-D {_directory}/data -o \"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400\" -l {_directory}/log -w start");

    /// <summary>
    /// Stops the server as an operator's restart does (fast shutdown: every session is ended, committed data stays). Only
    /// on a server of a test's own: the shared one serves every other test class.
    /// </summary>
    public Task StopAsync() => RunPostgresToolAsync(Environment.UserName == "root", "pg_ctl", $"-D {_directory}/data -m fast -w stop");

    public async ValueTask DisposeAsync()
    {
        if (_binDirectory.Length > 0 && Directory.Exists(_directory))
        {
            try
            {
                await RunPostgresToolAsync(Environment.UserName == "root", "pg_ctl", $"-D {_directory}/data -m immediate -w stop");
            }
            finally
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    /// <summary>A new, empty database for one test class, so classes never see each other's rows.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"trustdesk_{Interlocked.Increment(ref _databaseCounter)}_{Guid.NewGuid():N}"[..40];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        // Every test class has its own database and so its own pool: keep each pool small and idle connections short,
        // so the suite as a whole stays far below the server's max_connections.
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20;Connection Idle Lifetime=10;Connection Pruning Interval=5;Include Error Detail=true";

    private static string FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run ./test.sh, which installs it from Debian.");
    }

    private Task RunPostgresToolAsync(bool asRoot, string tool, string arguments) =>
        asRoot
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(_binDirectory, tool)} {arguments}")
            : RunAsync(Path.Combine(_binDirectory, tool), arguments);

    private static async Task RunAsync(string fileName, string arguments)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", $"{fileName} {arguments}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
