using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TrustDesk.Data;

/// <summary>TrustDesk on PostgreSQL: for production and for several nodes over one database.</summary>
public sealed class PostgresTrustDeskDb(DbContextOptions<PostgresTrustDeskDb> options, IHttpContextAccessor? httpContextAccessor = null)
    : TrustDeskDb(options, httpContextAccessor)
{
    /// <summary>The text search configuration of the expression indexes; queries must name the same one to use them.</summary>
    public const string TextSearchConfig = "english";

    public override bool SharedByNodes => true;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var entityType in modelBuilder.Model.GetEntityTypes().ToList())
        {
            foreach (var property in entityType.GetProperties().Where(p => p.PropertyInfo is not null))
            {
                if (property.PropertyInfo!.GetCustomAttributes(typeof(FullTextSearchedAttribute), inherit: false) is [FullTextSearchedAttribute searched])
                {
                    modelBuilder.Entity(entityType.ClrType).HasIndex(property.Name).HasMethod("GIN").IsTsVectorExpressionIndex(TextSearchConfig)
                        .HasDatabaseName(searched.IndexName);
                }
            }
        }
    }
}

public sealed class PostgresTrustDeskDbDesignFactory : IDesignTimeDbContextFactory<PostgresTrustDeskDb>
{
    public PostgresTrustDeskDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresTrustDeskDb>().UseNpgsql("Host=localhost;Database=trustdesk_design").Options);
}
