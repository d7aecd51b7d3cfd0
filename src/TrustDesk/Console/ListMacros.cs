using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.AgentConsole;

/// <summary>Every macro, by name: the composer offers them all, the macros page edits them.</summary>
public sealed class ListMacros(TrustDeskDb db)
{
    public async Task<IReadOnlyList<Macro>> HandleAsync(CancellationToken cancellationToken)
    {
        var macros = await db.Macros.AsNoTracking().ToListAsync(cancellationToken);
        return macros.OrderBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }
}
