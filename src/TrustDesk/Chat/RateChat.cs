using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Chat;

public sealed record RateChatRequest(int? Score, string? Comment);

public sealed record ChatRating(int Score, bool AlreadyAnswered);

/// <summary>
/// The visitor answers the satisfaction question asked when the chat ended (1 to 5, and a comment if they like). The first
/// answer counts; a second one (another tab, a double tap) is told the first score and changes nothing. The answer is kept
/// by the metrics (<see cref="IConversationSurveys"/>) and shown in the conversation, so every tab stops asking.
/// </summary>
public sealed class RateChat(TrustDeskDb db, IConversationSurveys surveys, ChatHub hub, TimeProvider time)
{
    public const string Question = "How did we do? Rate this chat from 1 (very bad) to 5 (very good).";
    public const int CommentMaxLength = 1_000;

    public abstract record Result;
    public sealed record Rated(ChatRating Rating) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;
    public sealed record NotAsked : Result;

    public async Task<Result> HandleAsync(Guid sessionId, string token, RateChatRequest request, CancellationToken cancellationToken)
    {
        // The session first: someone without this chat's token learns nothing, not even what a valid answer looks like.
        var session = await ChatVisitors.FindAsync(db, sessionId, token, tracked: false, cancellationToken);
        if (session is null)
        {
            return new NotFound();
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Score is not (>= 1 and <= 5))
        {
            errors["score"] = ["A whole number from 1 (very bad) to 5 (very good)."];
        }

        if (request.Comment is { Length: > CommentMaxLength })
        {
            errors["comment"] = [$"At most {CommentMaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        if (session.CaseId is not { } caseId || !await db.ChatEvents.AnyAsync(e => e.SessionId == sessionId && e.Type == ChatEvent.SurveyType, cancellationToken))
        {
            return new NotAsked();
        }

        var (answer, seq) = await ChatEvents.SaveWithRetryAsync(db, async () =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            // The score, the case's log and the thank-you in the conversation are one unit: all of them or none.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var answer = await surveys.AnswerAsync(db, caseId, request.Score!.Value, request.Comment, now, cancellationToken);
            long seq = 0;
            if (answer is { AlreadyAnswered: false })
            {
                seq = await ChatEvents.NextSeqAsync(db, sessionId, cancellationToken);
                db.ChatEvents.Add(new ChatEvent(sessionId, seq, ChatEvent.SurveyAnsweredType, ChatEvent.FromVisitor,
                    $"Thank you. You rated this chat {answer.Score} of 5.", session.VisitorName, null, null, null, now));
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return (answer, seq);
        }, cancellationToken);

        if (seq > 0)
        {
            hub.Publish(sessionId, new ChatSignal(seq));
        }

        return answer is null ? new NotAsked() : new Rated(new ChatRating(answer.Score, answer.AlreadyAnswered));
    }
}
