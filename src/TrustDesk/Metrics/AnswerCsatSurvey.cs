using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Metrics;

/// <summary>
/// A click on a survey link: the score is recorded once (the first click counts; later ones show it), on the survey and on
/// the case's log (<c>csat_received</c>, which the rollups count for the case's queue and assignee). An optional comment
/// can follow once. The link's signature and expiry are the only credential: nothing else about the case is shown.
/// </summary>
public sealed class AnswerCsatSurvey(TrustDeskDb db, TimeProvider time)
{
    public abstract record Result;
    public sealed record Recorded(int Score, bool AlreadyAnswered, bool Commented) : Result;
    public sealed record Invalid : Result;
    public sealed record Expired : Result;

    public sealed record Link(string? Survey, int? Score, long? Expires, string? Signature);

    public async Task<Result> AnswerAsync(Link link, CancellationToken cancellationToken)
    {
        var checkedLink = await CheckAsync(link, cancellationToken);
        if (checkedLink is not (Guid surveyId, int score))
        {
            return checkedLink is Expired ? new Expired() : new Invalid();
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Only the first answer sets the score: two clicks at once cannot both win (the second finds it set).
        var first = await db.CsatSurveys.Where(s => s.Id == surveyId && s.Score == null && s.Status == CsatStatuses.Sent)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Score, score).SetProperty(s => s.AnsweredAt, now).SetProperty(s => s.Status, CsatStatuses.Answered), cancellationToken);
        var survey = await db.CsatSurveys.AsNoTracking().FirstOrDefaultAsync(s => s.Id == surveyId, cancellationToken);
        if (survey?.Score is not { } recorded)
        {
            return new Invalid();
        }

        if (first == 1)
        {
            var @case = await db.Cases.FirstAsync(c => c.Id == survey.CaseId, cancellationToken);
            @case.RecordActivity(MetricEventKinds.CsatReceived, Requester(survey), null, score.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"Satisfaction: {score} of 5", now);
            await db.SaveChangesAsync(cancellationToken);
            OpsMeters.Survey("answered");
        }

        await transaction.CommitAsync(cancellationToken);
        return new Recorded(recorded, first == 0, survey.Comment is not null);
    }

    /// <summary>The comment after the score, once; through the same signed link.</summary>
    public async Task<Result> CommentAsync(Link link, string? comment, CancellationToken cancellationToken)
    {
        var checkedLink = await CheckAsync(link, cancellationToken);
        if (checkedLink is not (Guid surveyId, int _))
        {
            return checkedLink is Expired ? new Expired() : new Invalid();
        }

        comment = comment?.Trim();
        if (string.IsNullOrEmpty(comment) || comment.Length > CsatSurvey.CommentMaxLength)
        {
            return new Invalid();
        }

        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var first = await db.CsatSurveys.Where(s => s.Id == surveyId && s.Score != null && s.Comment == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Comment, comment), cancellationToken);
        var survey = await db.CsatSurveys.AsNoTracking().FirstOrDefaultAsync(s => s.Id == surveyId, cancellationToken);
        if (survey?.Score is not { } score)
        {
            return new Invalid();
        }

        if (first == 1)
        {
            var @case = await db.Cases.FirstAsync(c => c.Id == survey.CaseId, cancellationToken);
            @case.RecordActivity(MetricEventKinds.CsatComment, Requester(survey), null, null, comment, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new Recorded(score, true, true);
    }

    private static Actor Requester(CsatSurvey survey) => new("contact", survey.ContactId.ToString(), "Requester");

    // (survey id, score) for a good link; Expired or Invalid otherwise.
    private async Task<object> CheckAsync(Link link, CancellationToken cancellationToken)
    {
        if (!Guid.TryParseExact(link.Survey ?? "", "N", out var surveyId) || link.Score is not (>= 1 and <= 5) || link.Expires is not (>= 0 and <= 253_402_300_799) || link.Expires is not { } expires
            || await CsatKeys.FindAsync(db, cancellationToken) is not { } key || !CsatLinks.Verify(key, surveyId, link.Score.Value, expires, link.Signature))
        {
            return new Invalid();
        }

        return DateTimeOffset.FromUnixTimeSeconds(expires) < time.GetUtcNow() ? new Expired() : (surveyId, link.Score.Value);
    }
}
