using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Audit;

public sealed record AuditEntryView(long Sequence, DateTime At, string ActorType, string ActorId, string ActorName, string Action,
    string? TargetType, string? TargetId, string? Detail, string? Ip, string PreviousHash, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, string? NextCursor);

public static class AuditEndpoints
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/audit", ListAsync)
            .RequirePermission(Permissions.AuditRead)
            .WithTags("Audit")
            .WithName("ListAuditEntries")
            .WithSummary("The audit trail, newest first")
            .WithDescription("Filters: action (exact, or a prefix ending in '.' such as signin.), actor (actor id), targetType and targetId, " +
                "from and to (UTC, ISO 8601). Pages of up to 500 with nextCursor. Each entry carries its hash and the previous entry's.");
        return app;
    }

    /// <summary>Query-string parameters of the audit listing.</summary>
    public sealed record AuditQuery(string? Action, string? Actor, string? TargetType, string? TargetId, DateTime? From, DateTime? To, int? Limit, string? Cursor);

    private static async Task<Results<Ok<AuditPage>, ValidationProblem>> ListAsync([AsParameters] AuditQuery query, TrustDeskDb db, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var limit = query.Limit ?? 100;
        if (limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"Between 1 and {MaxLimit}.");
        }

        long? before = null;
        if (query.Cursor is not null)
        {
            var cursor = Cursor.Decode(query.Cursor, 1);
            if (cursor is null || !long.TryParse(cursor[0], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                errors.Add("cursor", "Not a cursor of this listing; pass nextCursor back as it came.");
            }
            else
            {
                before = sequence;
            }
        }

        errors.MaxLength("action", query.Action, AuditEntry.ActionMaxLength);
        errors.MaxLength("actor", query.Actor, 64);
        errors.MaxLength("targetId", query.TargetId, 200);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var entries = db.AuditEntries.AsNoTracking();
        if (query.Action is { Length: > 0 } action)
        {
            entries = action.EndsWith('.') ? entries.Where(e => e.Action.StartsWith(action)) : entries.Where(e => e.Action == action);
        }

        if (query.Actor is { Length: > 0 } actor)
        {
            entries = entries.Where(e => e.ActorId == actor);
        }

        if (query.TargetType is { Length: > 0 } targetType)
        {
            entries = entries.Where(e => e.TargetType == targetType);
        }

        if (query.TargetId is { Length: > 0 } targetId)
        {
            entries = entries.Where(e => e.TargetId == targetId);
        }

        if (query.From is { } from)
        {
            var fromUtc = from.ToUniversalTime();
            entries = entries.Where(e => e.At >= fromUtc);
        }

        if (query.To is { } to)
        {
            var toUtc = to.ToUniversalTime();
            entries = entries.Where(e => e.At < toUtc);
        }

        if (before is { } b)
        {
            entries = entries.Where(e => e.Sequence < b);
        }

        var page = await entries.OrderByDescending(e => e.Sequence).Take(limit + 1).ToListAsync(cancellationToken);
        string? next = null;
        if (page.Count > limit)
        {
            page.RemoveAt(page.Count - 1);
            next = Cursor.Encode(page[^1].Sequence.ToString(CultureInfo.InvariantCulture));
        }

        return TypedResults.Ok(new AuditPage(page.Select(e => new AuditEntryView(e.Sequence, e.At, e.ActorType, e.ActorId, e.ActorName, e.Action,
            e.TargetType, e.TargetId, e.Detail, e.Ip, e.PreviousHash, e.Hash)).ToList(), next));
    }
}
