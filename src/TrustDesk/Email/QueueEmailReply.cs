using TrustDesk.Contacts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>
/// Puts an agent's reply on an email case into the outbox, in the caller's unit of work (the same SaveChanges that
/// records the message). Threading headers are decided here: a Message-ID of our own (already on the message, so a
/// user's answer threads back even before we sent), In-Reply-To the user's latest email, References the thread.
/// </summary>
public sealed class QueueEmailReply(IOptions<EmailOptions> options, DispatchEmailReplies dispatcher) : IReplyChannel
{
    public Channel Channel => Channel.Email;

    public const int MaxReferences = 20;

    public string? NewExternalId() => NewMessageId();

    public string NewMessageId() => $"td.{Guid.NewGuid():N}@{options.Value.EffectiveDomain}";

    /// <summary>Adds the outbox row for <paramref name="message"/> (an outbound message of an email case, with a Message-ID from <see cref="NewMessageId"/>).</summary>
    public async Task EnqueueAsync(TrustDeskDb db, Case @case, Message message, DateTime now, CancellationToken cancellationToken)
    {
        var requester = @case.RequesterId is { } requesterId
            ? await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == requesterId, cancellationToken)
            : null;
        if (requester?.Email is null || ComposeEmail.ParseAddress(requester.Email) is null)
        {
            @case.RecordDeliveryFailure(message, "The case has no requester with an email address.", Actor.System, now);
            return;
        }

        // Only our own messages and the requester's: the reply goes to the requester, and a message anyone else managed to
        // put on the case (before threading checked senders) must never shape the headers of the customer's thread.
        var requesterActor = requester.Id.ToString();
        var thread = await db.Messages.AsNoTracking()
            .Where(m => m.CaseId == @case.Id && m.Channel == Channel.Email && m.ExternalId != null && m.Id != message.Id
                && (m.Direction == MessageDirection.Outbound || (m.Direction == MessageDirection.Inbound && m.AuthorType == "contact" && m.AuthorId == requesterActor)))
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Select(m => new { m.ExternalId, m.Direction })
            .Take(MaxReferences)
            .ToListAsync(cancellationToken);
        var inReplyTo = thread.FirstOrDefault(m => m.Direction == MessageDirection.Inbound)?.ExternalId ?? thread.FirstOrDefault()?.ExternalId;
        var references = thread.Select(m => m.ExternalId!).Reverse().ToList();

        var subject = $"Re: {ParseEmail.TitleFrom(@case.Title)} [{@case.Number}]";
        message.MarkQueued();
        db.OutboundEmails.Add(new OutboundEmail(message.Id, @case.Id, requester.Email, requester.Name, subject, message.ExternalId!,
            inReplyTo, references.Count == 0 ? null : string.Join(' ', references), message.Text, now));
    }

    /// <summary>After the commit: send now rather than at the next poll.</summary>
    public void Delivered() => dispatcher.Wake();
}
