using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Metrics;

/// <summary><c>/metrics</c> in-process: the Prometheus text format with TrustDesk's instruments, for callers with metrics.read only.</summary>
public sealed class PrometheusTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Scrape_WithAMetricsReadKey_AnswersPrometheusTextWithTrustDeskMetrics()
    {
        var platform = await fixture.Factory.CreateApiClientAsync();
        await (await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = "prom-" + Guid.NewGuid().ToString("N")[..8] }, category = "order.not_received", text = "Never came." }))
            .ExpectAsync(HttpStatusCode.Created);
        await fixture.Factory.Services.GetRequiredService<SampleQueueSizes>().SampleAsync(TestContext.Current.CancellationToken);
        var scraper = await fixture.Factory.CreateApiClientAsync(Scopes.MetricsRead);

        var response = await scraper.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE trustdesk_intake_works_total counter", text, StringComparison.Ordinal);
        Assert.Matches("""trustdesk_intake_works_total\{[^}]*kind="report"[^}]*outcome="committed"[^}]*\} [1-9]""", text);
        Assert.Matches("""trustdesk_intake_duration_milliseconds_bucket\{""", text);
        Assert.Matches("""trustdesk_triage_duration_milliseconds_count\{?[^ ]* [1-9]""", text);
        Assert.Matches("""trustdesk_cases_created_total\{[^}]*queue="orders"[^}]*\} [1-9]""", text);
        Assert.Matches("""trustdesk_messages_total\{[^}]*channel="report"[^}]*\} [1-9]""", text);
        Assert.Matches("""trustdesk_queue_cases\{[^}]*queue="orders"[^}]*status="new"[^}]*\} [1-9]""", text);
    }

    [Fact]
    public async Task Scrape_WithoutMetricsRead_IsRefused()
    {
        var anonymous = fixture.Factory.CreateClient();
        var reporter = await fixture.Factory.CreateApiClientAsync(Scopes.ReportsWrite);
        var agent = await fixture.Factory.CreateUserClientAsync(UserRole.Agent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reporter.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/metrics", TestContext.Current.CancellationToken)).StatusCode);
    }
}

/// <summary>
/// <c>/metrics</c> on a real server process (real sockets, so real ports and addresses): on a management port it answers
/// there without credentials and nowhere else, whatever Host header a caller writes; without one a local scraper gets in,
/// a request a proxy forwarded does not.
/// </summary>
public sealed class PrometheusServerTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-prom-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ManagementPort_AnswersThereOnly_WhateverTheHostHeaderSays()
    {
        var key = await CreateKeyAsync(Scopes.MetricsRead);
        var (api, management) = (FreePort(), FreePort());
        using var server = await StartAsync($"http://127.0.0.1:{api};http://127.0.0.1:{management}", $"--TrustDesk:Metrics:Prometheus:Port={management}");
        using var client = new HttpClient();
        try
        {
            var there = await client.GetAsync($"http://127.0.0.1:{management}/metrics", TestContext.Current.CancellationToken);
            using var withKey = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{api}/metrics");
            withKey.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var elsewhere = await client.SendAsync(withKey, TestContext.Current.CancellationToken);
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{api}/metrics");
            spoofed.Headers.Host = $"127.0.0.1:{management}";
            spoofed.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            var spoof = await client.SendAsync(spoofed, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, there.StatusCode);
            Assert.Contains("trustdesk_", await there.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
            // The Host header finds the route; the connection's own port still says no.
            Assert.Equal(HttpStatusCode.Forbidden, spoof.StatusCode);
        }
        finally
        {
            await StopAsync(server);
        }
    }

    private async Task<string> CreateKeyAsync(string scope)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"), "apikey", "create", "--name", "scraper", "--scopes", scope, "--data", _dataDirectory])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return (await output).TrimEnd().Split('\n')[^1].Trim();
    }

    [Fact]
    public async Task Loopback_LetsALocalScraperIn_NotAForwardedRequest()
    {
        var port = FreePort();
        using var server = await StartAsync($"http://127.0.0.1:{port}");
        using var client = new HttpClient();
        try
        {
            var local = await client.GetAsync($"http://127.0.0.1:{port}/metrics", TestContext.Current.CancellationToken);
            using var forwardedRequest = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics");
            forwardedRequest.Headers.Add("X-Forwarded-For", "203.0.113.9");
            var forwarded = await client.SendAsync(forwardedRequest, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
            Assert.Contains("trustdesk_queue_cases", await local.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, forwarded.StatusCode);
        }
        finally
        {
            await StopAsync(server);
        }
    }

    private async Task<Process> StartAsync(string urls, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"), "serve", "--urls", urls, "--data", _dataDirectory, .. settings])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        _ = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var client = new HttpClient();
        var first = urls.Split(';')[0];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await client.GetAsync(first + "/readyz", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.False(process.HasExited, "The server stopped while starting.");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The server did not become ready in 2 minutes.");
    }

    private static async Task StopAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
