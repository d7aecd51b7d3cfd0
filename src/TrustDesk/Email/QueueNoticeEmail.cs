using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>
/// Sends a notice about a case to someone other than its requester (the seller an action was taken against): through the
/// same outbox and relay as replies, recorded on the case as the internal message it carries, in the caller's unit of work.
/// For features that tell people things (enforcement's statements of reasons), without knowing how email is sent.
/// </summary>
public sealed class QueueNoticeEmail(QueueEmailReply replies, DispatchEmailReplies dispatcher)
{
    /// <summary>Adds the message (a note on the case saying what was sent to whom) and its outbox row; returns the message.</summary>
    public Message Enqueue(TrustDeskDb db, Case @case, string toAddress, string? toName, string subject, string text, Actor actor, DateTime now)
    {
        var message = @case.AddMessage(MessageDirection.Internal, Channel.Email, text, actor, now, replies.NewMessageId());
        message.MarkQueued();
        db.OutboundEmails.Add(new OutboundEmail(message.Id, @case.Id, toAddress, toName, subject, message.ExternalId!, null, null, text, now));
        return message;
    }

    public static bool IsAddress(string? address) => address is not null && ComposeEmail.ParseAddress(address) is not null;

    /// <summary>After the commit: send now rather than at the next poll.</summary>
    public void Delivered() => dispatcher.Wake();
}
