using TrustDesk.Taxonomy;
using System.Globalization;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// Rules and model together. Rules keep the last word on the category: the model's category files the item only when
/// neither the reporter nor an active rule gave one and its confidence reaches the model's apply threshold. Crisis is the
/// union: the model's crisis head above its calibrated threshold (raised when the text holds an idiom), on a text whose
/// own words carry crisis evidence, makes the item S1 in its crisis category, whatever the rules found; if rules already
/// made it S1, their category stays. Whatever the model changed is a hit named <see cref="HitName"/> with the model's
/// version, its suggestion, confidence and, for a crisis, the crisis words it found — the case's "why" says rule or
/// model, and what in the text.
/// </summary>
public static class ModelVerdict
{
    public const string HitName = "classifier";
    public const string CrisisTag = "crisis";

    public static TriageOutcome Apply(TriageOutcome outcome, TriageSuggestion suggestion, TriageModel model, RuleState state, string? requestedCategory = null)
    {
        var actions = new List<string>(3);
        var severity = outcome.Severity;
        var category = outcome.Category;
        var queue = outcome.Queue;
        IReadOnlyList<string> tags = outcome.Tags;
        if (suggestion.IsCrisis && suggestion.Category is { } crisisCategory)
        {
            if (severity != Severity.S1)
            {
                severity = Severity.S1;
                category = crisisCategory;
                queue = null; // the crisis category's own queue, not the one a less urgent rule chose
                actions.Add("severity S1");
                actions.Add("category " + crisisCategory);
            }

            if (!tags.Contains(CrisisTag))
            {
                tags = [.. tags, CrisisTag];
                actions.Add("tag " + CrisisTag);
            }
        }
        else if (category is null && requestedCategory is null && suggestion.Category is { } suggested && suggestion.Confidence >= model.ApplyThreshold)
        {
            category = suggested;
            actions.Add("category " + suggested);
        }

        if (suggestion.Language is { } language && language != "en" && !tags.Contains("lang-" + language))
        {
            // Shown on the case, and what routing by language skill will read.
            tags = [.. tags, "lang-" + language];
            actions.Add("tag lang-" + language);
        }

        if (actions.Count == 0)
        {
            return state == RuleState.Active ? outcome with { Suggested = suggestion } : outcome;
        }

        var hit = new RuleHit(HitName, model.Version, state, Values(suggestion, model), actions);
        if (state != RuleState.Active)
        {
            return outcome with { Hits = [.. outcome.Hits, hit] };
        }

        return outcome with
        {
            Severity = severity,
            Category = category,
            Queue = queue,
            Tags = tags,
            Hits = [.. outcome.Hits, hit],
            Suggested = suggestion,
        };
    }

    private static HitValue[] Values(TriageSuggestion s, TriageModel model)
    {
        var c = CultureInfo.InvariantCulture;
        var threshold = s.IdiomGuarded ? model.GuardedCrisisThreshold : model.CrisisThreshold;
        HitValue[] values =
        [
            new("suggested.category", s.Category is null ? "(none)" : $"\"{s.Category}\""),
            new("suggested.confidence", s.Confidence.ToString("0.###", c)),
            new("suggested.crisis", s.Crisis.ToString("0.###", c) + $" (threshold {threshold.ToString("0.###", c)}{(s.IdiomGuarded ? ", raised by an idiom" : "")})"),
            new("language", s.Language is null ? "(unknown)" : $"\"{s.Language}\""),
        ];
        // The known crisis n-grams that allowed the crisis: the words the agent should look at first.
        return s.Evidence.Count == 0 ? values : [.. values, new("evidence", string.Join(", ", s.Evidence.Select(e => $"\"{e}\"")))];
    }
}
