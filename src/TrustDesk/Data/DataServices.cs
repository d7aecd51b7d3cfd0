using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TrustDesk.Data;

public static class DataServices
{
    /// <summary>Registers <see cref="TrustDeskDb"/> over SQLite (default) or PostgreSQL, as configured.</summary>
    public static IServiceCollection AddData(this IServiceCollection services, IConfiguration configuration)
    {
        var database = configuration.GetSection("TrustDesk:Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.Configure<DatabaseOptions>(configuration.GetSection("TrustDesk:Database"));
        services.Configure<TrustDeskOptions>(configuration.GetSection("TrustDesk"));

        // Pooled: every request scope that takes the context (authentication, intake) and every group commit would
        // otherwise build one and its internal services from scratch. Contexts are reset on return; none keeps state.
        string? sqliteConnectionString = null;
        if (database.IsPostgres)
        {
            var connectionString = configuration.GetConnectionString("TrustDesk");
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "TrustDesk__Database__Provider is postgres but ConnectionStrings__TrustDesk is not set.");
            }

            services.AddSingleton<DatabaseOutages>();
            services.AddDbContextPool<TrustDeskDb, PostgresTrustDeskDb>((provider, options) => options.UseNpgsql(connectionString)
                .AddInterceptors(RowClaims.Interceptor.Instance, provider.GetRequiredService<DatabaseOutages>())
                // DatabaseOutages logs an outage once; EF Core would log every connection that failed meanwhile as an error
                // with its stack trace (a proxy polling /readyz makes one every few seconds).
                .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.ConnectionError, LogLevel.Debug))));
        }
        else
        {
            var dataDirectory = Path.GetFullPath(configuration["TrustDesk:DataDirectory"] ?? new TrustDeskOptions().DataDirectory);
            Directory.CreateDirectory(dataDirectory);
            sqliteConnectionString = new SqliteConnectionStringBuilder
            {
                DataSource = Path.Combine(dataDirectory, "trustdesk.db"),
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
            var settings = new SqliteConnectionSettings(database);
            services.AddDbContextPool<TrustDeskDb, SqliteTrustDeskDb>(options => options.UseSqlite(sqliteConnectionString).AddInterceptors(settings));
        }

        services.AddHostedService<DatabaseMigrator>();
        if (sqliteConnectionString is not null)
        {
            // Registered after the migrator, so the indexer starts on the migrated database.
            services.AddSingleton(provider => new SqliteSearchIndex(sqliteConnectionString, provider.GetRequiredService<ILogger<SqliteSearchIndex>>()));
            services.AddHostedService<SqliteSearchIndexer>();
            services.AddSingleton(provider => new SqliteCheckpointer(sqliteConnectionString, provider.GetRequiredService<ILogger<SqliteCheckpointer>>()));
            services.AddHostedService(provider => provider.GetRequiredService<SqliteCheckpointer>());
        }

        return services;
    }
}
