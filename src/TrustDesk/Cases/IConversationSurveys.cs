using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// The satisfaction question asked at the end of a live conversation (a chat), rather than by email after solving. A
/// channel asks it; the metrics keep the survey, decide who may be asked (not in a crisis, not twice in the quiet period)
/// and count the answer. Named here so that a channel and the metrics need not know each other.
/// </summary>
public interface IConversationSurveys
{
    /// <summary>
    /// Asks the case's requester, when they may be asked: adds the survey to <paramref name="db"/> (the caller saves it with
    /// the conversation's end). False when they may not be asked now.
    /// </summary>
    Task<bool> OfferAsync(TrustDeskDb db, Case @case, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// The requester's answer to the survey offered on the case: the first answer counts and is saved; a later one changes
    /// nothing. The score recorded, or null when no survey was offered (or it has expired).
    /// </summary>
    Task<ConversationSurveyAnswer?> AnswerAsync(TrustDeskDb db, long caseId, int score, string? comment, DateTime now, CancellationToken cancellationToken);
}

/// <summary>What a survey's answer recorded: <see cref="Score"/> is the first answer's, whichever this one was.</summary>
public sealed record ConversationSurveyAnswer(int Score, bool AlreadyAnswered);
