using TrustDesk.Identity;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.AgentConsole;

/// <summary>An agent's named set of inbox filters. Each agent has their own; nobody else sees or changes them.</summary>
public sealed class SavedView
{
    public const int NameMaxLength = 60;
    public const int FilterMaxLength = 100;
    public const int SearchMaxLength = 200;

    /// <summary>Enough for every way of slicing the queues an agent uses; more is a list nobody reads.</summary>
    public const int MaxPerUser = 30;

    private SavedView()
    {
    }

    public SavedView(Guid userId, string name, InboxFilters filters, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        UserId = userId;
        Name = name;
        CreatedAt = now;
        Set(filters, now);
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string? Status { get; private set; }
    public string? Severity { get; private set; }
    public string? Assignee { get; private set; }
    public string? Queue { get; private set; }
    public string? Search { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public InboxFilters Filters => new(Status, Severity, Assignee, Queue, Search);

    /// <summary>Saving under a name the agent already uses replaces that view's filters.</summary>
    public void Set(InboxFilters filters, DateTime now)
    {
        Status = filters.Status;
        Severity = filters.Severity;
        Assignee = filters.Assignee;
        Queue = filters.Queue;
        Search = filters.Search;
        UpdatedAt = now;
    }
}

/// <summary>The inbox's filters as the inbox holds them: <c>me</c> and <c>none</c> for the assignee, comma lists for status and severity.</summary>
public sealed record InboxFilters(string? Status, string? Severity, string? Assignee, string? Queue, string? Search);

/// <summary>How <see cref="SavedView"/> is stored.</summary>
internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> b)
    {
        b.ToTable("SavedViews");
        b.Property(v => v.Id).ValueGeneratedNever();
        b.Property(v => v.Name).HasMaxLength(SavedView.NameMaxLength);
        b.Property(v => v.Status).HasMaxLength(SavedView.FilterMaxLength);
        b.Property(v => v.Severity).HasMaxLength(SavedView.FilterMaxLength);
        b.Property(v => v.Assignee).HasMaxLength(SavedView.FilterMaxLength);
        b.Property(v => v.Queue).HasMaxLength(SavedView.FilterMaxLength);
        b.Property(v => v.Search).HasMaxLength(SavedView.SearchMaxLength);
        b.Ignore(v => v.Filters);
        b.HasIndex(v => new { v.UserId, v.Name }).IsUnique();
        b.HasOne<TrustDeskUser>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
