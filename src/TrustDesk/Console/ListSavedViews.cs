using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

public sealed record SavedViewItem(Guid Id, string Name, InboxFilters Filters);

/// <summary>The caller's own saved inbox views, by name. Nobody lists anyone else's.</summary>
public sealed class ListSavedViews(TrustDeskDb db)
{
    public async Task<IReadOnlyList<SavedViewItem>> HandleAsync(ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (Permissions.UserIdOf(caller) is not { } userId)
        {
            return [];
        }

        var views = await db.SavedViews.AsNoTracking().Where(v => v.UserId == userId).ToListAsync(cancellationToken);
        return views.OrderBy(v => v.Name, StringComparer.CurrentCultureIgnoreCase).Select(v => new SavedViewItem(v.Id, v.Name, v.Filters)).ToList();
    }
}
