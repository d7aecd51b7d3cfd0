using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>
/// Two TrustDesk nodes over one PostgreSQL database, both running the outbox dispatcher against one relay: every queued
/// reply reaches the relay exactly once.
/// </summary>
public sealed class OutboxTwoNodeTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int Replies = 60;

    private readonly SmtpSink _sink = new();
    private TrustDeskFactory _first = null!;
    private TrustDeskFactory _second = null!;

    public async ValueTask InitializeAsync()
    {
        var database = await postgres.CreateDatabaseAsync();
        _first = Node(database);
        _ = _first.Server;

        // Started after the first has migrated the database, as nodes are deployed.
        _second = Node(database);
        _ = _second.Server;
    }

    private TrustDeskFactory Node(string database)
    {
        var settings = EmailApp.Settings(SmtpSink.FreePort(), _sink.Port);
        settings["TrustDesk:Email:Relay:PollSeconds"] = "0.05";
        return new TrustDeskFactory(Provider.Postgres, database, settings);
    }

    [Fact]
    public async Task TwoNodesDispatching_SendEveryQueuedReplyExactlyOnce()
    {
        var caseId = await EmailCaseAsync();
        var queued = await QueueRepliesAtOnceAsync(caseId);

        // Both nodes' background dispatchers poll every 50 ms; on top of them, two claimers per node run at once.
        var claimers = new[] { _first, _second }.SelectMany(node => Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var dispatcher = node.Services.GetRequiredService<DispatchEmailReplies>();
            while (await dispatcher.DispatchOnceAsync(TestContext.Current.CancellationToken) > 0)
            {
            }
        })));
        await Task.WhenAll(claimers);
        await WaitAllSentAsync(queued);
        // Stopping both dispatchers waits for any send still under way: what the relay has received then is final.
        foreach (var node in new[] { _first, _second })
        {
            await node.Services.GetRequiredService<DispatchEmailReplies>().StopAsync(TestContext.Current.CancellationToken);
        }

        var received = _sink.Received().GroupBy(m => m.MessageId ?? "(none)").ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(queued.Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        Assert.All(received, pair => Assert.True(pair.Value == 1, $"{pair.Key} was sent {pair.Value} times"));
        var rows = await _second.WithDbAsync(db => db.OutboundEmails.AsNoTracking().Where(o => o.CaseId == caseId).ToListAsync());
        Assert.All(rows, row => Assert.Equal((OutboundEmailStates.Sent, 1), (row.State, row.Attempts)));
    }

    private async Task<long> EmailCaseAsync()
    {
        using var api = await _first.CreateApiClientAsync();
        var id = Mail.NewId();
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Mail.Text("two.nodes@example.com", "Where is my refund?", "Still waiting.", id)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("message/rfc822");
        await (await api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.Accepted);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var caseId = await _first.WithDbAsync(db => db.InboundEmails.AsNoTracking().Where(e => e.MessageIdHeader == id).Select(e => e.CaseId).FirstOrDefaultAsync());
            if (caseId is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "The email did not become a case.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// The agents' replies, queued by the same use case the API calls but in one transaction, so that every row is due at
    /// the same moment on both nodes and the claims really compete.
    /// </summary>
    private async Task<List<string>> QueueRepliesAtOnceAsync(long caseId)
    {
        await using var scope = _first.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<QueueEmailReply>();
        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, TestContext.Current.CancellationToken);
        var now = DateTime.UtcNow;
        var agent = new Actor("user", Guid.NewGuid().ToString(), "Agent");
        var queued = new List<string>();
        for (var i = 0; i < Replies; i++)
        {
            var message = @case.AddMessage(MessageDirection.Outbound, Channel.Email, $"Update {i} on your refund.", agent, now, outbox.NewMessageId());
            await outbox.EnqueueAsync(db, @case, message, now, TestContext.Current.CancellationToken);
            queued.Add(message.ExternalId!);
        }

        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return queued;
    }

    private async Task WaitAllSentAsync(List<string> queued)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var sent = await _first.WithDbAsync(db => db.OutboundEmails.CountAsync(o => queued.Contains(o.MessageIdHeader) && o.State == OutboundEmailStates.Sent));
            if (sent == queued.Count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{sent} of {queued.Count} replies sent.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _sink.DisposeAsync();
    }
}
