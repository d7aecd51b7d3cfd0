using Microsoft.EntityFrameworkCore;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Api;

namespace TrustDesk.Chat;

/// <summary>An anonymous visitor's name and address.</summary>
public sealed record ChatVisitorRequest(string? Name, string? Email);

/// <summary>Starts a chat: as a platform user (<c>identityToken</c>, signed by the platform) or as a visitor who gives a name and email.</summary>
public sealed record StartChatSessionRequest(ChatVisitorRequest? Visitor, string? IdentityToken);

/// <summary>The new session; <c>visitorToken</c> is shown only here.</summary>
public sealed record ChatSessionStarted(Guid SessionId, string VisitorToken, string VisitorName, string? Platform, string? PlatformUserId,
    string EventsUrl, string MessagesUrl, string WebSocketUrl);

public sealed class StartChatSession(TrustDeskDb db, IdentityTokens tokens, TimeProvider time)
{
    public abstract record Result;
    public sealed record Started(ChatSessionStarted Session) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record Unauthorized : Result;

    public async Task<Result> HandleAsync(StartChatSessionRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        string name;
        string? email;
        PlatformIdentity? identity = null;
        if (request.IdentityToken is not null)
        {
            // A token that does not verify gets no chat at all: falling back to anonymous would let anyone wear a name.
            identity = tokens.Verify(request.IdentityToken);
            if (identity is null)
            {
                return new Unauthorized();
            }

            name = identity.Name ?? "Customer";
            email = identity.Email is { } given && LooksLikeEmail(given) ? given.ToLowerInvariant() : null;
        }
        else
        {
            var errors = new ValidationErrors();
            if (request.Visitor is null)
            {
                errors.Add("visitor", "Give visitor.name and visitor.email, or an identityToken.");
                return new Invalid(errors.ToDictionary());
            }

            errors.Required("visitor.name", request.Visitor.Name, ChatSession.NameMaxLength);
            errors.Required("visitor.email", request.Visitor.Email, ChatSession.EmailMaxLength);
            if (request.Visitor.Email is { } address && !LooksLikeEmail(address))
            {
                errors.Add("visitor.email", "Not an email address.");
            }

            if (errors.Any)
            {
                return new Invalid(errors.ToDictionary());
            }

            name = request.Visitor.Name!.Trim();
            email = request.Visitor.Email!.Trim().ToLowerInvariant();
        }

        var contact = await ContactAsync(identity, name, email, now, cancellationToken);
        var (token, hash) = ChatVisitors.NewToken();
        var session = new ChatSession(hash, contact.Id, name, email, identity?.Platform, identity?.UserId, now);
        db.ChatSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);

        var basePath = $"/api/v1/chat/sessions/{session.Id}";
        return new Started(new ChatSessionStarted(session.Id, token, name, session.Platform, session.PlatformUserId,
            basePath + "/events", basePath + "/messages", basePath + "/ws"));
    }

    /// <summary>
    /// The contact the case's requester will be: the one with this address, else a new one; linked to the platform
    /// account the token names when TrustDesk knows it, so the case shows the user's orders and history.
    /// </summary>
    private async Task<Contact> ContactAsync(PlatformIdentity? identity, string name, string? email, DateTime now, CancellationToken cancellationToken)
    {
        var contact = email is null ? null : await db.Contacts.Where(c => c.Email == email).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            contact = new Contact(email, name, null, null, now);
            db.Contacts.Add(contact);
        }

        contact.LearnName(name);
        if (identity is not null && contact.AccountSubjectId is null)
        {
            var account = await db.Subjects.AsNoTracking()
                .Where(s => s.Kind == SubjectKind.Account && s.ExternalId == identity.UserId)
                .Select(s => (Guid?)s.Id)
                .FirstOrDefaultAsync(cancellationToken);
            if (account is { } accountId)
            {
                contact.LinkAccount(accountId);
            }
        }

        return contact;
    }

    private static bool LooksLikeEmail(string text) =>
        System.Net.Mail.MailAddress.TryCreate(text.Trim(), out var parsed) && parsed.Address == text.Trim() && parsed.Host.Contains('.', StringComparison.Ordinal);
}
