using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Subjects;

namespace TrustDesk.Signals;

public sealed record SignalValue(string Name, string Kind, string Description, string? Window, double Value);

/// <summary>Reads every signal defined for a subject's kind: sums of a bounded number of buckets, never history.</summary>
public sealed class GetSubjectSignals(TrustDeskDb db, TimeProvider time, IOptions<SignalOptions> options)
{
    public IEnumerable<SignalDefinition> Definitions => DefaultSignals.All.Concat(options.Value.Definitions);

    public async Task<IReadOnlyList<SignalValue>?> HandleAsync(SubjectKind kind, string externalId, CancellationToken cancellationToken)
    {
        var subject = await db.Subjects.AsNoTracking().Where(s => s.Kind == kind && s.ExternalId == externalId).Select(s => new { s.Id }).FirstOrDefaultAsync(cancellationToken);
        if (subject is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var values = new List<SignalValue>();
        foreach (var definition in Definitions.Where(d => d.Subject == kind))
        {
            double value = definition.Kind switch
            {
                "ratio" => await RatioAsync(subject.Id, definition, now, cancellationToken),
                "distinct" => await DistinctAccountsAsync(subject.Id, definition.Identifier!.Value, cancellationToken),
                _ => await CountAsync(subject.Id, SignalResolutions.Name(definition.EventType!, definition.Role!), definition.Window, now, cancellationToken),
            };
            values.Add(new SignalValue(definition.Name, definition.Kind, definition.Description,
                definition.Kind == "distinct" ? null : FormatWindow(definition.Window), Math.Round(value, 4)));
        }

        return values;
    }

    public Task<int> CountAsync(Guid subjectId, string name, TimeSpan window, DateTime now, CancellationToken cancellationToken)
    {
        var resolution = SignalResolutions.For(window);
        var since = SignalResolutions.BucketStart(now - window, resolution);
        return db.SignalBuckets.Where(b => b.SubjectId == subjectId && b.Name == name && b.Resolution == resolution && b.BucketStart >= since)
            .SumAsync(b => b.Count, cancellationToken);
    }

    private async Task<double> RatioAsync(Guid subjectId, SignalDefinition definition, DateTime now, CancellationToken cancellationToken)
    {
        var over = await CountAsync(subjectId, SignalResolutions.Name(definition.OverEventType!, definition.OverRole!), definition.Window, now, cancellationToken);
        if (over == 0)
        {
            return 0;
        }

        return await CountAsync(subjectId, SignalResolutions.Name(definition.EventType!, definition.Role!), definition.Window, now, cancellationToken) / (double)over;
    }

    /// <summary>Accounts sharing any identifier of this type with the subject, the subject included.</summary>
    public Task<int> DistinctAccountsAsync(Guid subjectId, IdentifierType type, CancellationToken cancellationToken) =>
        db.SubjectIdentifiers
            .Where(other => other.Type == type && db.Set<SubjectIdentifier>().Any(own => own.SubjectId == subjectId && own.Type == type && own.Value == other.Value))
            .Select(other => other.SubjectId).Distinct().CountAsync(cancellationToken);

    public static string FormatWindow(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays == Math.Floor(window.TotalDays) ? $"{window.TotalDays}d"
        : window.TotalHours >= 1 && window.TotalHours == Math.Floor(window.TotalHours) ? $"{window.TotalHours}h"
        : $"{window.TotalMinutes}m";
}
