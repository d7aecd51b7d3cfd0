using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// Agents' corrections as training data. When an agent (a signed-in user, not a rule or the system) changed a case's
/// category or severity, the case's first inbound text, labelled with the case's category and severity as the agent
/// left them, is an example. Personal data is masked (addresses, phone numbers, handles, links, long numbers), the
/// text is cut to the user's own words, and examples are de-duplicated on their normalised text. The model trained
/// with them is written as the shadow model: it runs beside the active one (its suggestions are recorded as shadow
/// hits) and <see cref="Promote"/> makes it active only if its held-out figures are not worse.
/// </summary>
public sealed partial class LearnFromAgents(TrustDeskDb db, ClassifierModels models, TimeProvider time)
{
    public async Task<IReadOnlyList<CorpusRow>> HistoryAsync(CancellationToken cancellationToken)
    {
        var corrected = await db.CaseEvents.AsNoTracking()
            .Where(e => (e.Kind == CaseEventKinds.CategoryChanged || e.Kind == CaseEventKinds.SeverityChanged) && e.ActorType == "user")
            .Select(e => e.CaseId)
            .Distinct()
            .ToListAsync(cancellationToken);
        var rows = new List<CorpusRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in corrected.Chunk(500))
        {
            var cases = await db.Cases.AsNoTracking()
                .Where(c => chunk.Contains(c.Id) && c.Category != null)
                .Select(c => new { c.Id, c.Category, c.Severity })
                .ToListAsync(cancellationToken);
            var texts = await db.Messages.AsNoTracking()
                .Where(m => chunk.Contains(m.CaseId) && m.Direction == MessageDirection.Inbound)
                .OrderBy(m => m.CreatedAt)
                .Select(m => new { m.CaseId, m.Text })
                .ToListAsync(cancellationToken);
            var first = texts.GroupBy(t => t.CaseId).ToDictionary(g => g.Key, g => g.First().Text);
            foreach (var c in cases)
            {
                if (!first.TryGetValue(c.Id, out var text) || MaskPersonalData(OwnWords.Of(text)) is not { Length: > 0 } clean)
                {
                    continue;
                }

                if (seen.Add(TextNormalizer.Normalize(clean)))
                {
                    var language = models.Active.Languages.Detect(clean) ?? "en";
                    rows.Add(new CorpusRow(clean, c.Category!, c.Severity, language, "history", "agent", "train"));
                }
            }
        }

        return rows;
    }

    /// <summary>Trains on the corpus and the agents' examples; the result becomes the shadow model when not worse than the active one.</summary>
    public async Task<TrainResult> TrainShadowAsync(string corpusDirectory, CancellationToken cancellationToken, TrainingOptions? options = null)
    {
        var history = await HistoryAsync(cancellationToken);
        var test = TriageCorpus.Test(corpusDirectory);
        var active = models.Active;
        var (trained, calibration) = TrainTriageModel.Train(TrainTriageModel.TrainingRows(corpusDirectory, history), active.Version + 1, time.GetUtcNow(), options);
        var model = TrainTriageModel.AsStored(trained);
        var evaluation = ModelEvaluation.Of(model, test, withRules: true);
        model = TrainTriageModel.WithEvaluation(model, ModelEvaluation.Of(model, test));
        var baseline = ModelEvaluation.Of(active, test, withRules: true);
        var path = Path.Combine(models.Directory ?? throw new InvalidOperationException("No data directory for models."), ClassifierModels.ShadowFile);
        if (!evaluation.NotWorseThan(baseline))
        {
            return new TrainResult(model, ModelEvaluation.Of(model, test), evaluation, OrdinaryTextEvaluation.HeldOut(model, corpusDirectory), path, history.Count,
                $"not kept: worse than the active v{active.Version} on the held-out split ({baseline.Headline()})") { Calibration = calibration };
        }

        model.SaveTo(path);
        models.Reload();
        return new TrainResult(model, ModelEvaluation.Of(model, test), evaluation, OrdinaryTextEvaluation.HeldOut(model, corpusDirectory), path, history.Count,
            $"runs in shadow beside the active v{active.Version}; promote it with `trustdesk triage promote` (active: {baseline.Headline()})") { Calibration = calibration };
    }

    /// <summary>Makes the shadow model active when its held-out figures, measured now, are not worse than the active model's.</summary>
    public (bool Promoted, string Message) Promote(string corpusDirectory)
    {
        if (models.Shadow is not { } shadow || models.Directory is not { } directory)
        {
            return (false, "No shadow model: train one with `trustdesk triage train --with-history`.");
        }

        var test = TriageCorpus.Test(corpusDirectory);
        var active = models.Active;
        var candidate = ModelEvaluation.Of(shadow, test, withRules: true);
        var current = ModelEvaluation.Of(active, test, withRules: true);
        if (!candidate.NotWorseThan(current))
        {
            return (false, $"Not promoted: v{shadow.Version} ({candidate.Headline()}) is worse than the active v{active.Version} ({current.Headline()}).");
        }

        File.Move(Path.Combine(directory, ClassifierModels.ShadowFile), Path.Combine(directory, ClassifierModels.ActiveFile), overwrite: true);
        models.Reload();
        return (true, $"Promoted v{shadow.Version}: {candidate.Headline()} (was v{active.Version}: {current.Headline()}). Running servers load it at their next start.");
    }

    /// <summary>Masks what identifies a person: e-mail addresses, phone numbers, @handles, links and long numbers.</summary>
    public static string MaskPersonalData(string text)
    {
        var masked = Email().Replace(text, "[email]");
        masked = Link().Replace(masked, "[link]");
        masked = LongNumber().Replace(masked, "[number]");
        masked = Phone().Replace(masked, "[phone]");
        masked = Handle().Replace(masked, "[handle]");
        return masked.Trim();
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    [GeneratedRegex(@"\bhttps?://\S+|\bwww\.\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Link();

    [GeneratedRegex(@"\+?\(?\d{2,4}\)?[\s.-]?\d{3}[\s.-]?\d{3,4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();

    [GeneratedRegex(@"(?<![\w.])@[A-Za-z0-9_.]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Handle();

    [GeneratedRegex(@"\d{8,}|(?<![\d-])\d{5,7}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex LongNumber();
}
