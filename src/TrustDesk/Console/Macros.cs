using Fluid;
using TrustDesk.Cases;

namespace TrustDesk.AgentConsole;

/// <summary>A reply template with Liquid placeholders, as Zendesk users know them.</summary>
public sealed record Macro(string Name, string Type, string Template);

/// <summary>
/// The reply templates and their rendering. The set is built in for now; leads will edit macros as data. Templates are
/// parsed once; placeholders: <c>requester.name</c>, <c>case.number</c>, <c>case.title</c>, <c>case.category</c>,
/// <c>agent.name</c>.
/// </summary>
public sealed class Macros
{
    private static readonly FluidParser Parser = new();

    private readonly List<(Macro Macro, IFluidTemplate Template)> _macros;

    public Macros()
    {
        Macro[] builtIn =
        [
            new("Acknowledge", "reply",
                "Hi {{ requester.name }},\n\nThank you for reporting this. We are looking into case {{ case.number }} now and will write again as soon as we know more.\n\n{{ agent.name }}, Trust & Safety"),
            new("Ask for order details", "reply",
                "Hi {{ requester.name }},\n\nTo look into case {{ case.number }} we need the order number and, if you have them, photos of what arrived.\n\n{{ agent.name }}, Trust & Safety"),
            new("Resolved", "reply",
                "Hi {{ requester.name }},\n\nWe have acted on case {{ case.number }} ({{ case.title }}). Thank you for helping keep the marketplace safe.\n\n{{ agent.name }}, Trust & Safety"),
            new("Note: checked linked accounts", "note",
                "Checked linked accounts for {{ case.number }}: no shared devices or payment fingerprints found."),
        ];
        _macros = builtIn.Select(m => (m, Parse(m.Template))).ToList();
    }

    public IReadOnlyList<Macro> All => _macros.Select(m => m.Macro).ToList();

    public static IFluidTemplate Parse(string template) =>
        Parser.TryParse(template, out var parsed, out var error) ? parsed : throw new ArgumentException(error, nameof(template));

    public async Task<string> RenderAsync(string name, CaseDetail detail, string agentName)
    {
        var (_, template) = _macros.First(m => m.Macro.Name == name);
        var context = new TemplateContext();
        context.SetValue("requester", new Dictionary<string, object?> { ["name"] = RequesterName(detail) });
        context.SetValue("case", new Dictionary<string, object?>
        {
            ["number"] = detail.Number,
            ["title"] = detail.Title,
            ["category"] = detail.Category ?? "",
        });
        context.SetValue("agent", new Dictionary<string, object?> { ["name"] = AgentName(agentName) });
        return await template.RenderAsync(context);
    }

    // A requester who gave no name is greeted neutrally, never by a (masked) email address.
    private static string RequesterName(CaseDetail detail) =>
        detail.Requester?.Name is { Length: > 0 } name && !name.Contains('@', StringComparison.Ordinal) ? name : "there";

    private static string AgentName(string signedInAs)
    {
        var local = signedInAs.Split('@')[0];
        return local.Length == 0 ? signedInAs : char.ToUpperInvariant(local[0]) + local[1..];
    }
}
