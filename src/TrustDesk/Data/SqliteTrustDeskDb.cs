using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace TrustDesk.Data;

/// <summary>
/// TrustDesk on SQLite: the embedded default. Full-text search is two FTS5 tables kept by triggers (see the
/// AddFullTextSearch migration), so every writer keeps them current without knowing they exist.
/// </summary>
public sealed class SqliteTrustDeskDb(DbContextOptions<SqliteTrustDeskDb> options, IHttpContextAccessor? httpContextAccessor = null)
    : TrustDeskDb(options, httpContextAccessor);

public sealed class SqliteTrustDeskDbDesignFactory : IDesignTimeDbContextFactory<SqliteTrustDeskDb>
{
    public SqliteTrustDeskDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteTrustDeskDb>().UseSqlite("Data Source=design.db").Options);
}
