using TrustDesk.Queues;
using TrustDesk.Taxonomy;
using System.IO.Compression;
using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Chat;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Chat;

public sealed class ChatApp : IAsyncLifetime
{
    public const string Platform = "acme";
    public const string Secret = "acme-test-secret-acme-test-secret-0123456789";

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?>
        {
            [$"TrustDesk:Chat:Platforms:{Platform}:Secret"] = Secret,
            ["TrustDesk:Chat:CrisisResources"] = "Call or text 988 now. You are not alone.",
            ["TrustDesk:Chat:MessagesPerMinutePerIp"] = "100000",
            ["TrustDesk:Chat:SessionsPerHourPerIp"] = "100000",
        });
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

public sealed class ChatApiTests(ChatApp app) : IClassFixture<ChatApp>
{
    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WidgetScript_Get_IsJavaScriptUnder40KbGzipped()
    {
        var response = await app.Factory.CreateClient().GetAsync("/chat/widget.js", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync(Cancel);
        using var gzipped = new MemoryStream();
        await using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            await gzip.WriteAsync(bytes, Cancel);
        }

        Assert.InRange(gzipped.Length, 1, 40 * 1024);
        Assert.Contains("attachShadow", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostMessage_AnonymousVisitor_StoredOnChatCaseAndStreamed()
    {
        var http = app.Factory.CreateClient();
        var visitor = await ChatVisitor.StartAsync(http);

        var posted = await visitor.SendAsync("My order never arrived <script>alert(1)</script>", "c-1");
        using var events = await visitor.OpenEventsAsync();
        var first = await events.NextEventAsync();

        Assert.Equal(1, posted.GetProperty("seq").GetInt64());
        var caseId = posted.GetProperty("caseId").GetInt64();
        Assert.Equal(1, first.Id);
        Assert.Equal("message", first.Data.GetProperty("type").GetString());
        Assert.Equal("visitor", first.Data.GetProperty("from").GetString());
        // Stored and shown as the text the visitor typed; nothing is interpreted as HTML.
        Assert.Equal("My order never arrived <script>alert(1)</script>", first.Data.GetProperty("text").GetString());
        var stored = await app.Factory.WithDbAsync(db => db.Cases.Include(c => c.Messages).FirstAsync(c => c.Id == caseId, Cancel));
        Assert.Equal(Channel.Chat, stored.Channel);
        Assert.Contains(stored.Messages, m => m.Direction == MessageDirection.Inbound && m.Text.StartsWith("My order never arrived", StringComparison.Ordinal) && m.Html is null);
    }

    [Fact]
    public async Task FirstMessage_OpensACaseThatTheSlaAndTheMetricsSee()
    {
        // Chat's writer saves on a context of its own, which runs no saving hooks: it must show its cases to the case
        // observers itself, or a chat case has no SLA clock and is missing from every dashboard figure.
        var http = app.Factory.CreateClient();
        var visitor = await ChatVisitor.StartAsync(http);
        var createdBefore = await ChatCasesCountedAsync();

        var posted = await visitor.SendAsync("Hello, my payout is late", "c-sla-1");

        var caseId = posted.GetProperty("caseId").GetInt64();
        Assert.NotEmpty(await app.Factory.WithDbAsync(db => db.CaseTargets.Where(t => t.CaseId == caseId).ToListAsync(Cancel)));
        Assert.Equal(createdBefore + 1, await ChatCasesCountedAsync());
    }

    private Task<int> ChatCasesCountedAsync() => app.Factory.WithDbAsync(db => db.Set<TrustDesk.Metrics.MetricRollup>()
        .Where(r => r.Grain == (int)TrustDesk.Metrics.RollupGrain.Detail && r.Channel == "chat").SumAsync(r => r.Created, Cancel));

    [Fact]
    public async Task PostMessage_SameClientMessageIdTwice_StoredOnce()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());

        var first = await visitor.SendAsync("Hello?", "retry-me");
        var again = await visitor.SendAsync("Hello?", "retry-me");
        await visitor.SendAsync("Anyone there?", "next");

        Assert.Equal(first.GetProperty("seq").GetInt64(), again.GetProperty("seq").GetInt64());
        Assert.True(again.GetProperty("replayed").GetBoolean());
        var caseId = first.GetProperty("caseId").GetInt64();
        var inbound = await app.Factory.WithDbAsync(db => db.Messages.CountAsync(m => m.CaseId == caseId && m.Direction == MessageDirection.Inbound, Cancel));
        Assert.Equal(2, inbound);
        var visitorEvents = await app.Factory.WithDbAsync(db => db.ChatEvents.CountAsync(e => e.SessionId == visitor.SessionId && e.From == "visitor", Cancel));
        Assert.Equal(2, visitorEvents);
    }

