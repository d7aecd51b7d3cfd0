using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Triage;

/// <summary>
/// One version of a rule written through the API. Rows are never updated: an edit is a new version, so the history of
/// every rule stays readable and every hit names the version that made it.
/// </summary>
public sealed class StoredRule
{
    public const int TextMaxLength = 20_000;

    private StoredRule()
    {
    }

    public StoredRule(string name, int version, RuleState state, string text, string? description, string author, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Name = name;
        Version = version;
        State = state;
        Text = text;
        Description = description;
        Author = author;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public int Version { get; private set; }
    public RuleState State { get; private set; }

    /// <summary>The rule in rule-pack syntax, exactly as written.</summary>
    public string Text { get; private set; } = "";
    public string? Description { get; private set; }
    public string Author { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>How <see cref="StoredRule"/> is stored.</summary>
internal sealed class StoredRuleConfiguration : IEntityTypeConfiguration<StoredRule>
{
    public void Configure(EntityTypeBuilder<StoredRule> b)
    {
        b.ToTable("Rules");
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Name).HasMaxLength(120);
        b.Property(r => r.State).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.Text).HasMaxLength(StoredRule.TextMaxLength);
        b.Property(r => r.Description).HasMaxLength(1_000);
        b.Property(r => r.Author).HasMaxLength(200);
        b.HasIndex(r => new { r.Name, r.Version }).IsUnique();
    }
}
