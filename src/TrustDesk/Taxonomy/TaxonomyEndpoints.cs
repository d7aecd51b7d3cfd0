using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;

namespace TrustDesk.Taxonomy;

public sealed record CategoryView(string Code, string Title, Severity DefaultSeverity, string DefaultQueue, IReadOnlyList<string> Departments, bool Restricted);

public sealed record QueueView(Guid Id, string Name, string Description);

public static class TaxonomyEndpoints
{
    public static IServiceCollection AddTaxonomy(this IServiceCollection services) => services.AddSingleton<CategoryCatalog>();

    public static IEndpointRouteBuilder MapTaxonomyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Taxonomy");

        api.MapGet("/categories", async Task<Ok<List<CategoryView>>> (CategoryCatalog catalog, CancellationToken cancellationToken) =>
            {
                var snapshot = await catalog.GetAsync(cancellationToken);
                return TypedResults.Ok(snapshot.Categories.Values.OrderBy(c => c.Code, StringComparer.Ordinal)
                    .Select(c => new CategoryView(c.Code, c.Title, c.DefaultSeverity, c.DefaultQueue,
                        c.Departments.Split(',', StringSplitOptions.RemoveEmptyEntries), c.Restricted))
                    .ToList());
            })
            .RequirePermission(Permissions.TaxonomyRead)
            .WithName("ListCategories")
            .WithSummary("The taxonomy: category codes with their default severity and queue");

        api.MapGet("/queues", async Task<Ok<List<QueueView>>> (CategoryCatalog catalog, CancellationToken cancellationToken) =>
            {
                var snapshot = await catalog.GetAsync(cancellationToken);
                return TypedResults.Ok(snapshot.QueuesById.Values.OrderBy(q => q.Name, StringComparer.Ordinal)
                    .Select(q => new QueueView(q.Id, q.Name, q.Description)).ToList());
            })
            .RequirePermission(Permissions.TaxonomyRead)
            .WithName("ListQueues")
            .WithSummary("The queues");

        return app;
    }
}
