using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;

namespace TrustDesk.Taxonomy;

/// <summary>A taxonomy category: what kind of problem a case is. Codes are data; the defaults are seeded.</summary>
public sealed class Category
{
    private Category()
    {
    }

    public Category(string code, string title, Severity defaultSeverity, string defaultQueue, string departments, bool restricted)
    {
        Code = code;
        Title = title;
        DefaultSeverity = defaultSeverity;
        DefaultQueue = defaultQueue;
        Departments = departments;
        Restricted = restricted;
    }

    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 1_000;

    public string Code { get; private set; } = "";
    public string Title { get; private set; } = "";

    /// <summary>What belongs in the category, in the Lead's words: shown to agents beside the label.</summary>
    public string? Description { get; private set; }
    public Severity DefaultSeverity { get; private set; }

    /// <summary>The name of the queue a new case of this category lands in.</summary>
    public string DefaultQueue { get; private set; } = "";

    /// <summary>Departments that answer escalations of this category, comma-separated.</summary>
    public string Departments { get; private set; } = "";

    /// <summary>Only Specialists and above may see cases of a restricted category.</summary>
    public bool Restricted { get; private set; }

    /// <summary>Label and description are words for people; the code, which rules and the API use, never changes.</summary>
    public void Describe(string title, string? description)
    {
        Title = title;
        Description = description;
    }
}

/// <summary>How <see cref="Category"/> is stored.</summary>
internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("Categories");
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(64);
        b.Property(c => c.Title).HasMaxLength(Category.TitleMaxLength);
        b.Property(c => c.Description).HasMaxLength(Category.DescriptionMaxLength);
        b.Property(c => c.DefaultSeverity).HasConversion<int>();
        b.Property(c => c.DefaultQueue).HasMaxLength(64);
        b.Property(c => c.Departments).HasMaxLength(400);
        b.HasData(DefaultTaxonomy.All.Select(c => new
        {
            c.Code,
            c.Title,
            c.DefaultSeverity,
            c.DefaultQueue,
            c.Departments,
            c.Restricted,
        }));
    }
}
