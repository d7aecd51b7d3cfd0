using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
namespace TrustDesk.AgentConsole;

/// <summary>
/// A reply template with Liquid placeholders, as Zendesk users know them. Leads edit them (<see cref="Identity.Permissions.MacrosManage"/>);
/// every agent uses them in the composer.
/// </summary>
public sealed class Macro
{
    public const int NameMaxLength = 80;
    public const int TemplateMaxLength = 10_000;
    public const string Reply = "reply";
    public const string Note = "note";

    private Macro()
    {
    }

    public Macro(Guid id, string name, string type, string template, string? updatedBy, DateTime now)
    {
        Id = id;
        Name = name;
        Type = type;
        Template = template;
        UpdatedBy = updatedBy;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary><c>reply</c> or <c>note</c>: which composer tab the macro opens.</summary>
    public string Type { get; private set; } = Reply;
    public string Template { get; private set; } = "";
    public string? UpdatedBy { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Change(string name, string type, string template, string? updatedBy, DateTime now)
    {
        Name = name;
        Type = type;
        Template = template;
        UpdatedBy = updatedBy;
        UpdatedAt = now;
    }

    /// <summary>The status the macro moves the case to (a status code such as <c>pending_user</c>); null leaves it.</summary>
    public string? SetStatus { get; private set; }
    public Taxonomy.Severity? SetSeverity { get; private set; }
    public string? SetCategory { get; private set; }

    /// <summary>Tags added to the case's own (never removed), comma-separated (a tag has no comma).</summary>
    public string AddTags { get; private set; } = "";

    public IReadOnlyList<string> TagsToAdd => AddTags.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary><see cref="AssignToApplier"/>, an agent's email, <c>""</c> to unassign; null leaves the assignee.</summary>
    public string? SetAssignee { get; private set; }

    /// <summary>An internal note added with the macro, with the same placeholders as the text.</summary>
    public string? NoteTemplate { get; private set; }

    public const string AssignToApplier = "me";

    public bool HasActions => SetStatus is not null || SetSeverity is not null || SetCategory is not null || AddTags.Length > 0 || SetAssignee is not null
        || NoteTemplate is not null;

    public void SetActions(MacroActions actions)
    {
        SetStatus = actions.Status;
        SetSeverity = actions.Severity;
        SetCategory = actions.Category;
        AddTags = string.Join(',', actions.AddTags ?? []);
        SetAssignee = actions.Assignee;
        NoteTemplate = actions.Note;
    }

    public MacroActions Actions => new(SetStatus, SetSeverity, SetCategory, TagsToAdd, SetAssignee, NoteTemplate);
}

/// <summary>What a macro does to the case besides its text, Zendesk-style. Every field is optional; absent leaves the case as it is.</summary>
/// <param name="Status">A status code: new, open, pending_user, pending_internal, on_hold, solved, closed.</param>
/// <param name="Severity">S1–S4.</param>
/// <param name="Category">A taxonomy code.</param>
/// <param name="AddTags">Tags added to the case's own.</param>
/// <param name="Assignee"><c>me</c> (the agent applying the macro), an agent's email, or <c>""</c> to unassign.</param>
/// <param name="Note">An internal note added to the case, with placeholders.</param>
public sealed record MacroActions(string? Status, Taxonomy.Severity? Severity, string? Category, IReadOnlyList<string>? AddTags, string? Assignee, string? Note)
{
    public static readonly MacroActions None = new(null, null, null, null, null, null);
}

/// <summary>How <see cref="Macro"/> is stored.</summary>
internal sealed class MacroConfiguration : IEntityTypeConfiguration<Macro>
{
    public void Configure(EntityTypeBuilder<Macro> b)
    {
        b.ToTable("Macros");
        b.Property(m => m.Id).ValueGeneratedNever();
        b.Property(m => m.Name).HasMaxLength(Macro.NameMaxLength);
        b.Property(m => m.Type).HasMaxLength(10);
        b.Property(m => m.Template).HasMaxLength(Macro.TemplateMaxLength);
        b.Property(m => m.UpdatedBy).HasMaxLength(256);
        b.Property(m => m.SetStatus).HasMaxLength(20);
        b.Property(m => m.SetSeverity).HasConversion<int>();
        b.Property(m => m.SetCategory).HasMaxLength(64);
        b.Property(m => m.SetAssignee).HasMaxLength(256);
        b.Property(m => m.NoteTemplate).HasMaxLength(Macro.TemplateMaxLength);
        b.Property(m => m.AddTags).HasMaxLength((Case.TagMaxLength + 1) * Case.MaxTags);
        b.Ignore(m => m.Actions);
        b.Ignore(m => m.TagsToAdd);
        b.HasIndex(m => m.Name).IsUnique();
        b.HasData(Macros.Defaults.Select(m => new { m.Id, m.Name, m.Type, m.Template, m.UpdatedBy, m.UpdatedAt, AddTags = "" }));
    }
}
