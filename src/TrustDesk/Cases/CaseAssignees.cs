using TrustDesk.Identity;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>Who a case can be assigned to: a user of TrustDesk who is not disabled, named by their email.</summary>
public static class CaseAssignees
{
    public const string NotAUser = "Not a user of TrustDesk: give an active user's email (as GET /api/v1/users lists them), or \"\" to unassign.";

    /// <summary>The user's email as stored (the case keeps that spelling), or null when no active user has it.</summary>
    public static async Task<string?> FindAsync(TrustDeskDb db, string assignee, CancellationToken cancellationToken)
    {
        var normalized = assignee.Trim().ToUpperInvariant();
        return await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == normalized && u.DisabledAt == null)
            .Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
    }
}
