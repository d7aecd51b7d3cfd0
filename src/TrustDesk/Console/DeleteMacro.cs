using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>Deletes a macro. Leads and admins only; false when the caller may not or it is gone already.</summary>
public sealed class DeleteMacro(TrustDeskDb db)
{
    public async Task<bool> HandleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken) =>
        caller.Has(Permissions.MacrosManage) && await db.Macros.Where(m => m.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
}
