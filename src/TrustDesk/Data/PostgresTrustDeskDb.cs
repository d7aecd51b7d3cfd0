using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using TrustDesk.Cases;

namespace TrustDesk.Data;

/// <summary>TrustDesk on PostgreSQL: for production and for several nodes over one database.</summary>
public sealed class PostgresTrustDeskDb(DbContextOptions<PostgresTrustDeskDb> options, IHttpContextAccessor? httpContextAccessor = null)
    : TrustDeskDb(options, httpContextAccessor)
{
    /// <summary>The text search configuration of the expression indexes; queries must name the same one to use them.</summary>
    public const string TextSearchConfig = "english";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Case>().HasIndex(c => c.Title).HasMethod("GIN").IsTsVectorExpressionIndex(TextSearchConfig)
            .HasDatabaseName("IX_Cases_Title_Search");
        builder.Entity<Message>().HasIndex(m => m.Text).HasMethod("GIN").IsTsVectorExpressionIndex(TextSearchConfig)
            .HasDatabaseName("IX_Messages_Text_Search");
    }
}

public sealed class PostgresTrustDeskDbDesignFactory : IDesignTimeDbContextFactory<PostgresTrustDeskDb>
{
    public PostgresTrustDeskDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTrustDeskDb>().UseNpgsql("Host=localhost;Database=trustdesk_design").Options);
}
