using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Identity;
using TrustDesk.Subjects;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>The investigation panel's use case over a small marketplace pushed through the platform API.</summary>
public sealed class InvestigationTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private sealed record World(long CaseId, string Seller, string SharesDevice, string SharesPayment, string Buyer, string Order, string Stream);

    [Fact]
    public async Task Investigation_ForAnAgent_ShowsSignalsLinkedAccountsOrdersStreamAndOrder()
    {
        var world = await SeedAsync();
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);

        var files = await LoadAsync(world.CaseId, agent);

        var seller = files.Single(f => f.ExternalId == world.Seller).Details!;
        Assert.Equal(1, seller.Signals.Single(s => s.Name == "late_shipments_30d").Value);
        Assert.Equal(2, seller.Signals.Single(s => s.Name == "accounts_sharing_device").Value);
        var device = Assert.Single(seller.LinkedAccounts, l => l.ExternalId == world.SharesDevice);
        Assert.Equal(IdentifierType.Device, device.Via);
        Assert.DoesNotContain("dev-", device.Value, StringComparison.Ordinal);
        Assert.Equal(IdentifierType.PaymentFingerprint, Assert.Single(seller.LinkedAccounts, l => l.ExternalId == world.SharesPayment).Via);
        Assert.Equal(1, seller.Orders!.Sold);
        var line = Assert.Single(seller.Orders.Recent);
        Assert.Equal(("sold", "42.50 USD", "late"), (line.Relation, line.Amount, line.ShipmentState));
        Assert.Contains(seller.Events, e => e.Type == "order.placed" && e.Role == "seller");

        var stream = files.Single(f => f.ExternalId == world.Stream).Details!.Livestream!;
        Assert.True(stream.LiveNow);
        Assert.Equal(world.Seller, stream.HostExternalId);
        Assert.NotNull(stream.StartedAt);
        Assert.Null(stream.EndedAt);

        var order = files.Single(f => f.ExternalId == world.Order).Details!.Order!;
        Assert.Equal((world.Buyer, world.Seller, "42.50 USD", "late", "1ZTEST123"), (order.BuyerExternalId, order.SellerExternalId, order.Amount, order.ShipmentState, order.Tracking));
    }

    [Fact]
    public async Task LinkedAccountCases_CountOnlyCasesTheCallerMaySee()
    {
        var world = await SeedAsync();
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var specialist = await fixture.Factory.CreatePrincipalAsync(UserRole.Specialist);

        var forAgent = (await LoadAsync(world.CaseId, agent)).Single(f => f.ExternalId == world.Seller).Details!.LinkedAccounts;
        var forSpecialist = (await LoadAsync(world.CaseId, specialist)).Single(f => f.ExternalId == world.Seller).Details!.LinkedAccounts;

        // The device-sharing account's only case is about a minor (restricted): an agent must not learn it exists.
        Assert.Equal(0, forAgent.Single(l => l.ExternalId == world.SharesDevice).VisibleCases);
        Assert.Equal(1, forSpecialist.Single(l => l.ExternalId == world.SharesDevice).VisibleCases);
        Assert.Equal(1, forAgent.Single(l => l.ExternalId == world.SharesPayment).VisibleCases);
    }

    [Fact]
    public async Task DetailsOfOneSubject_OnlyForASubjectOfTheCase()
    {
        var world = await SeedAsync();
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var summaries = await LoadAsync(world.CaseId, agent, includeDetails: false);
        var seller = summaries.Single(f => f.ExternalId == world.Seller);
        var otherCaseSubject = await fixture.Factory.WithDbAsync(db => db.Subjects.Where(s => s.ExternalId == world.SharesPayment).Select(s => s.Id).FirstAsync());

        var details = await DetailsAsync(world.CaseId, seller.Id, agent);
        var notOnTheCase = await DetailsAsync(world.CaseId, otherCaseSubject, agent);

        Assert.All(summaries, f => Assert.Null(f.Details));
        Assert.Equal(1, details?.Orders?.Sold);
        Assert.Null(notOnTheCase);
    }

    [Fact]
    public async Task Investigation_ForADepartmentMember_ShowsTheSubjectsButNotThePlatformRecordsAroundThem()
    {
        var world = await SeedAsync();
        using var platform = await fixture.Factory.CreateApiClientAsync();
        await (await platform.PostJsonAsync($"/api/v1/cases/{world.CaseId}/escalations", new { department = "logistics" })).ExpectAsync(HttpStatusCode.Created);
        var member = await fixture.Factory.CreatePrincipalAsync(UserRole.DepartmentMember, "logistics");

        var files = await LoadAsync(world.CaseId, member);

        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.Null(f.Details));
    }

    private async Task<World> SeedAsync()
    {
        var n = Guid.NewGuid().ToString("N")[..8];
        var world = new World(0, $"seller-{n}", $"alt-{n}", $"pay-{n}", $"buyer-{n}", $"o-{n}", $"ls-{n}");
        using var platform = await fixture.Factory.CreateApiClientAsync();
        var now = DateTimeOffset.UtcNow;
        object Account(string id, params object[] identifiers) => new { kind = "account", externalId = id, displayName = "@" + id, createdAt = now.AddDays(-30), identifiers };
        await (await platform.PutJsonAsync("/api/v1/subjects", new { items = new object[]
        {
            Account(world.Seller, new { type = "device", value = $"dev-{n}" }, new { type = "payment_fingerprint", value = $"pf-{n}" }),
            Account(world.SharesDevice, new { type = "device", value = $"dev-{n}" }),
            Account(world.SharesPayment, new { type = "payment_fingerprint", value = $"pf-{n}" }),
            Account(world.Buyer),
            new { kind = "livestream", externalId = world.Stream, displayName = "Friday night breaks", links = new[] { new { relation = "hosted_by", kind = "account", externalId = world.Seller } } },
            new { kind = "shipment", externalId = $"sh-{n}", identifiers = new[] { new { type = "tracking_number", value = "1ZTEST123" } } },
        } })).ExpectAsync(HttpStatusCode.OK);
        await (await platform.PutJsonAsync("/api/v1/subjects", new { items = new object[]
        {
            new
            {
                kind = "order", externalId = world.Order, displayName = "#" + n, createdAt = now.AddDays(-9), attributes = new { amountUsd = 42.5 },
                links = new[]
                {
                    new { relation = "bought_by", kind = "account", externalId = world.Buyer },
                    new { relation = "sold_by", kind = "account", externalId = world.Seller },
                    new { relation = "sold_on", kind = "livestream", externalId = world.Stream },
                    new { relation = "ships_as", kind = "shipment", externalId = $"sh-{n}" },
                },
            },
        } })).ExpectAsync(HttpStatusCode.OK);
        object Ref(string kind, string id, string role) => new { kind, externalId = id, role };
        await (await platform.PostJsonAsync("/api/v1/events", new object[]
        {
            new { id = $"placed-{n}", type = "order.placed", occurredAt = now.AddDays(-9), subjects = new[] { Ref("order", world.Order, "order"), Ref("account", world.Seller, "seller") } },
            new { id = $"label-{n}", type = "shipment.label_created", occurredAt = now.AddDays(-8), subjects = new[] { Ref("shipment", $"sh-{n}", "shipment"), Ref("order", world.Order, "order"), Ref("account", world.Seller, "seller") } },
            new { id = $"late-{n}", type = "shipment.late", occurredAt = now.AddDays(-1), subjects = new[] { Ref("shipment", $"sh-{n}", "shipment"), Ref("order", world.Order, "order"), Ref("account", world.Seller, "seller") } },
            new { id = $"live-{n}", type = "stream.started", occurredAt = now.AddMinutes(-20), subjects = new[] { Ref("livestream", world.Stream, "stream"), Ref("account", world.Seller, "host") } },
        })).ExpectAsync(HttpStatusCode.OK);

        await CreateCaseAsync(platform, "Host looks 12", "safety.minor", (world.SharesDevice, "reported"));
        await CreateCaseAsync(platform, "Chargeback ring", "payments.chargeback_abuse", (world.SharesPayment, "reported"));
        var id = await CreateCaseAsync(platform, "Never shipped", "order.not_received",
            (world.Seller, "reported"), (world.Stream, "involved"), (world.Order, "involved"));
        return world with { CaseId = id };
    }

    private static async Task<long> CreateCaseAsync(HttpClient platform, string title, string category, params (string Id, string Role)[] subjects)
    {
        var body = new
        {
            title,
            category,
            text = title,
            subjects = subjects.Select(s => new
            {
                kind = s.Id.StartsWith("ls-", StringComparison.Ordinal) ? "livestream" : s.Id.StartsWith("o-", StringComparison.Ordinal) ? "order" : "account",
                externalId = s.Id,
                role = s.Role,
            }).ToArray(),
        };
        var created = await (await platform.PostJsonAsync("/api/v1/cases", body)).ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    private async Task<SubjectDetails?> DetailsAsync(long caseId, Guid subjectId, ClaimsPrincipal caller)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LoadInvestigation>().DetailsAsync(caseId, subjectId, caller, TestContext.Current.CancellationToken);
    }

    private async Task<IReadOnlyList<SubjectFile>> LoadAsync(long caseId, ClaimsPrincipal caller, bool includeDetails = true)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var files = await scope.ServiceProvider.GetRequiredService<LoadInvestigation>().HandleAsync(caseId, caller, TestContext.Current.CancellationToken, includeDetails);
        return Assert.IsAssignableFrom<IReadOnlyList<SubjectFile>>(files);
    }
}
