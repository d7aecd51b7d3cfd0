using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>Deletes one of the caller's saved views. Someone else's view is not found, as if it did not exist.</summary>
public sealed class DeleteSavedView(TrustDeskDb db)
{
    public async Task<bool> HandleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var userId = Permissions.UserIdOf(caller);
        return userId is not null && await db.SavedViews.Where(v => v.Id == id && v.UserId == userId).ExecuteDeleteAsync(cancellationToken) == 1;
    }
}
