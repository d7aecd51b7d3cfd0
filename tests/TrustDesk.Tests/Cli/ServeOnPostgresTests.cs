using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using TrustDesk.Data;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cli;

/// <summary>
/// <c>trustdesk serve</c> on PostgreSQL as an operator starts it: the real executable, as a separate process, on a fresh
/// database of the private PostgreSQL server.
/// </summary>
public sealed class ServeOnPostgresTests(PostgresServer server) : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-serve-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_UnmigratedDatabase_SaysWhatToRunInOneLineAndExitsNonZero()
    {
        var database = await server.CreateDatabaseAsync();

        await using var node = Node.Start(database, _dataDirectory, "serve", "--urls", $"http://127.0.0.1:{FreePort()}");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(3, exitCode);
        var line = Assert.Single(node.ErrorLines());
        Assert.Contains("trustdesk migrate", line, StringComparison.Ordinal);
        Assert.Contains("trustdesk serve --migrate", line, StringComparison.Ordinal);
        node.AssertNoStackTrace();
        // It said what to run and did not run it.
        Assert.Empty(await HistoryAsync(database));
    }

    [Fact]
    public async Task Serve_DatabaseOutOfReach_SaysSoInOneLineAndExitsNonZero()
    {
        var nobodyListens = new NpgsqlConnectionStringBuilder(server.ConnectionString("postgres")) { Port = FreePort(), Timeout = 5 }.ConnectionString;

        await using var node = Node.Start(nobodyListens, _dataDirectory, "serve", "--migrate", "--urls", $"http://127.0.0.1:{FreePort()}");
        var exitCode = await node.WaitForExitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(3, exitCode);
        var line = Assert.Single(node.ErrorLines());
        Assert.StartsWith("Cannot connect to the PostgreSQL database", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__TrustDesk", line, StringComparison.Ordinal);
        node.AssertNoStackTrace();
    }

    [Fact]
    public async Task ServeMigrate_TwoNodesStartingAtOnceOnAnEmptyDatabase_OneMigratesBothServe()
    {
        var database = await server.CreateDatabaseAsync();
        var urls = new[] { $"http://127.0.0.1:{FreePort()}", $"http://127.0.0.1:{FreePort()}" };

        await using var nodeA = Node.Start(database, Path.Combine(_dataDirectory, "a"), "serve", "--migrate", "--urls", urls[0]);
        await using var nodeB = Node.Start(database, Path.Combine(_dataDirectory, "b"), "serve", "--migrate", "--urls", urls[1]);
        await Task.WhenAll(nodeA.WaitReadyAsync(urls[0], TimeSpan.FromMinutes(2)), nodeB.WaitReadyAsync(urls[1], TimeSpan.FromMinutes(2)));

        // Each migration applied once, by one of the two; the other found them applied.
        await using var design = new PostgresTrustDeskDbDesignFactory().CreateDbContext([]);
        var all = design.Database.GetMigrations().ToList();
        Assert.Equal(all, await HistoryAsync(database));
        var applied = $"Applied {all.Count} migration(s) to the PostgreSQL database";
        Assert.Single(new[] { nodeA, nodeB }, node => node.Output.Contains(applied, StringComparison.Ordinal));
        Assert.Single(new[] { nodeA, nodeB }, node => node.Output.Contains("has every migration already", StringComparison.Ordinal));
        nodeA.AssertNoStackTrace();
        nodeB.AssertNoStackTrace();
    }

    [Fact]
    public async Task Serve_AfterServeMigrate_StartsWithoutTheOption()
    {
        var database = await server.CreateDatabaseAsync();
        var url = $"http://127.0.0.1:{FreePort()}";
        await using (var first = Node.Start(database, _dataDirectory, "serve", "--migrate", "--urls", url))
        {
            await first.WaitReadyAsync(url, TimeSpan.FromMinutes(2));
        }

        await using var second = Node.Start(database, _dataDirectory, "serve", "--urls", url);
        await second.WaitReadyAsync(url, TimeSpan.FromMinutes(2));

        Assert.Contains("Database ready", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("migration(s)", second.Output, StringComparison.Ordinal);
    }

    /// <summary>The migration ids recorded in the database, in order, repeats included (none when it has no history table).</summary>
    private static async Task<List<string>> HistoryAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('\"__EFMigrationsHistory\"') IS NOT NULL", connection);
        if (await exists.ExecuteScalarAsync(TestContext.Current.CancellationToken) is not true)
        {
            return [];
        }

        await using var command = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One <c>trustdesk</c> process on PostgreSQL, configured as an operator would (environment variables); its output kept.</summary>
    private sealed class Node : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly StringBuilder _error = new();

        private Node(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
            _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        public static Node Start(string connectionString, string dataDirectory, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"));
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["DOTNET_ENVIRONMENT"] = "Production";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["TrustDesk__Database__Provider"] = "postgres";
            start.Environment["ConnectionStrings__TrustDesk"] = connectionString;
            start.Environment["TrustDesk__DataDirectory"] = dataDirectory;
            return new Node(Process.Start(start)!);
        }

        public string[] ErrorLines() => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public void AssertNoStackTrace()
        {
            var all = Output + Error;
            Assert.False(all.Contains("   at ", StringComparison.Ordinal) || all.Contains("Exception", StringComparison.Ordinal),
                $"The node printed a stack trace or an exception:\n{all}");
        }

        public async Task<int> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cancellation.CancelAfter(timeout);
            await _process.WaitForExitAsync(cancellation.Token);
            // The exit is seen before the last lines are read: wait for the end of both streams.
            _process.WaitForExit();
            return _process.ExitCode;
        }

        public async Task WaitReadyAsync(string url, TimeSpan timeout)
        {
            using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(_process.HasExited, $"The node exited ({(_process.HasExited ? _process.ExitCode : 0)}):\n{Output}\n{Error}");
                try
                {
                    using var response = await client.GetAsync("/readyz", TestContext.Current.CancellationToken);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            Assert.Fail($"The node was not ready within {timeout}:\n{Output}\n{Error}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }

        private static void Append(StringBuilder builder, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (builder)
            {
                builder.AppendLine(line);
            }
        }
    }
}
