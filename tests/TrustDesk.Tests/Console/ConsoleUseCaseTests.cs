using TrustDesk.Taxonomy;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>What the console reads and how it hears of changes, through the app's own services over SQLite.</summary>
public sealed class ConsoleUseCaseTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private IServiceProvider Services => fixture.Factory.Services;

    [Fact]
    public async Task NextCase_SkipsCasesTheCallerMayNotSeeOrThatOthersWork()
    {
        using var platform = await fixture.Factory.CreateApiClientAsync();
        var restricted = await CreateCaseAsync(platform, "Host looks 12", "safety.minor", null);
        var other = await fixture.Factory.CreateUserAsync(UserRole.Specialist);
        await CreateCaseAsync(platform, "Takeover worked by someone else", "payments.account_takeover", other.Email);
        var counterfeit = await CreateCaseAsync(platform, "Fake slab", "authenticity.counterfeit", null);
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var specialist = await fixture.Factory.CreatePrincipalAsync(UserRole.Specialist);

        var agentNext = await WithInboxAsync(inbox => inbox.NextCaseAsync(agent, TestContext.Current.CancellationToken));
        var specialistNext = await WithInboxAsync(inbox => inbox.NextCaseAsync(specialist, TestContext.Current.CancellationToken));

        Assert.Equal(counterfeit, agentNext);
        Assert.Equal(restricted, specialistNext);
    }

    [Fact]
    public async Task Inbox_ForADepartmentMember_CountsAndListsOnlyCasesEscalatedToThem()
    {
        using var platform = await fixture.Factory.CreateApiClientAsync();
        var escalated = await CreateCaseAsync(platform, "Chargeback after delivery", "payments.chargeback_abuse", null);
        await CreateCaseAsync(platform, "Not escalated", "payments.chargeback_abuse", null);
        await (await platform.PostJsonAsync($"/api/v1/cases/{escalated}/escalations", new { department = "payments" })).ExpectAsync(HttpStatusCode.Created);
        var member = await fixture.Factory.CreatePrincipalAsync(UserRole.DepartmentMember, "payments");

        var counts = await WithInboxAsync(inbox => inbox.QueueCountsAsync(member, TestContext.Current.CancellationToken));
        var listed = await WithInboxAsync(inbox => inbox.ListAsync(new ListCasesQuery(null, null, null, null, null, null, null, null, null, null), member, TestContext.Current.CancellationToken));

        Assert.Equal(1, counts.Sum(q => q.Open));
        var row = Assert.Single(Assert.IsType<LoadInbox.Listed>(listed).Rows);
        Assert.Equal(escalated, row.Case.Id);
        Assert.Equal("Chargeback after delivery", row.LastMessage);
    }

    [Fact]
    public async Task CaseChanges_AfterAReply_SignalsTheCaseOnceItIsCommitted()
    {
        using var platform = await fixture.Factory.CreateApiClientAsync();
        var id = await CreateCaseAsync(platform, "Never arrived", "order.not_received", null);
        var seen = new List<(long[] Ids, int MessagesVisible)>();
        void OnChanged(IReadOnlyCollection<long> ids)
        {
            // Read from another scope (another connection), as an open console would: the reply must already be there.
            using var scope = Services.CreateScope();
            var visible = scope.ServiceProvider.GetRequiredService<TrustDeskDb>().Messages.Count(m => m.CaseId == id);
            lock (seen)
            {
                seen.Add((ids.ToArray(), visible));
            }
        }

        var changes = Services.GetRequiredService<CaseChanges>();
        changes.Changed += OnChanged;
        try
        {
            await (await platform.PostJsonAsync($"/api/v1/cases/{id}/messages", new { type = "reply", text = "We are on it." })).ExpectAsync(HttpStatusCode.Created);
        }
        finally
        {
            changes.Changed -= OnChanged;
        }

        var signal = Assert.Single(seen, s => s.Ids.Contains(id));
        Assert.Equal(2, signal.MessagesVisible);
    }

    [Fact]
    public async Task Macro_FillsRequesterAndCaseNumber_AndNeverGreetsByEmail()
    {
        var macros = Services.GetRequiredService<Macros>();
        var named = Detail(new ContactView(Guid.NewGuid(), "Dana", "d***@example.com"));
        var unnamed = Detail(new ContactView(Guid.NewGuid(), "d***@example.com", "d***@example.com"));
        var acknowledge = Macros.Defaults.Single(m => m.Name == "Acknowledge");

        var forDana = await macros.RenderAsync(acknowledge, named, "omar.agent@desk.example");
        var forUnnamed = await macros.RenderAsync(acknowledge, unnamed, "omar.agent@desk.example");

        Assert.StartsWith("Hi Dana,", forDana, StringComparison.Ordinal);
        Assert.Contains("case TD-77 now", forDana, StringComparison.Ordinal);
        Assert.Contains("Omar.agent, Trust & Safety", forDana, StringComparison.Ordinal);
        Assert.StartsWith("Hi there,", forUnnamed, StringComparison.Ordinal);
    }

    private static CaseDetail Detail(ContactView requester) => new(
        77, "TD-77", "Fake slab", "open", Severity.S2, "authenticity.counterfeit", "authenticity", null, Channel.Api, 1, [],
        new CaseFlags(false, false, false, false), DateTime.UtcNow, DateTime.UtcNow, null, null, null, 1, [], requester, [], [], [], [], []);

    private async Task<T> WithInboxAsync<T>(Func<LoadInbox, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<LoadInbox>());
    }


    private static async Task<long> CreateCaseAsync(HttpClient platform, string text, string category, string? assignee)
    {
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new { title = text, category, assignee, text })).ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }
}
