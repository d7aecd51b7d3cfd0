using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace TrustDesk.Bench;

/// <summary>
/// A private PostgreSQL server for one benchmark run, as the tests start theirs: <c>initdb</c> and <c>pg_ctl</c> from the
/// installed Debian packages (as the <c>postgres</c> user when run as root, since initdb refuses root), a temporary
/// directory, a free loopback port. Durable as production is by default (<c>fsync</c> and <c>synchronous_commit</c> on):
/// an acknowledged report is on disk. Disposing it stops the server and removes the directory.
/// </summary>
public sealed class PostgresInstance : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _binDirectory;
    private readonly bool _asRoot;
    private int _disposed;

    private PostgresInstance(string directory, string binDirectory, bool asRoot, int port)
    {
        _directory = directory;
        _binDirectory = binDirectory;
        _asRoot = asRoot;
        Port = port;
    }

    public int Port { get; }

    public string Directory => _directory;

    public string ConnectionString(string database, int maxPoolSize = 100) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size={maxPoolSize}";

    /// <param name="settings">Server settings (<c>name=value</c>) on top of the defaults below.</param>
    public static async Task<PostgresInstance> StartAsync(IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        var bin = FindBinDirectory();
        var directory = Path.Combine(Path.GetTempPath(), "trustdesk-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        var instance = new PostgresInstance(directory, bin, asRoot, FreePort());
        try
        {
            if (asRoot)
            {
                await RunAsync("chown", ["postgres", directory], cancellationToken);
            }

            await instance.RunToolAsync("initdb", ["-D", $"{directory}/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], cancellationToken);
            // Enough connections for every node's pool; statistics of statements for "where the time goes".
            var options = new List<string>
            {
                $"-p {instance.Port}", $"-k {directory}", "-c listen_addresses=127.0.0.1", "-c max_connections=300",
                "-c shared_preload_libraries=pg_stat_statements", "-c pg_stat_statements.track=top",
            };
            options.AddRange(settings.Select(s => $"-c {s}"));
            await instance.RunToolAsync("pg_ctl", ["-D", $"{directory}/data", "-o", string.Join(' ', options), "-l", $"{directory}/log", "-w", "start"], cancellationToken);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var connection = new NpgsqlConnection(ConnectionString(name)))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return ConnectionString(name);
    }

    /// <summary>CPU time used so far by the server's processes (the postmaster and every backend), from /proc.</summary>
    public TimeSpan ProcessorTime()
    {
        try
        {
            var pidFile = Path.Combine(_directory, "data", "postmaster.pid");
            var postmaster = int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
            long ticks = 0;
            foreach (var dir in System.IO.Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                {
                    continue;
                }

                try
                {
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17): the fields after the last ')'.
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                    if (pid == postmaster || parent == postmaster)
                    {
                        ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                        if (pid == postmaster)
                        {
                            // Backends that ended (connections closed) are counted in the postmaster's children's time.
                            ticks += long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // The process ended meanwhile.
                }
            }

            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (File.Exists(Path.Combine(_directory, "data", "postmaster.pid")))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await RunToolAsync("pg_ctl", ["-D", $"{_directory}/data", "-m", "immediate", "-w", "stop"], timeout.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"Stopping the private PostgreSQL failed: {e.Message}");
        }
        finally
        {
            try
            {
                System.IO.Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    private Task RunToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _asRoot
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_binDirectory, tool), .. arguments], cancellationToken)
            : RunAsync(Path.Combine(_binDirectory, tool), arguments, cancellationToken);

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output} {await error}");
        }
    }

    private static string FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var bin = System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
