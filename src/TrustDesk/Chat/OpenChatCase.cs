using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Queues;
using TrustDesk.Taxonomy;

namespace TrustDesk.Chat;

/// <summary>
/// Opens the case a conversation lives on, with the case model's own factory: the one place chat opens cases, so that
/// when case opening moves into Cases this is the call to re-point.
/// </summary>
public static class OpenChatCase
{
    public static Case Open(TrustDeskDb db, CategoryCatalog.Snapshot catalog, ChatSession session, Contact contact, Actor actor, DateTime now,
        long? linkTo = null)
    {
        var queue = catalog.QueuesByName.GetValueOrDefault(DefaultQueues.Triage) ?? catalog.QueuesByName.Values.First();
        var @case = Case.Open($"Chat with {session.VisitorName}", Severity.S3, null, queue, Channel.Chat, contact.Id, actor, now);
        if (contact.AccountSubjectId is { } account)
        {
            @case.AttachSubject(account, SubjectRole.Reporter);
        }

        if (linkTo is { } earlier)
        {
            @case.LinkTo(earlier, Actor.System, now);
        }

        db.Cases.Add(@case);
        return @case;
    }
}
