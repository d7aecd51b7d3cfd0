using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>A classifier model: its version, where it came from, when it was trained, its held-out figures as recorded in its file, and its thresholds.</summary>
/// <param name="Source">shipped (built into the executable), promoted (the data directory's active model) or shadow.</param>
/// <param name="Evaluation">Its figures on the held-out split, measured when it was trained.</param>
public sealed record ModelView(
    int Version, string Source, DateTimeOffset TrainedAt, string Evaluation, double CrisisThreshold, double GuardedCrisisThreshold, double ApplyThreshold, int Classes);

/// <summary>
/// What the shadow model did on live traffic: the items it would have changed (recorded as shadow hits), how many it
/// would have made S1, how many it would have filed under a category, and of those, how many are under that category now
/// (the agents' decisions agree with it).
/// </summary>
/// <param name="Since">The first shadow hit counted (the latest <see cref="DescribeTriageModel.MaxShadowHitsRead"/> are read).</param>
public sealed record ShadowOnLiveTraffic(int Hits, int WouldBeS1, int WouldFile, int FiledAsTheCaseIsNow, DateTime? Since);

/// <summary>The triage models in force, for Leads: the active one, the one in shadow, and the shadow's record on live traffic.</summary>
public sealed record TriageModelView(ModelView Active, ModelView? Shadow, ShadowOnLiveTraffic? ShadowOnLiveTraffic);

/// <summary>The model version and its last evaluation, for the console and <c>GET /api/v1/triage/model</c>.</summary>
public sealed class DescribeTriageModel(ClassifierModels models, TrustDeskDb db)
{
    public const int MaxShadowHitsRead = 10_000;

    public async Task<TriageModelView> HandleAsync(CancellationToken cancellationToken)
    {
        var active = models.Active;
        var shadow = models.Shadow;
        var view = new TriageModelView(
            View(active, ReferenceEquals(active, ClassifierModels.Shipped) ? "shipped" : "promoted"),
            shadow is null ? null : View(shadow, "shadow"),
            shadow is null ? null : await LiveAsync(shadow.Version, cancellationToken));
        return view;
    }

    private static ModelView View(TriageModel model, string source) =>
        new(model.Version, source, model.TrainedAt, model.Evaluation, Math.Round(model.CrisisThreshold, 4), Math.Round(model.GuardedCrisisThreshold, 4),
            Math.Round(model.ApplyThreshold, 4), model.Classes.Count);

    private async Task<ShadowOnLiveTraffic> LiveAsync(int version, CancellationToken cancellationToken)
    {
        var hits = await db.RuleHits.AsNoTracking()
            .Where(h => h.Rule == ModelVerdict.HitName && h.Shadow && h.Version == version)
            .OrderByDescending(h => h.At)
            .Take(MaxShadowHitsRead)
            .Select(h => new { h.CaseId, h.Actions, h.At })
            .ToListAsync(cancellationToken);
        var filed = hits
            .Select(h => (h.CaseId, Category: h.Actions.FirstOrDefault(a => a.StartsWith("category ", StringComparison.Ordinal))?["category ".Length..]))
            .Where(h => h.Category is not null)
            .ToList();
        var caseIds = filed.Where(f => f.CaseId is not null).Select(f => f.CaseId!.Value).Distinct().ToList();
        var now = new Dictionary<long, string?>();
        foreach (var chunk in caseIds.Chunk(500))
        {
            foreach (var c in await db.Cases.AsNoTracking().Where(c => chunk.Contains(c.Id)).Select(c => new { c.Id, c.Category }).ToListAsync(cancellationToken))
            {
                now[c.Id] = c.Category;
            }
        }

        return new ShadowOnLiveTraffic(
            hits.Count,
            hits.Count(h => h.Actions.Contains("severity " + Severity.S1)),
            filed.Count,
            filed.Count(f => f.CaseId is { } id && now.TryGetValue(id, out var category) && category == f.Category),
            hits.Count == 0 ? null : hits[^1].At);
    }
}
