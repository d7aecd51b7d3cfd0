using Microsoft.EntityFrameworkCore;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>The console's own tables (saved views, macros), configured here so the feature folder holds them.</summary>
public static class ConsoleModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<SavedView>(b =>
        {
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
        });

        builder.Entity<Macro>(b =>
        {
            b.Property(m => m.Id).ValueGeneratedNever();
            b.Property(m => m.Name).HasMaxLength(Macro.NameMaxLength);
            b.Property(m => m.Type).HasMaxLength(10);
            b.Property(m => m.Template).HasMaxLength(Macro.TemplateMaxLength);
            b.Property(m => m.UpdatedBy).HasMaxLength(256);
            b.HasIndex(m => m.Name).IsUnique();
            b.HasData(Macros.Defaults.Select(m => new { m.Id, m.Name, m.Type, m.Template, m.UpdatedBy, m.UpdatedAt }));
        });
    }
}
