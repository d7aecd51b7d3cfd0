using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;

namespace TrustDesk.Taxonomy;

public sealed record CategoryView(string Code, string Title, Severity DefaultSeverity, string DefaultQueue, IReadOnlyList<string> Departments, bool Restricted,
    string? Description);

public sealed record QueueView(Guid Id, string Name, string Description);

public static class TaxonomyEndpoints
{
    public static IServiceCollection AddTaxonomy(this IServiceCollection services) =>
        services.AddSingleton<CategoryCatalog>().AddScoped<SaveQueue>().AddScoped<DescribeCategory>();

    public static IEndpointRouteBuilder MapTaxonomyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Taxonomy");

        api.MapGet("/categories", async Task<Ok<List<CategoryView>>> (CategoryCatalog catalog, CancellationToken cancellationToken) =>
                TypedResults.Ok(await ListCategoriesAsync(catalog, cancellationToken)))
            .RequirePermission(Permissions.TaxonomyRead)
            .WithName("ListCategories")
            .WithSummary("The taxonomy: category codes with their label, description, default severity and queue");

        api.MapPatch("/categories/{code}", async Task<Results<Ok<CategoryView>, NotFound, ValidationProblem>> (
                string code, DescribeCategoryRequest request, ClaimsPrincipal user, DescribeCategory describe, CancellationToken cancellationToken) =>
                await describe.HandleAsync(code, request, user, cancellationToken) switch
                {
                    DescribeCategory.Saved saved => TypedResults.Ok(saved.Category),
                    DescribeCategory.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.TaxonomyManage)
            .WithName("DescribeCategory")
            .WithSummary("Change a category's label and description (its code stays)");

        api.MapGet("/queues", async Task<Ok<List<QueueView>>> (CategoryCatalog catalog, CancellationToken cancellationToken) =>
                TypedResults.Ok(await ListQueuesAsync(catalog, cancellationToken)))
            .RequirePermission(Permissions.TaxonomyRead)
            .WithName("ListQueues")
            .WithSummary("The queues");

        api.MapPost("/queues", async Task<Results<Created<QueueView>, ValidationProblem>> (
                QueueRequest request, ClaimsPrincipal user, SaveQueue save, CancellationToken cancellationToken) =>
                await save.HandleAsync(null, request, user, cancellationToken) switch
                {
                    SaveQueue.Saved saved => TypedResults.Created($"/api/v1/queues/{Uri.EscapeDataString(saved.Queue.Name)}", saved.Queue),
                    SaveQueue.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => throw new InvalidOperationException("Unexpected result."),
                })
            .RequirePermission(Permissions.TaxonomyManage)
            .WithName("CreateQueue")
            .WithSummary("Add a queue: a name (lower-case, digits, dashes; it never changes) and a description");

        api.MapPatch("/queues/{name}", async Task<Results<Ok<QueueView>, NotFound, ValidationProblem>> (
                string name, QueueRequest request, ClaimsPrincipal user, SaveQueue save, CancellationToken cancellationToken) =>
                await save.HandleAsync(name, request, user, cancellationToken) switch
                {
                    SaveQueue.Saved saved => TypedResults.Ok(saved.Queue),
                    SaveQueue.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
                    _ => TypedResults.NotFound(),
                })
            .RequirePermission(Permissions.TaxonomyManage)
            .WithName("EditQueue")
            .WithSummary("Change a queue's description");

        return app;
    }

    public static async Task<List<CategoryView>> ListCategoriesAsync(CategoryCatalog catalog, CancellationToken cancellationToken) =>
        [.. (await catalog.GetAsync(cancellationToken)).Categories.Values.OrderBy(c => c.Code, StringComparer.Ordinal).Select(ToView)];

    public static async Task<List<QueueView>> ListQueuesAsync(CategoryCatalog catalog, CancellationToken cancellationToken) =>
        [.. (await catalog.GetAsync(cancellationToken)).QueuesById.Values.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => new QueueView(q.Id, q.Name, q.Description))];

    internal static CategoryView ToView(Category c) =>
        new(c.Code, c.Title, c.DefaultSeverity, c.DefaultQueue, c.Departments.Split(',', StringSplitOptions.RemoveEmptyEntries), c.Restricted, c.Description);
}
