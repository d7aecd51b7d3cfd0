using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Api;

namespace TrustDesk.Triage;

/// <summary>A rule in rule-pack syntax (one rule), and optionally the state to save it in.</summary>
/// <param name="Text">The rule: <c>- name: ...</c>, <c>on:</c>, <c>when:</c>, <c>then:</c>, as in a rule pack.</param>
/// <param name="State">draft, shadow or active; when absent, the text's <c>state:</c> (default active).</param>
public sealed record SaveRuleRequest(string? Text, RuleState? State);

public sealed record RuleDiagnosticView(string? Rule, int Line, int Column, string Message);

public sealed record RuleView(string Name, int Version, RuleState State, string Origin, IReadOnlyList<string> Triggers, string? Description, string Text, DateTime? SavedAt, string? Author);

/// <summary>
/// Creates a rule or saves a new version of one. The text is parsed, type-checked and compiled together with every other
/// rule in force before anything is stored, so a rule that does not compile is refused with its line and column.
/// </summary>
public sealed class SaveRule(TrustDeskDb db, TriageEngine engine, TimeProvider time)
{
    public abstract record Result;
    public sealed record Saved(RuleView Rule, bool Created) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors, IReadOnlyList<RuleDiagnosticView> Diagnostics) : Result;
    public sealed record NotFound : Result;
    public sealed record Conflict(string Message) : Result;

    /// <param name="name">The rule being edited; null to create.</param>
    public async Task<Result> HandleAsync(string? name, SaveRuleRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("text", request.Text, StoredRule.TextMaxLength);
        if (request.State is { } state && !Enum.IsDefined(state))
        {
            errors.Add("state", "One of draft, shadow, active.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary(), []);
        }

        var inForce = await engine.InForceAsync(db, cancellationToken, includeDrafts: true);
        if (Check(request.Text!, name, inForce) is { } refused)
        {
            return refused;
        }

        var definition = RulePackParser.Parse(request.Text!, "api").Rules[0];
        var existing = inForce.FirstOrDefault(r => r.Name == definition.Name);
        if (name is null && existing is not null)
        {
            return new Conflict($"A rule named \"{definition.Name}\" exists; save a new version with PUT /api/v1/rules/{Uri.EscapeDataString(definition.Name)}.");
        }

        if (name is not null && existing is null)
        {
            return new NotFound();
        }

        var version = (existing?.Version ?? 0) + 1;
        var stored = new StoredRule(definition.Name, version, request.State ?? definition.State, request.Text!.Trim(), definition.Description,
            caller.Identity?.Name ?? "unknown", time.GetUtcNow().UtcDateTime);

        db.Rules.Add(stored);
        db.Audit(Api.AuditRecords.By(caller, stored.CreatedAt, existing is null ? "rule.created" : "rule.changed", "rule", stored.Name,
            $"version {stored.Version}, {stored.State.ToString().ToLowerInvariant()}", db.RequestIp));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            return new Conflict("Someone saved this rule at the same moment; read it again and retry.");
        }

        engine.Invalidate();
        return new Saved(ToView(stored), existing is null);
    }

    /// <summary>
    /// What is wrong with a rule's text, checked as saving checks it: parsed, one rule, named as the rule being edited,
    /// and compiled with every other rule in force (so names and vocabulary are checked as they will run). Null when
    /// it would save. The console's editor calls this as the Lead types.
    /// </summary>
    /// <param name="name">The rule being edited; null for a new one.</param>
    public static Invalid? Check(string text, string? name, IReadOnlyList<RuleDefinition> inForce)
    {
        var parsed = RulePackParser.Parse(text, "api");
        if (parsed.Diagnostics.Count > 0)
        {
            return Refuse(parsed.Diagnostics);
        }

        if (parsed.Rules.Count != 1)
        {
            return new Invalid(new Dictionary<string, string[]> { ["text"] = [$"Exactly one rule per request (found {parsed.Rules.Count})."] }, []);
        }

        var definition = parsed.Rules[0];
        if (name is not null && definition.Name != name)
        {
            return new Invalid(new Dictionary<string, string[]> { ["text"] = [$"The rule is named \"{definition.Name}\" but the address names \"{name}\"; renaming is a new rule."] }, []);
        }

        var compilation = RuleCompiler.Compile([.. inForce.Where(r => r.Name != definition.Name), definition]);
        var own = compilation.Diagnostics.Where(d => d.Rule == definition.Name).ToList();
        return own.Count > 0 ? Refuse(own) : null;
    }

    public static RuleView ToView(StoredRule stored) =>
        new(stored.Name, stored.Version, stored.State, "api", TriageEngine.ToDefinition(stored)?.Triggers.Select(t => t.Trigger).ToList() ?? [],
            stored.Description, stored.Text, stored.CreatedAt, stored.Author);

    private static Invalid Refuse(IReadOnlyList<RuleDiagnostic> diagnostics) =>
        new(new Dictionary<string, string[]> { ["text"] = [.. diagnostics.Select(d => new RuleDiagnostic(null, d.Rule, d.Line, d.Column, d.Message).ToString())] },
            [.. diagnostics.Select(d => new RuleDiagnosticView(d.Rule, d.Line, d.Column, d.Message))]);
}