    [Fact]
    public async Task StartSession_ForgedOrExpiredIdentityToken_Is401Problem()
    {
        var http = app.Factory.CreateClient();
        var forged = IdentityTokens.Sign(ChatApp.Platform, "not-the-platform-secret-not-the-platform-secret", "u-1", "Mallory", null, DateTimeOffset.UtcNow.AddMinutes(10));
        var expired = IdentityTokens.Sign(ChatApp.Platform, ChatApp.Secret, "u-1", "Ann", null, DateTimeOffset.UtcNow.AddMinutes(-10));
        var unknownPlatform = IdentityTokens.Sign("other", ChatApp.Secret, "u-1", "Ann", null, DateTimeOffset.UtcNow.AddMinutes(10));
        var valid = IdentityTokens.Sign(ChatApp.Platform, ChatApp.Secret, "u-1", "Ann Buyer", "ann@buyers.example", DateTimeOffset.UtcNow.AddMinutes(10));
        var parts = valid.Split('.');
        var otherUser = IdentityTokens.Sign(ChatApp.Platform, ChatApp.Secret, "u-2", "Ann Buyer", "ann@buyers.example", DateTimeOffset.UtcNow.AddMinutes(10)).Split('.')[1];
        var tampered = parts[0] + "." + otherUser + "." + parts[2];

        foreach (var token in new[] { forged, expired, unknownPlatform, tampered, "garbage" })
        {
            var response = await http.PostJsonAsync("/api/v1/chat/sessions", new { identityToken = token });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var started = await (await http.PostJsonAsync("/api/v1/chat/sessions", new { identityToken = valid })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Ann Buyer", started.GetProperty("visitorName").GetString());
        Assert.Equal("u-1", started.GetProperty("platformUserId").GetString());
        var sessionId = started.GetProperty("sessionId").GetGuid();
        var stored = await app.Factory.WithDbAsync(db => db.ChatSessions.FirstAsync(s => s.Id == sessionId, Cancel));
        Assert.NotEqual(started.GetProperty("visitorToken").GetString(), stored.TokenHash);
        Assert.Equal(ChatVisitors.Hash(started.GetProperty("visitorToken").GetString()!), stored.TokenHash);
    }

    [Fact]
    public async Task OtherVisitorsSession_ReadOrWrite_Is404_AndNoToken401()
    {
        var http = app.Factory.CreateClient();
        var alice = await ChatVisitor.StartAsync(http);
        var mallory = await ChatVisitor.StartAsync(http);
        await alice.SendAsync("private words");

        var write = await mallory.PostAsync("injected", token: mallory.Token, session: alice.SessionId);
        var readRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chat/sessions/{alice.SessionId}/events");
        readRequest.Headers.Authorization = new("Bearer", mallory.Token);
        var read = await http.SendAsync(readRequest, HttpCompletionOption.ResponseHeadersRead, Cancel);
        var status = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chat/sessions/{alice.SessionId}");
        status.Headers.Authorization = new("Bearer", mallory.Token);
        var statusResponse = await http.SendAsync(status, Cancel);
        var anonymous = await http.GetAsync($"/api/v1/chat/sessions/{alice.SessionId}/events", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, statusResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var aliceEvents = await app.Factory.WithDbAsync(db => db.ChatEvents.Where(e => e.SessionId == alice.SessionId).Select(e => e.Text).ToListAsync(Cancel));
        Assert.DoesNotContain("injected", aliceEvents);
    }

    [Fact]
    public async Task Events_ConnectionKilledMidStream_ResumeWithLastEventId_NothingMissedNothingTwice()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        await visitor.SendAsync("one");
        var stream = await visitor.OpenEventsAsync();
        var seen = new List<long>();
        await visitor.SendAsync("two");
        SseStream.Frame frame;
        do
        {
            frame = await stream.NextEventAsync();
            seen.Add(frame.Id!.Value);
        }
        while (frame.Data.GetProperty("text").GetString() != "two");

        // The connection dies; meanwhile the conversation goes on.
        stream.Dispose();
        await visitor.SendAsync("three");
        await visitor.SendAsync("four");
        using var resumed = await visitor.OpenEventsAsync(lastEventId: seen[^1]);
        var texts = new List<string>();
        while (texts.Count < 2)
        {
            frame = await resumed.NextEventAsync();
            seen.Add(frame.Id!.Value);
            if (frame.Data.GetProperty("type").GetString() == "message")
            {
                texts.Add(frame.Data.GetProperty("text").GetString()!);
            }
        }

        await visitor.SendAsync("five");
        var live = await resumed.NextEventAsync();

        Assert.Equal(["three", "four"], texts);
        Assert.Equal("five", live.Data.GetProperty("text").GetString());
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.True(seen.SequenceEqual(seen.Order()));
        Assert.Equal(live.Id, live.Data.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task CrisisMessage_CaseS1InCrisisQueue_VisitorGetsResourcesBeforeAnyAgent()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        using var events = await visitor.OpenEventsAsync();

        var posted = await visitor.SendAsync("I can't take it anymore, I'm going to end it tonight");
        var frames = new List<SseStream.Frame> { await events.NextEventAsync(), await events.NextEventAsync() };

        Assert.True(posted.GetProperty("crisis").GetBoolean());
        var system = Assert.Single(frames, f => f.Data.GetProperty("type").GetString() == "system" && f.Data.GetProperty("text").GetString()!.Contains("988", StringComparison.Ordinal));
        Assert.Equal("system", system.Data.GetProperty("from").GetString());
        var caseId = posted.GetProperty("caseId").GetInt64();
        var (severity, queue) = await app.Factory.WithDbAsync(async db =>
        {
            var c = await db.Cases.FirstAsync(c => c.Id == caseId, Cancel);
            return (c.Severity, await db.Queues.Where(q => q.Id == c.QueueId).Select(q => q.Name).FirstAsync(Cancel));
        });
        Assert.Equal(Severity.S1, severity);
        Assert.Equal("crisis", queue);
    }

    [Fact]
    public async Task AgentReply_ThroughCasesApi_ReachesVisitorStream()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        var posted = await visitor.SendAsync("Where is my refund?");
        using var events = await visitor.OpenEventsAsync(lastEventId: posted.GetProperty("seq").GetInt64());
        using var agent = await app.Factory.CreateApiClientAsync();

        await (await agent.PostJsonAsync($"/api/v1/cases/{posted.GetProperty("caseId").GetInt64()}/messages", new { type = "reply", text = "It went out today." }))
            .ExpectAsync(HttpStatusCode.Created);
        SseStream.Frame reply;
        do
        {
            reply = await events.NextEventAsync();
        }
        while (reply.Data.GetProperty("type").GetString() != "message");

        Assert.Equal("agent", reply.Data.GetProperty("from").GetString());
        Assert.Equal("It went out today.", reply.Data.GetProperty("text").GetString());
        var caseId = posted.GetProperty("caseId").GetInt64();
        var state = await app.Factory.WithDbAsync(db => db.Messages.Where(m => m.CaseId == caseId && m.Direction == MessageDirection.Outbound)
            .Select(m => m.DeliveryState).SingleAsync(Cancel));
        Assert.Equal(Message.Sent, state);
    }

    [Fact]
    public async Task PostMessage_TooLongOrEmpty_IsValidationProblem()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());

        var tooLong = await visitor.PostAsync(new string('x', 4_001));
        var empty = await visitor.PostAsync("   ");

        await tooLong.ExpectProblemAsync(HttpStatusCode.BadRequest, "text");
        await empty.ExpectProblemAsync(HttpStatusCode.BadRequest, "text");
    }

