using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Triage;

/// <summary>Every rule in force (packs and API, drafts too) with its state, version and text; and one rule's history.</summary>
public sealed class ListRules(TrustDeskDb db, TriageEngine engine)
{
    public async Task<List<RuleView>> HandleAsync(CancellationToken cancellationToken)
    {
        var stored = (await TriageEngine.LatestStoredAsync(db, cancellationToken)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var rules = new List<RuleView>();
        foreach (var definition in (await engine.InForceAsync(db, cancellationToken, includeDrafts: true)).OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            rules.Add(stored.TryGetValue(definition.Name, out var version) ? SaveRule.ToView(version) : PackView(definition));
        }

        return rules;
    }

    /// <summary>The rule with its versions, newest first; null when no rule has that name.</summary>
    public async Task<RuleHistory?> HistoryAsync(string name, CancellationToken cancellationToken)
    {
        var versions = await db.Rules.AsNoTracking().Where(r => r.Name == name).OrderByDescending(r => r.Version).ToListAsync(cancellationToken);
        if (versions.Count > 0)
        {
            var views = versions.Select(SaveRule.ToView).ToList();
            return new RuleHistory(views[0], views);
        }

        var definition = (await engine.InForceAsync(db, cancellationToken, includeDrafts: true)).FirstOrDefault(d => d.Name == name);
        if (definition is null)
        {
            return null;
        }

        var view = PackView(definition);
        return new RuleHistory(view, [view]);
    }

    /// <summary>Every rule in force, drafts too: what a rule being written is compiled with.</summary>
    public Task<IReadOnlyList<RuleDefinition>> InForceAsync(CancellationToken cancellationToken) =>
        engine.InForceAsync(db, cancellationToken, includeDrafts: true);

    private static RuleView PackView(RuleDefinition definition) =>
        new(definition.Name, definition.Version, definition.State, definition.Source ?? "pack",
            [.. definition.Triggers.Select(t => t.Trigger)], definition.Description, RuleEndpoints.PackText(definition), null, null);
}
