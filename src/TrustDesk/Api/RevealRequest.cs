using System.Security.Claims;
using TrustDesk.Data;

namespace TrustDesk.Api;

/// <param name="Reason">Why you need to see it (5 to 500 characters); it is kept in the audit trail.</param>
public sealed record RevealRequest(string? Reason)
{
    public const int ReasonMinLength = 5;
    public const int ReasonMaxLength = 500;

    /// <summary>The field errors of a reveal's reason, or null when it will do.</summary>
    public Dictionary<string, string[]>? Validate()
    {
        var errors = new ValidationErrors();
        errors.Required("reason", Reason, ReasonMaxLength);
        if (Reason is { } reason && !string.IsNullOrWhiteSpace(reason) && reason.Trim().Length < ReasonMinLength)
        {
            errors.Add("reason", $"At least {ReasonMinLength} characters: say why you need to see it.");
        }

        return errors.Any ? errors.ToDictionary() : null;
    }

    /// <summary>
    /// Writes the reveal's audit entry and commits it before anything is shown: no personal data in clear without its
    /// record, whichever feature shows it.
    /// </summary>
    public async Task AuditAsync(TrustDeskDb db, ClaimsPrincipal caller, DateTime now, string targetType, string targetId, string what, CancellationToken cancellationToken)
    {
        db.Audit(AuditRecords.By(caller, now, "personal_data.revealed", targetType, targetId, $"{what}; reason: {Reason!.Trim()}", db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
    }
}
