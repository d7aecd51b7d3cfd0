using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
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
        b.HasIndex(m => m.Name).IsUnique();
        b.HasData(Macros.Defaults.Select(m => new { m.Id, m.Name, m.Type, m.Template, m.UpdatedBy, m.UpdatedAt }));
    }
}
