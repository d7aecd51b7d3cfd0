using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Metrics;

/// <summary>
/// The satisfaction survey at the end of a chat: the same survey as the email one (<see cref="CsatSurvey"/>, channel
/// <c>chat</c>), under the same rules: not for S1 or crisis cases, not for a conversation nobody answered, not twice to
/// the same person within the quiet period (an email survey counts, and a chat's survey holds back the email one). Its
/// answer is counted like a click on an emailed link: on the case's log for its queue and agent, and on the survey.
/// </summary>
public sealed class ConversationSurveys(IOptions<MetricsOptions> options) : IConversationSurveys
{
    public async Task<bool> OfferAsync(TrustDeskDb db, Case @case, DateTime now, CancellationToken cancellationToken)
    {
        var csat = options.Value.Csat;
        if (!csat.Enabled || !ScheduleCsatSurveys.Eligible(@case, csat) || @case.RequesterId is not { } contactId)
        {
            return false;
        }

        var quietSince = now - csat.QuietPeriod;
        if (await db.CsatSurveys.AnyAsync(s => s.ContactId == contactId && s.SentAt != null && s.SentAt > quietSince, cancellationToken)
            || db.ChangeTracker.Entries<CsatSurvey>().Any(e => e.State == EntityState.Added && e.Entity.ContactId == contactId))
        {
            return false;
        }

        var survey = new CsatSurvey(@case.Id, contactId, @case.Assignee, now, now, CsatChannels.Chat);
        survey.Sent(now, now + csat.LinkLifetime);
        db.CsatSurveys.Add(survey);
        @case.RecordActivity(MetricEventKinds.CsatSent, Actor.System, null, CsatChannels.Chat, "Satisfaction survey asked at the end of the chat", now);
        OpsMeters.Survey(survey.Status);
        return true;
    }

    public async Task<ConversationSurveyAnswer?> AnswerAsync(TrustDeskDb db, long caseId, int score, string? comment, DateTime now, CancellationToken cancellationToken)
    {
        if (score is < 1 or > 5)
        {
            return null;
        }

        comment = comment?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, CsatSurvey.CommentMaxLength)] : null;
        var survey = await db.CsatSurveys.AsNoTracking()
            .Where(s => s.CaseId == caseId && s.Channel == CsatChannels.Chat && (s.Status == CsatStatuses.Sent || s.Status == CsatStatuses.Answered))
            .OrderByDescending(s => s.SentAt).FirstOrDefaultAsync(cancellationToken);
        if (survey is null || survey.ExpiresAt < now)
        {
            return null;
        }

        // Only the first answer sets the score: two taps at once cannot both win (the second finds it set).
        var first = await db.CsatSurveys.Where(s => s.Id == survey.Id && s.Score == null && s.Status == CsatStatuses.Sent)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Score, score).SetProperty(s => s.AnsweredAt, now).SetProperty(s => s.Status, CsatStatuses.Answered)
                .SetProperty(s => s.Comment, comment), cancellationToken);
        if (first == 0)
        {
            var recorded = await db.CsatSurveys.AsNoTracking().Where(s => s.Id == survey.Id).Select(s => s.Score).FirstAsync(cancellationToken);
            return recorded is { } earlier ? new ConversationSurveyAnswer(earlier, AlreadyAnswered: true) : null;
        }

        var @case = await db.Cases.FirstAsync(c => c.Id == caseId, cancellationToken);
        var requester = new Actor("contact", survey.ContactId.ToString(), "Requester");
        @case.RecordActivity(MetricEventKinds.CsatReceived, requester, CsatChannels.Chat, score.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"Satisfaction: {score} of 5 (chat)", now);
        if (comment is not null)
        {
            @case.RecordActivity(MetricEventKinds.CsatComment, requester, CsatChannels.Chat, null, comment, now);
        }

        OpsMeters.Survey("answered");
        return new ConversationSurveyAnswer(score, AlreadyAnswered: false);
    }
}
