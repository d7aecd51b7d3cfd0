using TrustDesk.Cases;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TrustDesk.AgentConsole;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>Who views and types a case, across two TrustDesk nodes over one PostgreSQL database.</summary>
public sealed class PresenceAcrossNodesTests(PostgresServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AgentsOnTwoNodes_SeeEachOther_TypingAndLeaving()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = await StartAsync(database, expirySeconds: 30);
        await using var second = await StartAsync(database, expirySeconds: 30);
        var onFirst = first.Services.GetRequiredService<CasePresence>();
        var onSecond = second.Services.GetRequiredService<CasePresence>();
        const long caseId = 4201;

        onFirst.Join(caseId, "circuit-a", "Alice Agent");
        onSecond.Join(caseId, "circuit-b", "Bob Agent");

        await WaitForAsync(onSecond, caseId, v => v.Any(x => x.Name == "Alice Agent" && !x.Typing), "Bob's node sees Alice viewing");
        await WaitForAsync(onFirst, caseId, v => v.Any(x => x.Name == "Bob Agent"), "Alice's node sees Bob");

        onFirst.Typing(caseId, "circuit-a");
        await WaitForAsync(onSecond, caseId, v => v.Any(x => x.Name == "Alice Agent" && x.Typing), "Bob's node sees Alice typing");

        onFirst.StoppedTyping(caseId, "circuit-a");
        await WaitForAsync(onSecond, caseId, v => v.Any(x => x.Name == "Alice Agent" && !x.Typing), "Alice stopped typing");

        onFirst.Leave(caseId, "circuit-a");
        await WaitForAsync(onSecond, caseId, v => v.Count == 1 && v[0].Name == "Bob Agent", "Alice left");
        Assert.Empty(onSecond.Of(caseId + 1));
    }

    [Fact]
    public async Task NodeThatDies_ItsViewersExpire_AndOpenPagesAreTold()
    {
        var database = await server.CreateDatabaseAsync();
        await using var node = await StartAsync(database, expirySeconds: 1.5);
        var presence = node.Services.GetRequiredService<CasePresence>();
        const long caseId = 4202;
        var changes = 0;
        presence.Changed += id =>
        {
            if (id == caseId)
            {
                Interlocked.Increment(ref changes);
            }
        };

        // A node that announces one viewer and is never heard of again (no refresh, no goodbye): it died.
        await NotifyAsync(database, PostgresPresenceRelay.Payload("deadnode", caseId, [new Viewer("circuit-x", "Ghost Agent", Typing: true)]));

        await WaitForAsync(presence, caseId, v => v.Any(x => x.Name == "Ghost Agent" && x.Typing), "the viewer arrives");
        var changesWhenSeen = Volatile.Read(ref changes);
        await WaitForAsync(presence, caseId, v => v.Count == 0, "the viewer expires");
        await Until(() => Volatile.Read(ref changes) > changesWhenSeen, "an open page is told that the ghost left");
    }

    [Fact]
    public async Task NodeThatStopsCleanly_ItsViewersGoAtOnce_NotAtExpiry()
    {
        var database = await server.CreateDatabaseAsync();
        await using var staying = await StartAsync(database, expirySeconds: 120);
        var leaving = await StartAsync(database, expirySeconds: 120);
        var presence = staying.Services.GetRequiredService<CasePresence>();
        const long caseId = 4203;
        leaving.Services.GetRequiredService<CasePresence>().Join(caseId, "circuit-l", "Lena Agent");
        await WaitForAsync(presence, caseId, v => v.Any(x => x.Name == "Lena Agent"), "Lena arrives");

        await leaving.DisposeAsync();

        await WaitForAsync(presence, caseId, v => v.Count == 0, "Lena's node said goodbye");
    }

    [Fact]
    public async Task ForeignOrBrokenNotes_AreIgnored()
    {
        var database = await server.CreateDatabaseAsync();
        await using var node = await StartAsync(database, expirySeconds: 30);
        var presence = node.Services.GetRequiredService<CasePresence>();
        const long caseId = 4204;

        await NotifyAsync(database, "not json");
        await NotifyAsync(database, """{"node":"x","case":-1,"viewers":[{"id":"c","name":"Nobody","typing":false}]}""");
        await NotifyAsync(database, PostgresPresenceRelay.Payload("othernode", caseId, [new Viewer("c1", "Real Agent", false)]));

        await WaitForAsync(presence, caseId, v => v.Count == 1 && v[0].Name == "Real Agent", "the valid note still counts after the broken ones");
        Assert.Empty(presence.Of(-1));
    }

    [Fact]
    public void Payload_ManyViewersWithLongNames_StaysUnderPostgresLimit()
    {
        var viewers = Enumerable.Range(1, 500).Select(i => new Viewer(Guid.NewGuid().ToString("N"), new string('é', 400) + i, i % 2 == 0)).ToList();

        var payload = PostgresPresenceRelay.Payload("node1", long.MaxValue, viewers);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(payload) < PostgresCaseChangeRelay.MaxPayloadBytes, $"{payload.Length} characters");
        Assert.Contains("\"typing\":true", payload, StringComparison.Ordinal);
    }

    private static async Task<TrustDeskFactory> StartAsync(string database, double expirySeconds)
    {
        var node = new TrustDeskFactory(Provider.Postgres, database, new Dictionary<string, string?>
        {
            ["TrustDesk:Console:Presence:RefreshSeconds"] = "0.3",
            ["TrustDesk:Console:Presence:ExpirySeconds"] = expirySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        _ = node.Server;
        await node.Services.GetRequiredService<PostgresPresenceRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        return node;
    }

    private static async Task NotifyAsync(string database, string payload)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(Cancel);
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
        notify.Parameters.AddWithValue("channel", PostgresPresenceRelay.Channel);
        notify.Parameters.AddWithValue("payload", payload);
        await notify.ExecuteNonQueryAsync(Cancel);
    }

    private static Task WaitForAsync(CasePresence presence, long caseId, Func<IReadOnlyList<Viewer>, bool> condition, string what) =>
        Until(() => condition(presence.Of(caseId)), what, () => $" (viewers: {string.Join(", ", presence.Of(caseId))})");

    private static async Task Until(Func<bool> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out: {what}{state?.Invoke()}");
            await Task.Delay(50, Cancel);
        }
    }
}
