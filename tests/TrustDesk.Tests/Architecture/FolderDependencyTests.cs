using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using TrustDesk.Data;

namespace TrustDesk.Tests.Architecture;

/// <summary>
/// The folder rules of docs/architecture.md, read from the compiled assembly: which folder may use which, no cycle among
/// them, and the shared plumbing (Data, Api) using no feature. A new dependency that breaks a rule fails here with the
/// rule, the type and the type it uses; to allow it on purpose, change the table here and in docs/architecture.md.
/// </summary>
public sealed class FolderDependencyTests
{
    private static readonly ArchUnitNET.Domain.Architecture App =
        new ArchLoader().LoadAssemblies(typeof(TrustDeskDb).Assembly).Build();

    /// <summary>
    /// Each folder and the folders it may use (besides itself). Start-up at the root (<c>Program</c>,
    /// <c>TrustDeskApp</c>) wires every feature and is not a folder. The console's namespace is
    /// <c>TrustDesk.AgentConsole</c> (a <c>TrustDesk.Console</c> namespace would hide <c>System.Console</c>).
    /// </summary>
    internal static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Data"] = [],
        ["Api"] = ["Data"],
        ["Identity"] = ["Api", "Data"],
        ["Access"] = ["Api", "Data", "Identity"],
        ["Security"] = ["Api", "Identity"],
        ["Audit"] = ["Api", "Data", "Identity"],
        ["Contacts"] = ["Data"],
        ["Queues"] = ["Data"],
        ["Taxonomy"] = ["Api", "Data", "Identity", "Queues"],
        ["Subjects"] = ["Api", "Data", "Identity"],
        ["Signals"] = ["Api", "Data", "Identity", "Subjects"],
        ["Cases"] = ["Api", "Contacts", "Data", "Identity", "Queues", "Subjects", "Taxonomy"],
        ["Triage"] = ["Api", "Cases", "Data", "Identity", "Queues", "Subjects", "Taxonomy"],
        ["Intake"] = ["Api", "Cases", "Data", "Identity", "Queues", "Signals", "Subjects", "Taxonomy", "Triage"],
        ["Sla"] = ["Api", "Cases", "Data", "Identity", "Queues", "Taxonomy"],
        ["Shifts"] = ["AgentConsole", "Api", "Cases", "Data", "Identity", "Queues", "Sla", "Taxonomy"],
        ["Webhooks"] = ["AgentConsole", "Api", "Cases", "Data", "Identity"],
        ["Email"] = ["Api", "Cases", "Contacts", "Data", "Identity", "Intake", "Queues", "Subjects", "Taxonomy", "Triage"],
        ["AgentConsole"] = ["Access", "Api", "Cases", "Contacts", "Data", "Email", "Identity", "Queues", "Signals", "Sla", "Subjects", "Taxonomy", "Triage"],
        ["Chat"] = ["AgentConsole", "Api", "Cases", "Contacts", "Data", "Email", "Identity", "Intake", "Queues", "Subjects", "Taxonomy", "Triage"],
        ["Enforcement"] = ["AgentConsole", "Api", "Cases", "Contacts", "Data", "Email", "Identity", "Queues", "Subjects", "Taxonomy", "Triage", "Webhooks"],
        ["Metrics"] = ["AgentConsole", "Api", "Cases", "Chat", "Contacts", "Data", "Email", "Enforcement", "Identity", "Queues", "Sla", "Subjects", "Taxonomy", "Webhooks"],
        ["Escalations"] = ["AgentConsole", "Api", "Cases", "Data", "Identity", "Taxonomy"],
        ["Notifications"] = ["AgentConsole", "Api", "Cases", "Data", "Identity"],
        ["Health"] = ["Api", "Data", "Email", "Identity", "Queues"],
        ["Demo"] = ["Access", "Api", "Cases", "Chat", "Contacts", "Data", "Email", "Enforcement", "Identity", "Intake", "Metrics", "Queues", "Shifts", "Signals", "Sla", "Subjects", "Taxonomy", "Triage", "Webhooks"],
        ["Cli"] = ["Access", "Api", "Audit", "Cases", "Chat", "Contacts", "Data", "Demo", "Email", "Enforcement", "Identity", "Intake", "Metrics", "Queues", "Shifts", "Signals", "Sla", "Subjects", "Taxonomy", "Triage", "Webhooks"],
    };

    [Fact]
    public void EveryFolder_UsesOnlyTheFoldersItsRowAllows()
    {
        var broken = new List<string>();
        foreach (var type in App.Types)
        {
            if (FolderOf(type) is not { } folder)
            {
                continue;
            }

            if (!MayUse.TryGetValue(folder, out var allowed))
            {
                broken.Add($"{type.FullName}: folder '{folder}' has no row in the table (add it here and in docs/architecture.md)");
                continue;
            }

            foreach (var used in type.Dependencies.Select(d => d.Target).Where(t => t is not null).DistinctBy(t => t.FullName))
            {
                if (FolderOf(used) is { } usedFolder && usedFolder != folder && !allowed.Contains(usedFolder))
                {
                    broken.Add($"rule '{folder} may use {(allowed.Length == 0 ? "no folder" : string.Join(", ", allowed))}': {type.FullName} uses {used.FullName} ({usedFolder})");
                }
            }
        }

        Assert.True(broken.Count == 0, string.Join("\n", broken.Distinct().Order()));
    }

    [Fact]
    public void TheTable_HasNoCycle()
    {
        // Checked on the table itself, so a row edited to allow a cycle fails even before code uses it.
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        var path = new List<string>();
        string? cycle = null;

        void Visit(string folder)
        {
            if (cycle is not null || done.Contains(folder))
            {
                return;
            }

            if (!visiting.Add(folder))
            {
                cycle = string.Join(" → ", path.SkipWhile(f => f != folder).Append(folder));
                return;
            }

            path.Add(folder);
            foreach (var used in MayUse.GetValueOrDefault(folder, []))
            {
                Visit(used);
            }

            path.RemoveAt(path.Count - 1);
            visiting.Remove(folder);
            done.Add(folder);
        }

        foreach (var folder in MayUse.Keys)
        {
            Visit(folder);
        }

        Assert.True(cycle is null, "The folder table allows a cycle: " + cycle);
    }

    /// <summary>The folder a type belongs to: the second part of its namespace; null for start-up and other assemblies.</summary>
    private static string? FolderOf(IType type)
    {
        var name = type.Namespace?.FullName;
        if (name is null || !name.StartsWith("TrustDesk.", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name["TrustDesk.".Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }
}
