using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;
using TrustDesk.Webhooks;

namespace TrustDesk.Tests.Webhooks;

/// <summary>Signed deliveries to a real HTTP receiver that verifies them with its own code, retries, restarts, dead letters.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> FastRetries = new()
    {
        ["TrustDesk:Webhooks:RetryBaseSeconds"] = "0.2",
        ["TrustDesk:Webhooks:RetryMaxSeconds"] = "0.5",
        ["TrustDesk:Webhooks:PollSeconds"] = "0.1",
    };

    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<string> RegisterAsync(TrustDeskFactory app, params string[] events)
    {
        var admin = await app.CreateUserClientAsync(UserRole.Admin);
        var json = await (await admin.PostJsonAsync("/api/v1/webhooks/endpoints", new { url = _receiver.Url, events }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.StartsWith("whsec_", json.Str("secret"));
        _receiver.Secrets.Add(json.Str("secret"));
        return json.Str("id");
    }

    private static async Task<long> SolveCaseAsync(TrustDeskFactory app)
    {
        var client = await app.CreateApiClientAsync();
        var created = await (await client.PostJsonAsync("/api/v1/cases", new { title = "Webhook case " + Guid.NewGuid() })).ExpectAsync(HttpStatusCode.Created);
        var id = created.Long("id");
        await (await client.PatchJsonAsync($"/api/v1/cases/{id}", new { status = "solved" })).ExpectAsync(HttpStatusCode.OK);
        return id;
    }

    [Fact]
    public async Task CaseSolved_RegisteredEndpoint_ReceivesDeliveryWithValidStandardWebhooksSignature()
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, FastRetries);
        await RegisterAsync(app, WebhookEvents.CaseSolved);

        var caseId = await SolveCaseAsync(app);

        var received = await _receiver.WaitForAsync(r => r.Type == "case.solved" && r.Json.GetProperty("data").GetProperty("caseId").GetInt64() == caseId);
        Assert.True(received.SignatureValid, $"signature {received.Signature} did not verify");
        Assert.StartsWith("msg_", received.Id);
        Assert.InRange(long.Parse(received.Timestamp), DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.False(WebhookReceiver.Verify(_receiver.Secrets[0], received.Id, received.Timestamp, received.Body + " ", received.Signature));
    }

    [Fact]
    public async Task Delivery_ReceiverFailsThenRecovers_RetriedWithSameIdAndDeliveredOnce()
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, FastRetries);
        await RegisterAsync(app, WebhookEvents.CaseSolved);
        _receiver.FailNext = 3;

        var caseId = await SolveCaseAsync(app);

        var delivered = await _receiver.WaitForAsync(r => r.AnsweredStatus == 200);
        var attempts = _receiver.Received.Where(r => r.Id == delivered.Id).ToList();
        Assert.Equal(4, attempts.Count);
        Assert.All(attempts, a => Assert.True(a.SignatureValid));
        Assert.Equal(caseId, delivered.Json.GetProperty("data").GetProperty("caseId").GetInt64());
        var row = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(WebhookDeliveryStates.Delivered, row.State);
        Assert.Equal(4, row.Attempts);
    }

    [Fact]
    public async Task Delivery_AppRestartsMidRetry_NothingLostNothingDoubled()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-test-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            _receiver.FailAll = true;
            var first = new TrustDeskFactory(Provider.Sqlite, null, FastRetries, dataDirectory: dataDirectory);
            await RegisterAsync(first, WebhookEvents.CaseSolved);
            var cases = new List<long>();
            for (var i = 0; i < 3; i++)
            {
                cases.Add(await SolveCaseAsync(first));
            }

            // Every delivery has failed at least once: the node is mid-retry when it stops.
            await WaitUntilAsync(() => cases.All(c => _receiver.Received.Any(r => r.Json.GetProperty("data").GetProperty("caseId").GetInt64() == c)));
            await first.DisposeAsync();
            var idsBefore = _receiver.Received.Select(r => r.Id).Distinct().ToHashSet();

            _receiver.FailAll = false;
            await using var second = new TrustDeskFactory(Provider.Sqlite, null, FastRetries, dataDirectory: dataDirectory);
            _ = second.Server;
            await WaitUntilAsync(() => _receiver.Delivered.Count() >= 3);
            await Task.Delay(1000, TestContext.Current.CancellationToken);

            var delivered = _receiver.Delivered.ToList();
            Assert.Equal(3, delivered.Count);
            Assert.Equal(idsBefore, delivered.Select(d => d.Id).ToHashSet());
            Assert.Equal(cases.Order(), delivered.Select(d => d.Json.GetProperty("data").GetProperty("caseId").GetInt64()).Order());
            var rows = await second.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken));
            Assert.All(rows, r => Assert.Equal(WebhookDeliveryStates.Delivered, r.State));
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Delivery_RetryWindowRunsOut_DeadLetterListedAndReplayedWithSameId()
    {
        var settings = new Dictionary<string, string?>(FastRetries) { ["TrustDesk:Webhooks:RetryForHours"] = "0.0003" };
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, settings);
        await RegisterAsync(app, WebhookEvents.CaseSolved);
        var admin = await app.CreateUserClientAsync(UserRole.Admin);
        _receiver.FailAll = true;

        await SolveCaseAsync(app);

        await WaitUntilAsync(async () => (await admin.GetJsonAsync("/api/v1/webhooks/dead-letters")).GetArrayLength() == 1);
        var dead = (await admin.GetJsonAsync("/api/v1/webhooks/dead-letters"))[0];
        Assert.Equal("case.solved", dead.Str("eventType"));
        _receiver.FailAll = false;
        await (await admin.PostJsonAsync($"/api/v1/webhooks/deliveries/{dead.Str("id")}/replay", new { })).ExpectAsync(HttpStatusCode.Accepted);
        var delivered = await _receiver.WaitForAsync(r => r.AnsweredStatus == 200);
        Assert.Equal(dead.Str("webhookId"), delivered.Id);
        Assert.Equal(0, (await admin.GetJsonAsync("/api/v1/webhooks/dead-letters")).GetArrayLength());
        await (await admin.PostJsonAsync($"/api/v1/webhooks/deliveries/{dead.Str("id")}/replay", new { })).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RotateSecret_DuringOverlap_DeliveriesVerifyWithOldAndNewSecret()
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, FastRetries);
        var id = await RegisterAsync(app, WebhookEvents.CaseSolved);
        var admin = await app.CreateUserClientAsync(UserRole.Admin);

        var rotated = await (await admin.PostJsonAsync($"/api/v1/webhooks/endpoints/{id}/rotate-secret", new { })).ExpectAsync(HttpStatusCode.OK);
        _receiver.Secrets.Add(rotated.Str("secret"));
        await Task.Delay(11_000, TestContext.Current.CancellationToken); // the outbox's endpoint cache (10 s) sees the rotation
        await SolveCaseAsync(app);

        var received = await _receiver.WaitForAsync(r => r.AnsweredStatus == 200);
        Assert.NotEqual(_receiver.Secrets[0], _receiver.Secrets[1]);
        Assert.Equal(2, received.Signature.Split(' ').Length);
        Assert.True(received.SignatureValid);
    }

    [Theory]
    [InlineData("""{"url":"ftp://platform.example/hooks","events":["case.solved"]}""", "url")]
    [InlineData("""{"url":"http://platform.example/hooks","events":["case.solved"]}""", "url")]
    [InlineData("""{"url":"https://platform.example/hooks","events":["case.exploded"]}""", "events")]
    [InlineData("""{"url":"https://platform.example/hooks","events":[]}""", "events")]
    public async Task RegisterEndpoint_BadInput_ValidationProblemAndNothingStored(string body, string field)
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null);
        var admin = await app.CreateUserClientAsync(UserRole.Admin);

        var response = await admin.SendRawAsync(HttpMethod.Post, "/api/v1/webhooks/endpoints", body);

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, await app.WithDbAsync(db => db.WebhookEndpoints.CountAsync(TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task RegisterEndpoint_ByAgent_Forbidden()
    {
        await using var app = new TrustDeskFactory(Provider.Sqlite, null);
        var agent = await app.CreateUserClientAsync(UserRole.Agent);

        var response = await agent.PostJsonAsync("/api/v1/webhooks/endpoints", new { url = _receiver.Url, events = new[] { "case.solved" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 30) => await WaitUntilAsync(() => Task.FromResult(condition()), seconds);

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The condition did not come true in time.");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
