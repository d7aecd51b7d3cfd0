using TrustDesk.Identity;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Access;

/// <summary>Creates an API key and returns its secret, which is shown once and never stored.</summary>
public sealed class CreateApiKey(TrustDeskDb db, TimeProvider time)
{
    public abstract record Result;
    public sealed record Created(ApiKey Key, string Secret) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    /// <param name="actor">Who creates it, for the audit trail; the system (CLI, tests, demo) when null.</param>
    public async Task<Result> HandleAsync(string? name, IReadOnlyList<string> scopes, CancellationToken cancellationToken, AuditRecord? actor = null)
    {
        var errors = new ValidationErrors();
        errors.Required("name", name, 200);
        errors.Count("scopes", scopes, 1, Scopes.All.Length);
        foreach (var scope in scopes.Where(s => !Scopes.All.Contains(s)))
        {
            errors.Add("scopes", $"Unknown scope '{scope}'. Known: {string.Join(", ", Scopes.All)}.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var (key, secret) = ApiKey.Create(name!.Trim(), scopes.Distinct(), time.GetUtcNow().UtcDateTime);
        db.ApiKeys.Add(key);
        var now = time.GetUtcNow().UtcDateTime;
        db.Audit((actor ?? AuditRecords.BySystem(now, "", null, null, null)) with
        {
            Action = "api_key.created",
            TargetType = "api_key",
            TargetId = key.Id.ToString(),
            Detail = $"{key.Name}: {string.Join(",", key.Scopes)}",
        });
        await db.SaveChangesAsync(cancellationToken);
        return new Created(key, secret);
    }
}
