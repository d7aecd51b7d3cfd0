using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fluid;
using TrustDesk.Cases;

namespace TrustDesk.AgentConsole;

/// <summary>
/// Checks and renders macro templates. Placeholders: <c>requester.name</c>, <c>case.number</c>, <c>case.title</c>,
/// <c>case.category</c>, <c>agent.name</c>. Templates are parsed once per text and kept, so an edit takes effect at once
/// and rendering never parses twice.
/// </summary>
public sealed partial class Macros
{
    public static readonly IReadOnlyList<string> Placeholders = ["requester.name", "case.number", "case.title", "case.category", "agent.name"];

    // Fixed, not "now": the seed is part of the migration, and a moving value would make every build see a model change.
    private static readonly DateTime Seeded = new(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The macros a new desk starts with (seeded by the migration that made macros data).</summary>
    public static readonly IReadOnlyList<Macro> Defaults =
    [
        new(new Guid("0193a0c0-0000-7000-8000-000000000001"), "Acknowledge", Macro.Reply,
            "Hi {{ requester.name }},\n\nThank you for reporting this. We are looking into case {{ case.number }} now and will write again as soon as we know more.\n\n{{ agent.name }}, Trust & Safety",
            null, Seeded),
        new(new Guid("0193a0c0-0000-7000-8000-000000000002"), "Ask for order details", Macro.Reply,
            "Hi {{ requester.name }},\n\nTo look into case {{ case.number }} we need the order number and, if you have them, photos of what arrived.\n\n{{ agent.name }}, Trust & Safety",
            null, Seeded),
        new(new Guid("0193a0c0-0000-7000-8000-000000000003"), "Resolved", Macro.Reply,
            "Hi {{ requester.name }},\n\nWe have acted on case {{ case.number }} ({{ case.title }}). Thank you for helping keep the marketplace safe.\n\n{{ agent.name }}, Trust & Safety",
            null, Seeded),
        new(new Guid("0193a0c0-0000-7000-8000-000000000004"), "Note: checked linked accounts", Macro.Note,
            "Checked linked accounts for {{ case.number }}: no shared devices or payment fingerprints found.",
            null, Seeded),
    ];

    private static readonly FluidParser Parser = new();
    private readonly ConcurrentDictionary<string, IFluidTemplate> _parsed = new(StringComparer.Ordinal);

    /// <summary>Null when the template parses and uses only known placeholders; otherwise what is wrong, in words.</summary>
    public static string? Validate(string template)
    {
        if (!Parser.TryParse(template, out _, out var error))
        {
            return $"The template does not parse: {error}";
        }

        // Liquid renders an unknown variable as nothing: a misspelt placeholder would silently send "Hi ,". Refuse it here.
        foreach (Match match in OutputVariable().Matches(template))
        {
            var name = match.Groups[1].Value;
            if (!Placeholders.Contains(name))
            {
                return $"Unknown placeholder {{{{ {name} }}}}. Use one of: {string.Join(", ", Placeholders)}.";
            }
        }

        return null;
    }

    public async Task<string> RenderAsync(Macro macro, CaseDetail detail, string agentName)
    {
        var template = _parsed.GetOrAdd(macro.Template, text =>
            Parser.TryParse(text, out var parsed, out var error) ? parsed : throw new ArgumentException(error, nameof(macro)));
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

    /// <summary>The variable of each <c>{{ output }}</c>, before any filter: <c>{{ case.title | upcase }}</c> gives <c>case.title</c>.</summary>
    [GeneratedRegex(@"\{\{-?\s*([A-Za-z_][A-Za-z0-9_.]*)", RegexOptions.CultureInvariant)]
    private static partial Regex OutputVariable();
}
