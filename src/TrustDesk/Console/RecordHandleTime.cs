using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>
/// Records a stretch of time an agent worked a case in the console (<see cref="HandleTimer"/> measures it) on the case's log,
/// where the metrics count it as handle time for that agent, queue and category. Only for an agent who may work the case.
/// </summary>
public sealed class RecordHandleTime(TrustDeskDb db, CaseAccess access, TimeProvider time)
{
    /// <summary>Shorter stretches (a glance while passing through the inbox) are not work on the case.</summary>
    public const int MinimumSeconds = 5;

    /// <summary>One stretch is at most a working day: a longer one is a clock gone wrong, not work.</summary>
    public const int MaximumSeconds = 12 * 3600;

    public async Task<bool> HandleAsync(long caseId, int seconds, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (seconds < MinimumSeconds || !caller.Has(Permissions.CasesComment) || !await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return false;
        }

        var @case = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
        if (@case is null)
        {
            return false;
        }

        @case.RecordHandleTime(caller.ToActor(), Math.Min(seconds, MaximumSeconds), time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
