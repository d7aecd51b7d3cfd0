using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Demo;
using TrustDesk.Shifts;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Shifts;

/// <summary>The demo's shifts: whatever the hour it starts at, its agents are on and online and new order reports are routed.</summary>
public sealed class DemoShiftsTests
{
    [Fact]
    public async Task Demo_StartedOnASundayNight_AgentsOnShiftOnline_AndANewOrderReportIsAssigned()
    {
        // Sunday 2026-03-01 03:00 in Los Angeles (11:00 UTC): outside both the evening and the weekend pattern.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero));
        await using var app = new TrustDeskFactory(Provider.Sqlite, null, time: time);
        await DemoUsers.EnsureAsync(app.Services, TestContext.Current.CancellationToken);

        await DemoShifts.EnsureAsync(app.Services, TestContext.Current.CancellationToken);
        await DemoShifts.EnsureAsync(app.Services, TestContext.Current.CancellationToken); // a second start changes nothing it should not

        var onShift = await app.WithDbAsync(async db => await new ListOnShift(db, time).HandleAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["agent@demo.trustdesk.test", "specialist@demo.trustdesk.test"], onShift.Select(a => a.Email).Order());
        Assert.All(onShift, a => Assert.Equal(Availability.Online, a.Availability));
        var api = await app.CreateApiClientAsync();
        var report = await (await api.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = "u-demo-1" }, category = "order.not_received", text = "Never came." }))
            .ExpectAsync(HttpStatusCode.Created);
        var c = await api.GetJsonAsync($"/api/v1/cases/{report.Long("caseId")}");
        Assert.EndsWith("@demo.trustdesk.test", c.Str("assignee"));
        Assert.Equal(2, await app.WithDbAsync(db => Task.FromResult(db.Teams.Count())));
    }
}
