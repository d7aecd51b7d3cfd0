using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Cli;

/// <summary>The <c>trustdesk</c> executable, run as a user runs it: as a separate process.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-cli-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ApiKeyCreate_PrintsTheKeyAloneOnTheLastLine()
    {
        var (exitCode, output, _) = await RunAsync("apikey", "create", "--name", "platform", "--scopes", "reports:write,cases:read", "--data", _dataDirectory);

        Assert.Equal(0, exitCode);
        var lastLine = output.TrimEnd().Split('\n')[^1];
        Assert.Matches("^td_[A-Za-z0-9]{40,}$", lastLine);
    }

    [Fact]
    public async Task ApiKeyCreate_UnknownScope_ExitsWithUsageError()
    {
        var (exitCode, _, error) = await RunAsync("apikey", "create", "--name", "x", "--scopes", "everything", "--data", _dataDirectory);

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown scope", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_ExitsWithUsage()
    {
        var (exitCode, _, error) = await RunAsync("frobnicate");

        Assert.Equal(2, exitCode);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_FreshDataDirectory_CreatesTheDatabase()
    {
        var (exitCode, output, _) = await RunAsync("migrate", "--data", _dataDirectory);

        Assert.Equal(0, exitCode);
        Assert.Contains("Migrated", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dataDirectory, "trustdesk.db")));
    }

    [Fact]
    public async Task Demo_SeedsAMarketplaceAndServesItWithThePrintedKey()
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        using var process = Start("demo", "--urls", url, "--data", Path.Combine(_dataDirectory, "new", "dir"));
        try
        {
            var key = await WaitForLineAsync(process, "API key:", TimeSpan.FromMinutes(3));
            key = key.Split("API key:", 2)[1].Trim().Split(' ')[0];
            var lead = (await WaitForLineAsync(process, "lead@demo.trustdesk.test", TimeSpan.FromMinutes(1)))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            var signIn = await client.PostJsonAsync("/api/v1/auth/signin", new
            {
                email = "lead@demo.trustdesk.test",
                password = lead[Array.IndexOf(lead, "password") + 1],
                totp = TrustDesk.Identity.Totp.Compute(lead[Array.IndexOf(lead, "secret") + 1], DateTime.UtcNow),
            });
            await signIn.ExpectAsync(HttpStatusCode.OK);

            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz", TestContext.Current.CancellationToken)).StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            // Newest first: the demo's 90 days of solved history (the lowest numbers) come after today's marketplace.
            var page = await client.GetJsonAsync("/api/v1/cases?limit=200&sort=newest");
            var cases = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(cases.Count >= 60, $"{cases.Count} cases");
            Assert.True(cases.Count(c => c.Str("status") is not ("solved" or "closed")) >= 60);
            Assert.True(cases.Select(c => c.Str("category")).Distinct().Count() >= 15);
            Assert.Contains(cases, c => c.Int("reportCount") >= 5);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(start)!;
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private bool _readingErrors;

    private async Task<string> WaitForLineAsync(Process process, string marker, TimeSpan timeout)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancellation.CancelAfter(timeout);
        if (!_readingErrors)
        {
            _readingErrors = true;
            _ = process.StandardError.ReadToEndAsync(cancellation.Token);
        }

        while (await process.StandardOutput.ReadLineAsync(cancellation.Token) is { } line)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"The process ended before printing '{marker}'.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
