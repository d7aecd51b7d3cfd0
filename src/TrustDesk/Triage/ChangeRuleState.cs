using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Triage;

/// <summary>Moves a rule between draft, shadow and active: a new version with the same text in the new state.</summary>
public sealed class ChangeRuleState(TrustDeskDb db, TriageEngine engine, SaveRule saveRule)
{
    public async Task<SaveRule.Result> HandleAsync(string name, RuleState? state, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (state is not { } newState || !Enum.IsDefined(newState))
        {
            return new SaveRule.Invalid(new Dictionary<string, string[]> { ["state"] = ["One of draft, shadow, active."] }, []);
        }

        var stored = await db.Rules.AsNoTracking().Where(r => r.Name == name).OrderByDescending(r => r.Version).FirstOrDefaultAsync(cancellationToken);
        var text = stored?.Text;
        if (text is null)
        {
            var definition = (await engine.InForceAsync(db, cancellationToken, includeDrafts: true)).FirstOrDefault(d => d.Name == name);
            if (definition is null)
            {
                return new SaveRule.NotFound();
            }

            text = RuleEndpoints.PackText(definition);
        }

        return await saveRule.HandleAsync(name, new SaveRuleRequest(text, newState), caller, cancellationToken);
    }
}
