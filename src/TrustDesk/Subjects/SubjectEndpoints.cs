using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;
using TrustDesk.Identity;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Subjects;

/// <summary>A platform object as the API returns it.</summary>
public sealed record SubjectView(
    Guid Id,
    SubjectKind Kind,
    string ExternalId,
    string DisplayName,
    string Status,
    bool Live,
    DateTime? CreatedAt,
    string? Attributes,
    DateTime FirstSeenAt,
    DateTime UpdatedAt,
    IReadOnlyList<SubjectLinkView> Links,
    IReadOnlyList<SubjectIdentifierView> Identifiers);

public sealed record SubjectLinkView(string Relation, SubjectKind Kind, string ExternalId);

public sealed record SubjectIdentifierView(IdentifierType Type, string Value);

public static class SubjectEndpoints
{
    public static IServiceCollection AddSubjects(this IServiceCollection services) =>
        services.AddScoped<FindLinkedAccounts>().AddScoped<RevealSubjectIdentifiers>();

    public static IEndpointRouteBuilder MapSubjectEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/subjects").WithTags("Subjects");

        api.MapGet("/{kind}/{externalId}", GetAsync)
            .RequirePermission(Permissions.SubjectsRead)
            .WithName("GetSubject")
            .WithSummary("One platform object with its links and identifiers; identifiers come masked unless the key has pii:read");

        api.MapPost("/{kind}/{externalId}/reveal", RevealAsync)
            .RequirePermission(Permissions.PersonalDataReveal)
            .WithName("RevealSubjectIdentifiers")
            .WithSummary("The subject's identifiers in clear; needs a reason, which the audit trail keeps");

        api.MapGet("/account/{externalId}/linked", GetLinkedAsync)
            .RequirePermission(Permissions.SubjectsRead)
            .WithName("GetLinkedAccounts")
            .WithSummary("Accounts linked to this one through shared identifiers, up to `hops` (1-4, default 2), with the path that links each");

        return app;
    }

    private static async Task<Results<Ok<LinkedAccounts>, NotFound, ValidationProblem>> GetLinkedAsync(
        string externalId, int? hops, ClaimsPrincipal user, FindLinkedAccounts findLinked, CancellationToken cancellationToken)
    {
        if (hops is < 1 or > AccountGraph.MaxHops)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["hops"] = [$"Between 1 and {AccountGraph.MaxHops}."] });
        }

        var linked = await findLinked.HandleAsync(externalId, hops ?? 2, cancellationToken);
        if (linked is null)
        {
            return TypedResults.NotFound();
        }

        // The identifiers that link accounts are personal data: masked like everywhere else unless the caller may read them.
        return TypedResults.Ok(user.Has(Permissions.PersonalDataRead) ? linked : linked with
        {
            Linked = [.. linked.Linked.Select(l => l with { Path = [.. l.Path.Select(step => step with { Value = Mask(step.Via, step.Value) })] })],
        });
    }

    private static async Task<Results<Ok<SubjectView>, NotFound, ValidationProblem>> GetAsync(
        string kind, string externalId, ClaimsPrincipal user, TrustDeskDb db, CancellationToken cancellationToken)
    {
        if (ParseKind(kind) is not { } parsedKind)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["route.kind"] = ["One of account, livestream, listing, order, shipment, payment."] });
        }

        var subject = await db.Subjects.AsNoTracking().Include(s => s.Identifiers).Include(s => s.Links).ThenInclude(l => l.To).AsSplitQuery()
            .FirstOrDefaultAsync(s => s.Kind == parsedKind && s.ExternalId == externalId, cancellationToken);
        if (subject is null)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new SubjectView(subject.Id, subject.Kind, subject.ExternalId, subject.DisplayName, subject.Status, subject.IsLive, subject.CreatedOnPlatformAt,
            subject.Attributes, subject.FirstSeenAt, subject.UpdatedAt,
            subject.Links.Select(l => new SubjectLinkView(l.Relation, l.To!.Kind, l.To.ExternalId)).ToList(),
            subject.Identifiers.Select(i => new SubjectIdentifierView(i.Type, user.Has(Permissions.PersonalDataRead) ? i.Value : Mask(i.Type, i.Value))).ToList()));
    }

    /// <summary>Identifiers as people without a reveal see them.</summary>
    public static string Mask(IdentifierType type, string value) => type switch
    {
        IdentifierType.Email => PersonalData.MaskEmail(value)!,
        IdentifierType.Phone => PersonalData.MaskPhone(value)!,
        IdentifierType.Ip => PersonalData.MaskIp(value)!,
        _ => PersonalData.Mask(value),
    };

    private static async Task<Results<Ok<List<SubjectIdentifierView>>, NotFound, ValidationProblem>> RevealAsync(
        string kind, string externalId, RevealRequest request, ClaimsPrincipal user, RevealSubjectIdentifiers reveal, CancellationToken cancellationToken)
    {
        if (ParseKind(kind) is not { } parsedKind)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["route.kind"] = ["One of account, livestream, listing, order, shipment, payment."] });
        }

        return await reveal.HandleAsync(parsedKind, externalId, request, user, cancellationToken) switch
        {
            RevealSubjectIdentifiers.Revealed revealed => TypedResults.Ok(revealed.Identifiers),
            RevealSubjectIdentifiers.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>Route kinds are the snake_case names (<c>account</c>); numbers are not kinds.</summary>
    public static SubjectKind? ParseKind(string? kind) =>
        kind is not null && !kind.Any(char.IsDigit) && Enum.TryParse<SubjectKind>(kind, ignoreCase: true, out var parsed) ? parsed : null;
}
