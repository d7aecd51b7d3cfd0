using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Cases;
using System.Net;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>Two TrustDesk nodes over one PostgreSQL database: a change committed on one reaches the other's consoles.</summary>
public sealed class CrossNodeTests(PostgresServer server)
{
    [Fact]
    public async Task CaseChangedOnOneNode_IsSignalledOnTheOther_AndOnlyOnceOnItsOwn()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = new TrustDeskFactory(Provider.Postgres, database);
        await using var second = new TrustDeskFactory(Provider.Postgres, database);
        _ = first.Server;
        _ = second.Server;
        await first.Services.GetRequiredService<PostgresCaseChangeRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await second.Services.GetRequiredService<PostgresCaseChangeRelay>().Listening.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var platform = await first.CreateApiClientAsync();
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new { title = "Seen from afar", category = "order.not_received", text = "Never came." }))
            .ExpectAsync(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        var seenOnSecond = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seenOnFirst = 0;
        void OnSecond(IReadOnlyCollection<long> ids)
        {
            if (ids.Contains(id))
            {
                seenOnSecond.TrySetResult();
            }
        }

        void OnFirst(IReadOnlyCollection<long> ids)
        {
            if (ids.Contains(id))
            {
                Interlocked.Increment(ref seenOnFirst);
            }
        }

        second.Services.GetRequiredService<CaseChanges>().Changed += OnSecond;
        first.Services.GetRequiredService<CaseChanges>().Changed += OnFirst;

        await (await platform.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "note", text = "Checked the tracking." })).ExpectAsync(HttpStatusCode.Created);

        await seenOnSecond.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        // The first node hears its own change in-process, and must not hear it again through PostgreSQL. A change made
        // on the second node afterwards is the marker: PostgreSQL delivers one channel's notifications to a listener in
        // commit order, so once the first node hears the marker, an echo of its own change would have come before it.
        using var platformOnSecond = await second.CreateApiClientAsync();
        var marker = (await (await platformOnSecond.PostJsonAsync("/api/v1/cases", new { title = "Marker", category = "order.not_received", text = "Later." }))
            .ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var markerOnFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMarker(IReadOnlyCollection<long> ids)
        {
            if (ids.Contains(marker))
            {
                markerOnFirst.TrySetResult();
            }
        }

        first.Services.GetRequiredService<CaseChanges>().Changed += OnMarker;
        await (await platformOnSecond.PostJsonAsync($"/api/v1/cases/{marker}/messages", new { type = "note", text = "Marker." })).ExpectAsync(HttpStatusCode.Created);
        await markerOnFirst.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref seenOnFirst));
    }

    [Fact]
    public void Payloads_ManyIds_StayUnderPostgresLimit_AndKeepEveryId()
    {
        var ids = Enumerable.Range(1, 5_000).Select(i => 1_000_000_000L + i).ToList();

        var payloads = PostgresCaseChangeRelay.Payloads("node1", ids).ToList();

        Assert.True(payloads.Count > 1);
        Assert.All(payloads, p => Assert.True(p.Length < PostgresCaseChangeRelay.MaxPayloadBytes + 1 && p.StartsWith("node1:", StringComparison.Ordinal)));
        Assert.Equal(ids, payloads.SelectMany(p => p["node1:".Length..].Split(',')).Select(long.Parse));
    }
}
