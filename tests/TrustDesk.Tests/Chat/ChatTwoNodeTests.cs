using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Chat;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Chat;

/// <summary>Two TrustDesk nodes over one PostgreSQL: a chat relays both ways over LISTEN/NOTIFY, with no sticky sessions.</summary>
public sealed class ChatTwoNodeTests(PostgresServer server)
{
    [Fact]
    public async Task Chat_VisitorOnOneNodeAgentOnTheOther_MessagesReachBothWays()
    {
        var cancel = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["TrustDesk:Chat:CrisisResources"] = "Call or text 988." };
        await using var nodeA = new TrustDeskFactory(Provider.Postgres, database, settings);
        await using var nodeB = new TrustDeskFactory(Provider.Postgres, database, settings);
        _ = nodeA.Server;
        _ = nodeB.Server;
        await nodeA.Services.GetRequiredService<PostgresChatRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), cancel);
        await nodeB.Services.GetRequiredService<PostgresChatRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), cancel);

        // The visitor starts on B and keeps its stream open on B; its next message goes through A (no sticky sessions).
        var onB = await ChatVisitor.StartAsync(nodeB.CreateClient());
        var first = await onB.SendAsync("Hello from B", "b-1");
        using var streamOnB = await onB.OpenEventsAsync(lastEventId: first.GetProperty("seq").GetInt64());
        var onA = new ChatVisitor(nodeA.CreateClient(), onB.SessionId, onB.Token);
        using var streamOnA = await onA.OpenEventsAsync(lastEventId: first.GetProperty("seq").GetInt64());
        var skipOnA = await DrainSystemAsync(streamOnA);
        var skipOnB = await DrainSystemAsync(streamOnB);

        await onA.SendAsync("Second message, via A", "a-1");
        var seenOnB = skipOnB ?? await streamOnB.NextEventAsync(TimeSpan.FromSeconds(10));
        using var agentOnA = await nodeA.CreateApiClientAsync();
        await (await agentOnA.PostJsonAsync($"/api/v1/cases/{first.GetProperty("caseId").GetInt64()}/messages", new { type = "reply", text = "Agent on A here." }))
            .ExpectAsync(HttpStatusCode.Created);
        var replyOnB = await NextMessageAsync(streamOnB);
        var seenOnA = skipOnA ?? await streamOnA.NextEventAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("Second message, via A", seenOnB.Data.GetProperty("text").GetString());
        Assert.Equal("Second message, via A", seenOnA.Data.GetProperty("text").GetString());
        Assert.Equal("agent", replyOnB.Data.GetProperty("from").GetString());
        Assert.Equal("Agent on A here.", replyOnB.Data.GetProperty("text").GetString());
    }

    /// <summary>Skips the system notes that follow a first message; returns a message frame when one came first.</summary>
    private static async Task<SseStream.Frame?> DrainSystemAsync(SseStream stream)
    {
        try
        {
            var frame = await stream.NextEventAsync(TimeSpan.FromSeconds(1));
            return frame.Data.GetProperty("type").GetString() == "message" ? frame : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<SseStream.Frame> NextMessageAsync(SseStream stream)
    {
        while (true)
        {
            var frame = await stream.NextEventAsync(TimeSpan.FromSeconds(10));
            if (frame.Data.GetProperty("type").GetString() == "message" && frame.Data.GetProperty("from").GetString() == "agent")
            {
                return frame;
            }
        }
    }
}
