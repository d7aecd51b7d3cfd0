using System.Net;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Api;

/// <summary>Health, readiness, the OpenAPI document and the migrations, against both providers.</summary>
public abstract class PlatformApiTests(TrustDeskFactory app)
{
    [Fact]
    public async Task Healthz_Anonymous_Returns200()
    {
        var response = await app.CreateClient().GetAsync("/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_DatabaseMigrated_Returns200()
    {
        var response = await app.CreateClient().GetAsync("/readyz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheApi()
    {
        var json = await app.CreateClient().GetJsonAsync("/openapi/v1.json");

        var paths = json.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/reports", "/api/v1/events", "/api/v1/cases", "/api/v1/cases/{id}", "/api/v1/cases/{id}/messages", "/api/v1/subjects/{kind}/{externalId}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task ApiReference_IsServed()
    {
        var response = await app.CreateClient().GetAsync("/api/reference/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("TrustDesk API", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        var client = await app.CreateApiClientAsync();

        var response = await client.GetAsync("/api/v1/nothing-here", TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Model_HasNoChangesWithoutAMigration()
    {
        var pending = await app.WithDbAsync(db => Task.FromResult(db.Database.HasPendingModelChanges()));

        Assert.False(pending, $"The model changed without a migration for {app.Provider}: run dotnet ef migrations add (see docs/architecture.md).");
    }
}

public sealed class SqlitePlatformApiTests(SqliteApp app) : PlatformApiTests(app.Factory), IClassFixture<SqliteApp>;

public sealed class PostgresPlatformApiTests(PostgresApp app) : PlatformApiTests(app.Factory), IClassFixture<PostgresApp>;