    [Fact]
    public async Task ReadReceipt_FromVisitor_IsStreamedAsReadEvent()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        var posted = await visitor.SendAsync("hi");
        using var agent = await app.Factory.CreateApiClientAsync();
        await (await agent.PostJsonAsync($"/api/v1/cases/{posted.GetProperty("caseId").GetInt64()}/messages", new { type = "reply", text = "Hello!" })).ExpectAsync(HttpStatusCode.Created);
        using var events = await visitor.OpenEventsAsync();
        SseStream.Frame reply;
        do
        {
            reply = await events.NextEventAsync();
        }
        while (reply.Data.GetProperty("from").GetString() != "agent");

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/chat/sessions/{visitor.SessionId}/read") { Content = System.Net.Http.Json.JsonContent.Create(new { seq = reply.Id }) };
        request.Headers.Authorization = new("Bearer", visitor.Token);
        var read = await visitor.Http.SendAsync(request, Cancel);
        var receipt = await events.NextEventAsync();

        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        Assert.Equal("read", receipt.Data.GetProperty("type").GetString());
        Assert.Equal(reply.Id, receipt.Data.GetProperty("readUpTo").GetInt64());
    }
}

public sealed class ChatRateLimitTests
{
    [Fact]
    public async Task PostMessage_OverPerVisitorBudget_Is429()
    {
        await using var factory = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?> { ["TrustDesk:Chat:MessagesPerMinutePerVisitor"] = "3" });
        var visitor = await ChatVisitor.StartAsync(factory.CreateClient());

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await visitor.PostAsync($"m{i}")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }
}
