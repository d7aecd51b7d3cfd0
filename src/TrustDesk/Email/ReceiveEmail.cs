using TrustDesk.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Queues;

namespace TrustDesk.Email;

/// <summary>
/// Turns one stored email into what it means: a new case, a message on an existing case (reopening a solved one within
/// the reopen window, or a new linked case after a closed one), a failed delivery (a bounce), or nothing (set aside:
/// automatic mail that belongs nowhere, loops, floods, garbage). Never answers anything automatically.
/// </summary>
public sealed class ReceiveEmail(IOptions<EmailOptions> options, ILogger<ReceiveEmail> logger)
{
    /// <summary>A parsed message, or why it could not be parsed.</summary>
    public sealed record Parsed(ParsedEmail? Email, string? Error);

    /// <summary>The database-free part of processing; safe to run for many messages at once.</summary>
    public static Parsed Parse(InboundEmail row, EmailOptions settings)
    {
        try
        {
            return new Parsed(ParseEmail.Parse(row.Raw, settings, OwnAddresses(settings)), null);
        }
        catch (Exception error) when (error is FormatException or ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            return new Parsed(null, error.Message);
        }
    }

    /// <summary>Applies one parsed email; the batch must have been prepared (<see cref="EmailBatch.PrepareAsync"/>) with it.</summary>
    public async Task ApplyAsync(InboundEmail row, EmailBatch batch, Parsed parsed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (parsed.Email is not { } email)
        {
            row.SetAside("malformed", parsed.Error, batch.Now);
            return;
        }

        if (email.Kind == EmailKind.Loop)
        {
            row.SetAside("loop", email.KindReason, batch.Now);
            return;
        }

        if (email.Kind == EmailKind.Bounce)
        {
            await ApplyBounceAsync(row, email, batch, cancellationToken);
            return;
        }

        if (email.MessageId is not null && batch.IsOurOutbound(email.MessageId))
        {
            row.SetAside("loop", "Our own Message-ID came back", batch.Now);
            return;
        }

        if (email.FromAddress is null)
        {
            row.SetAside("no_sender", "No usable From address", batch.Now);
            return;
        }

        if (IsFlood(row, email.FromAddress, batch, settings))
        {
            row.SetAside("flood", $"More than {settings.FloodMaxPerSender} messages from {email.FromAddress} in {settings.FloodWindowMinutes} minutes", batch.Now);
            return;
        }

        var automatic = email.Kind is EmailKind.AutoReply or EmailKind.Bulk;
        var match = ThreadEmail.Find(email, batch);
        var contact = Requester(email, batch);
        var actor = new Actor("contact", contact.Id.ToString(), contact.Name ?? contact.Email ?? "Requester");

        Case target;
        string outcome;
        if (automatic)
        {
            // An out-of-office or list mail is shown where it belongs but changes nothing, and never opens a case.
            if (match is null || !match.Joins || match.Case.Status == CaseStatus.Closed)
            {
                row.SetAside(email.Kind == EmailKind.Bulk ? "bulk" : "auto_reply", email.KindReason, batch.Now);
                return;
            }

            target = match.Case;
            outcome = "auto_reply_joined";
        }
        else if (match is null)
        {
            target = OpenCase(email, contact, actor, batch);
            outcome = "created_case";
        }
        else if (!match.Joins || match.Case.Status == CaseStatus.Closed
            || (match.Case.Status == CaseStatus.Solved && (match.Case.SolvedAt ?? batch.Now) < batch.Now.AddDays(-settings.ReopenWindowDays)))
        {
            target = OpenCase(email, contact, actor, batch);
            target.LinkTo(match.Case.Id, Actor.System, batch.Now);
            outcome = "linked_case";
        }
        else
        {
            target = match.Case;
            outcome = "joined_case";
            if (target.Status == CaseStatus.Solved)
            {
                target.ChangeStatus(CaseStatus.Open, actor, batch.Now);
                outcome = "reopened_case";
            }
            else if (target.Status == CaseStatus.PendingUser)
            {
                target.ChangeStatus(CaseStatus.Open, actor, batch.Now);
            }
        }

        var message = target.AddMessage(MessageDirection.Inbound, Channel.Email, email.Text, actor, batch.Now, email.MessageId, email.Html, email.QuotedText);

        // Every email on a case runs through triage, automatic mail too: a person's message taken for an auto-reply must
        // still reach the crisis queue, and rules only ever raise severity, so a real auto-reply risks nothing.
        await TriageEmail.ApplyAsync(batch, target, outcome is "created_case" or "linked_case", contact, email, cancellationToken);
        foreach (var file in email.Files)
        {
            var hash = file.Content is null ? null : batch.AddBlob(file.Content);
            message.Attach(new MessageAttachment(file.FileName, file.DeclaredType, file.Verdict.DetectedType, file.Size, hash, file.Inline,
                file.ContentId, file.Verdict.Problem, batch.Now));
        }

        if (match is { Note: { } note } && outcome == "linked_case")
        {
            // Why this email is not on the case it points at: the agent sees it on the new case, linked to that one.
            target.AddMessage(MessageDirection.Internal, Channel.System, note, Actor.System, batch.Now);
        }

        if (email.MessageId is not null)
        {
            batch.CasesByMessageId[email.MessageId] = target;
        }

        ThreadEmail.Remember(email, target, batch);

        row.Processed(outcome, target, message.Id, batch.Now);
        logger.LogDebug("Email {MessageId} from {Sender}: {Outcome}", email.MessageId, email.FromAddress, outcome);
    }

