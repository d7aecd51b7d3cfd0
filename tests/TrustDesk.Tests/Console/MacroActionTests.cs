using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>Macros that also change the case (Zendesk-style actions), checked when saved and applied through the case's own use cases.</summary>
public sealed class MacroActionTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveMacro_WithActionsThatCouldNeverApply_IsRefusedField_ByField()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var actions = new MacroActions("waiting", null, "no.such_category", ["two words"], "nobody-here@example.com", "{{ requester.nam }}");

        var result = await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null, new MacroRequest("Broken actions", Macro.Reply, "", actions), lead, Cancel));

        var invalid = Assert.IsType<SaveMacro.Invalid>(result);
        Assert.Equal(["actions.addTags[0]", "actions.assignee", "actions.category", "actions.note", "actions.status"],
            invalid.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ApplyMacro_SetsStatusSeverityTagsAssignee_AndAddsTheNote_AsTheCaseRecordsThem()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var macro = Assert.IsType<SaveMacro.Saved>(await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null,
            new MacroRequest("Refund sent " + Guid.NewGuid().ToString("N")[..4], Macro.Reply, "Hi {{ requester.name }}, refund on its way.",
                new MacroActions("pending_user", TrustDesk.Taxonomy.Severity.S4, null, ["refund-sent"], Macro.AssignToApplier, "Refund sent by {{ agent.name }} for {{ case.number }}.")),
            lead, Cancel))).Macro;
        var id = await CreateCaseAsync(["vip"]);

        var applied = await RunAsync<ApplyMacro, ApplyMacro.Result>(a => a.HandleAsync(id, macro.Id, null, agent, Cancel));

        var done = Assert.IsType<ApplyMacro.Applied>(applied);
        Assert.Equal("pending_user", done.Case.Status);
        Assert.Equal(TrustDesk.Taxonomy.Severity.S4, done.Case.Severity);
        Assert.Equal(["refund-sent", "vip"], done.Case.Tags.Order(StringComparer.Ordinal));
        Assert.Equal(agent.Identity!.Name, done.Case.Assignee);
        var note = Assert.Single(done.Case.Messages, m => m.Text.StartsWith("Refund sent by ", StringComparison.Ordinal));
        Assert.EndsWith($"for {done.Case.Number}.", note.Text, StringComparison.Ordinal);
        Assert.Contains(done.Case.Timeline, e => e.Kind == CaseEventKinds.TagsChanged);
        Assert.Contains(done.Case.Timeline, e => e.Kind == CaseEventKinds.StatusChanged && e.To == "pending_user");
    }

    [Fact]
    public async Task ApplyMacro_ByARoleThatMayNotChangeCases_ChangesNothing()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var auditor = await fixture.Factory.CreatePrincipalAsync(UserRole.Auditor);
        var macro = Assert.IsType<SaveMacro.Saved>(await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null,
            new MacroRequest("Hold " + Guid.NewGuid().ToString("N")[..4], Macro.Note, "", new MacroActions("on_hold", null, null, null, null, null)), lead, Cancel))).Macro;
        var id = await CreateCaseAsync([]);

        var applied = await RunAsync<ApplyMacro, ApplyMacro.Result>(a => a.HandleAsync(id, macro.Id, null, auditor, Cancel));

        Assert.IsType<ApplyMacro.Invalid>(applied);
        var after = await RunAsync<GetCase, CaseDetail?>(g => g.HandleAsync(id, lead, Cancel));
        Assert.NotEqual("on_hold", after!.Status);
    }

    [Fact]
    public async Task ApplyMacro_OnACaseChangedSinceTheAgentLooked_AppliesNothing()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var macro = Assert.IsType<SaveMacro.Saved>(await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null,
            new MacroRequest("Tag " + Guid.NewGuid().ToString("N")[..4], Macro.Reply, "", new MacroActions(null, null, null, ["late"], null, null)), lead, Cancel))).Macro;
        var id = await CreateCaseAsync([]);
        var seen = await RunAsync<GetCase, CaseDetail?>(g => g.HandleAsync(id, lead, Cancel));
        await RunAsync<UpdateCase, UpdateCase.Result>(u => u.HandleAsync(id, new UpdateCaseRequest(null, null, TrustDesk.Taxonomy.Severity.S2, null, null, null, null), null, lead, Cancel));

        var applied = await RunAsync<ApplyMacro, ApplyMacro.Result>(a => a.HandleAsync(id, macro.Id, CaseText.ETag(seen!), lead, Cancel));

        Assert.IsType<ApplyMacro.Changed>(applied);
        Assert.DoesNotContain("late", (await RunAsync<GetCase, CaseDetail?>(g => g.HandleAsync(id, lead, Cancel)))!.Tags);
    }

    private async Task<long> CreateCaseAsync(string[] tags)
    {
        var platform = await fixture.Factory.CreateApiClientAsync("cases:write", "cases:read");
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new { title = "Refund question", category = "order.not_received", tags, text = "Where is my refund?" }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    private async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
