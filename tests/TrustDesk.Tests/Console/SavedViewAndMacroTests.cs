using TrustDesk.Taxonomy;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>Saved inbox views (per user) and macros as data (leads edit, everyone uses), through the app's services.</summary>
public sealed class SavedViewAndMacroTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SaveView_SameNameTwice_ReplacesTheFilters_AndOthersDoNotSeeIt()
    {
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var other = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);

        await RunAsync<SaveView, SaveView.Result>(s => s.HandleAsync("My S1s", new InboxFilters("open_any", "S1", "me", null, null), agent, Cancel));
        var saved = await RunAsync<SaveView, SaveView.Result>(s => s.HandleAsync(" My S1s ", new InboxFilters("new", "S1,S2", "me", "live-response", "slurs"), agent, Cancel));
        var mine = await RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(l => l.HandleAsync(agent, Cancel));
        var theirs = await RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(l => l.HandleAsync(other, Cancel));

        var view = Assert.Single(mine);
        Assert.Equal(Assert.IsType<SaveView.Saved>(saved).View.Id, view.Id);
        Assert.Equal(new InboxFilters("new", "S1,S2", "me", "live-response", "slurs"), view.Filters);
        Assert.Empty(theirs);
    }

    [Fact]
    public async Task DeleteSavedView_OfSomeoneElse_IsNotFound_OwnIsGone()
    {
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var other = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var saved = Assert.IsType<SaveView.Saved>(await RunAsync<SaveView, SaveView.Result>(s =>
            s.HandleAsync("Unassigned", new InboxFilters(null, null, "none", null, null), agent, Cancel)));

        var byOther = await RunAsync<DeleteSavedView, bool>(d => d.HandleAsync(saved.View.Id, other, Cancel));
        var afterOther = await RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(l => l.HandleAsync(agent, Cancel));
        var byOwner = await RunAsync<DeleteSavedView, bool>(d => d.HandleAsync(saved.View.Id, agent, Cancel));
        var afterOwner = await RunAsync<ListSavedViews, IReadOnlyList<SavedViewItem>>(l => l.HandleAsync(agent, Cancel));

        Assert.False(byOther);
        Assert.Single(afterOther);
        Assert.True(byOwner);
        Assert.Empty(afterOwner);
    }

    [Theory]
    [InlineData("", "open_any", null, "name")]
    [InlineData("Bad status", "open,shelved", null, "status")]
    [InlineData("Bad severity", null, "S9", "severity")]
    public async Task SaveView_Invalid_NamesTheField(string name, string? status, string? severity, string field)
    {
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);

        var result = await RunAsync<SaveView, SaveView.Result>(s => s.HandleAsync(name, new InboxFilters(status, severity, null, null, null), agent, Cancel));

        Assert.Contains(field, Assert.IsType<SaveView.Invalid>(result).Errors.Keys);
    }

    [Fact]
    public async Task Macros_StartWithTheDefaults()
    {
        var macros = await RunAsync<ListMacros, IReadOnlyList<Macro>>(l => l.HandleAsync(Cancel));

        Assert.Superset(Macros.Defaults.Select(m => m.Name).ToHashSet(), macros.Select(m => m.Name).ToHashSet());
    }

    [Fact]
    public async Task SaveMacro_ByALead_IsUsedByEveryone_ByAnAgent_IsForbidden()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var agent = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var name = "Refund issued " + Guid.NewGuid().ToString("N")[..6];
        var request = new MacroRequest(name, "reply", "Hi {{ requester.name }}, your refund for {{ case.number }} is on its way. {{ agent.name }}");

        var byAgent = await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null, request, agent, Cancel));
        var byLead = await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null, request, lead, Cancel));
        var macro = (await RunAsync<ListMacros, IReadOnlyList<Macro>>(l => l.HandleAsync(Cancel))).Single(m => m.Name == name);
        var text = await fixture.Factory.Services.GetRequiredService<Macros>().RenderAsync(macro, Detail(), "omar@desk.example");

        Assert.IsType<SaveMacro.Forbidden>(byAgent);
        Assert.IsType<SaveMacro.Saved>(byLead);
        Assert.Equal("Hi Dana, your refund for TD-77 is on its way. Omar", text);
    }

    [Theory]
    [InlineData("Hi {{ requester.nmae }}", "Unknown placeholder {{ requester.nmae }}")]
    [InlineData("Hi {{ requester.name ", "does not parse")]
    [InlineData("{% if case.number %}x", "does not parse")]
    public async Task SaveMacro_BadTemplate_SaysWhatIsWrong(string template, string expected)
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);

        var result = await RunAsync<SaveMacro, SaveMacro.Result>(s => s.HandleAsync(null, new MacroRequest("Broken", "reply", template), lead, Cancel));

        var error = Assert.Single(Assert.IsType<SaveMacro.Invalid>(result).Errors["template"]);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SaveMacro_EditKeepsTheId_DeleteRemovesIt()
    {
        var lead = await fixture.Factory.CreatePrincipalAsync(UserRole.Lead);
        var name = "Temp " + Guid.NewGuid().ToString("N")[..6];
        var created = Assert.IsType<SaveMacro.Saved>(await RunAsync<SaveMacro, SaveMacro.Result>(s =>
            s.HandleAsync(null, new MacroRequest(name, "note", "Checked {{ case.number }}."), lead, Cancel)));

        var edited = Assert.IsType<SaveMacro.Saved>(await RunAsync<SaveMacro, SaveMacro.Result>(s =>
            s.HandleAsync(created.Macro.Id, new MacroRequest(name, "note", "Checked {{ case.number }} twice."), lead, Cancel)));
        var deleted = await RunAsync<DeleteMacro, bool>(d => d.HandleAsync(created.Macro.Id, lead, Cancel));
        var left = await RunAsync<ListMacros, IReadOnlyList<Macro>>(l => l.HandleAsync(Cancel));

        Assert.Equal(created.Macro.Id, edited.Macro.Id);
        Assert.Equal("Checked {{ case.number }} twice.", edited.Macro.Template);
        Assert.True(deleted);
        Assert.DoesNotContain(left, m => m.Id == created.Macro.Id);
    }

    private static CaseDetail Detail() => new(
        77, "TD-77", "Fake slab", "open", Severity.S2, "authenticity.counterfeit", "authenticity", null, Channel.Api, 1, [],
        new CaseFlags(false, false, false, false), DateTime.UtcNow, DateTime.UtcNow, null, null, null, 1, [], new ContactView(Guid.NewGuid(), "Dana", "d***@example.com"), [], [], [], [], []);

    private async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