    public static IReadOnlyCollection<string> OwnAddresses(EmailOptions settings)
    {
        var own = new HashSet<string>(StringComparer.Ordinal);
        foreach (var address in settings.Smtp.Addresses.Append(settings.EffectiveFromAddress))
        {
            if (!string.IsNullOrWhiteSpace(address))
            {
                own.Add(address.Trim().ToLowerInvariant());
            }
        }

        return own;
    }

    private static Case OpenCase(ParsedEmail email, Contact contact, Actor actor, EmailBatch batch)
    {
        var queue = batch.Catalog.QueuesByName.GetValueOrDefault(DefaultQueues.Triage) ?? batch.Catalog.QueuesByName.Values.First();
        var @case = Case.Open(ParseEmail.TitleFrom(email.Subject), Severity.S3, null, queue, Channel.Email, contact.Id, actor, batch.Now);
        if (contact.AccountSubjectId is { } account)
        {
            @case.AttachSubject(account, SubjectRole.Reporter);
        }

        batch.Db.Cases.Add(@case);
        return @case;
    }

    private static Contact Requester(ParsedEmail email, EmailBatch batch)
    {
        var address = email.FromAddress!;
        if (!batch.ContactsByEmail.TryGetValue(address, out var contact))
        {
            contact = new Contact(address, email.FromName, null, null, batch.Now);
            batch.Db.Contacts.Add(contact);
            batch.ContactsByEmail[address] = contact;
        }

        contact.LearnName(email.FromName);
        if (contact.AccountSubjectId is null && batch.AccountOf(address) is { } accountId)
        {
            contact.LinkAccount(accountId);
        }

        return contact;
    }

    private static bool IsFlood(InboundEmail row, string sender, EmailBatch batch, EmailOptions settings) =>
        settings.FloodMaxPerSender > 0
        && batch.EarlierFrom(sender, row, TimeSpan.FromMinutes(settings.FloodWindowMinutes)) >= settings.FloodMaxPerSender;

    private static async Task ApplyBounceAsync(InboundEmail row, ParsedEmail email, EmailBatch batch, CancellationToken cancellationToken)
    {
        var reason = email.Bounce?.Reason ?? "The message could not be delivered.";
        var originalId = email.Bounce?.OriginalMessageId;
        var message = originalId is null ? null : await batch.Db.Messages
            .FirstOrDefaultAsync(m => m.ExternalId == originalId && m.Direction == MessageDirection.Outbound, cancellationToken);
        if (message is null)
        {
            row.SetAside("bounce", "A bounce for a message we did not send: " + reason, batch.Now);
            return;
        }

        var @case = await batch.Db.Cases.FirstAsync(c => c.Id == message.CaseId, cancellationToken);
        @case.RecordDeliveryFailure(message, "Bounced: " + reason, Actor.System, batch.Now);
        var outbound = await batch.Db.OutboundEmails.FirstOrDefaultAsync(o => o.MessageId == message.Id, cancellationToken);
        outbound?.Bounced(reason);
        row.Processed("bounce", @case, message.Id, batch.Now);
    }
}
