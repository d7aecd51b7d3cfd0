using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Taxonomy;

/// <summary>The taxonomy a platform reads: categories with their defaults, and the queues cases land in.</summary>
public sealed class TaxonomyApiTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task Categories_ListTheTaxonomyWithDefaults()
    {
        var client = await app.Factory.CreateApiClientAsync("cases:read");

        var json = await client.GetJsonAsync("/api/v1/categories");

        var selfHarm = json.EnumerateArray().Single(c => c.Str("code") == "safety.self_harm");
        Assert.Equal("S1", selfHarm.Str("defaultSeverity"));
        Assert.True(json.EnumerateArray().Single(c => c.Str("code") == "safety.minor").GetProperty("restricted").GetBoolean());
        Assert.Equal(36, json.GetArrayLength());
    }

    [Fact]
    public async Task Queues_ListEveryQueueACategoryRoutesTo()
    {
        var client = await app.Factory.CreateApiClientAsync("cases:read");

        var categories = await client.GetJsonAsync("/api/v1/categories");
        var queues = await client.GetJsonAsync("/api/v1/queues");

        var names = queues.EnumerateArray().Select(q => q.Str("name")).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("crisis", names);
        var routedTo = categories.EnumerateArray().Select(c => c.Str("defaultQueue")).Distinct(StringComparer.Ordinal).ToList();
        Assert.All(routedTo, queue => Assert.Contains(queue, names));
        Assert.Equal(names.Order(StringComparer.Ordinal), queues.EnumerateArray().Select(q => q.Str("name")));
    }
}
