using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.Email;

/// <summary>What happened to a raw message posted to the API.</summary>
/// <param name="Id">The stored email's id.</param>
/// <param name="MessageId">Its Message-ID, when it has one.</param>
/// <param name="Duplicate">True when this message was stored before (by any way in); it is not stored again.</param>
/// <param name="State">received (stored, being processed), processed, set_aside or failed.</param>
/// <param name="Outcome">What processing did: created_case, joined_case, reopened_case, linked_case, bounce, or why it was set aside (auto_reply, bulk, loop, flood, no_sender, malformed).</param>
/// <param name="CaseId">The case it went to, once processed.</param>
public sealed record InboundEmailView(Guid Id, string? MessageId, bool Duplicate, string State, string? Outcome, long? CaseId, string Source, DateTime ReceivedAt, string? Error);

public static class InboundEmailEndpoints
{
    public const string MimeType = "message/rfc822";

    public static IEndpointRouteBuilder MapInboundEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var maxBytes = app.ServiceProvider.GetRequiredService<IOptions<EmailOptions>>().Value.MaxMessageBytes;
        var api = app.MapGroup("/api/v1/inbound/email").WithTags("Email");

        api.MapPost("/", ReceiveAsync)
            .RequirePermission(Permissions.EmailWrite)
            .WithMetadata(new RequestSizeLimitAttribute(maxBytes))
            .WithName("ReceiveRawEmail")
            .WithSummary("Take in one email as raw MIME (Content-Type: message/rfc822), for relays and email services")
            .WithDescription("The body is the raw message, sent with Content-Type: message/rfc822. The message is stored durably before the answer (202), then threaded into a case like mail from the SMTP listener or IMAP. " +
                "Idempotent by Message-ID (by content when there is none): the same message again answers 202 with duplicate: true and is not stored twice.");

        api.MapGet("/{id:guid}", GetAsync)
            .RequirePermission(Permissions.EmailWrite)
            .WithName("GetInboundEmail")
            .WithSummary("What became of a posted email: its state, outcome and case");

        return app;
    }

    private static async Task<Results<Accepted<InboundEmailView>, ValidationProblem, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, ClaimsPrincipal user, StoreInboundEmail store, TrustDeskDb db, IOptions<EmailOptions> options, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), MimeType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be one raw email.",
                detail: $"Send it with Content-Type: {MimeType}.", extensions: new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = [$"Must be {MimeType}."] },
                });
        }

        var limit = options.Value.MaxMessageBytes;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", detail: $"At most {limit} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        var raw = buffer.ToArray();
        var errors = Validate(raw);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "This is not an email TrustDesk can take in.");
        }

        var result = await store.HandleAsync(raw, "http", user.Identity?.Name, null, cancellationToken);
        if (result is StoreInboundEmail.TooLarge tooLarge)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", detail: $"At most {tooLarge.Limit} bytes.");
        }

        var stored = (StoreInboundEmail.Stored)result;
        var row = await db.InboundEmails.AsNoTracking().FirstAsync(e => e.Id == stored.Id, cancellationToken);
        return TypedResults.Accepted($"/api/v1/inbound/email/{row.Id}", ToView(row, stored.Duplicate));
    }

    private static async Task<Results<Ok<InboundEmailView>, NotFound>> GetAsync(Guid id, TrustDeskDb db, CancellationToken cancellationToken)
    {
        var row = await db.InboundEmails.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken);
        return row is null ? TypedResults.NotFound() : TypedResults.Ok(ToView(row, duplicate: false));
    }

    private static InboundEmailView ToView(InboundEmail row, bool duplicate) =>
        new(row.Id, row.MessageIdHeader, duplicate, row.State, row.Outcome, row.CaseId, row.Source, row.ReceivedAt, row.Error);

    /// <summary>The endpoint refuses what is plainly not an email; anything that looks like one is stored and judged by processing.</summary>
    private static Dictionary<string, string[]> Validate(byte[] raw)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (raw.Length == 0)
        {
            errors["body"] = ["Empty: send the raw message."];
            return errors;
        }

        var headers = ParseEmail.ParseHeaders(raw);
        if (headers is null || headers.Count == 0 || raw.AsSpan(0, Math.Min(raw.Length, 1)).IndexOfAny((byte)' ', (byte)'\t') == 0)
        {
            errors["body"] = ["Not a MIME message: it must start with a header section (Name: value lines) and a blank line."];
            return errors;
        }

        var from = headers["From"];
        if (from is null)
        {
            errors["From"] = ["Required: the header that says who wrote the message."];
        }
        else if (!MimeKit.InternetAddressList.TryParse(from, out var list) || ParseEmail.Sender(list).Address is null)
        {
            errors["From"] = ["Not an email address."];
        }

        if (headers.Count(h => h.Id == MimeKit.HeaderId.From) > 1)
        {
            errors["From"] = ["Only one From header is allowed."];
        }

        if (headers["Message-ID"] is { } messageId && ParseEmail.NormaliseMessageId(messageId) is null)
        {
            errors["Message-ID"] = ["Not a Message-ID."];
        }

        return errors;
    }
}
