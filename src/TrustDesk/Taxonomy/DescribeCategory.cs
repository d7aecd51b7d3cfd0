using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Taxonomy;

/// <param name="Title">The label people see, such as "Account takeover".</param>
/// <param name="Description">What belongs in the category; empty to clear.</param>
public sealed record DescribeCategoryRequest(string? Title, string? Description);

/// <summary>Changes a category's label and description. Its code, which rules, webhooks and the API use, never changes.</summary>
public sealed class DescribeCategory(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time)
{
    public abstract record Result;
    public sealed record Saved(CategoryView Category) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    public async Task<Result> HandleAsync(string code, DescribeCategoryRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("title", request.Title?.Trim(), Category.TitleMaxLength);
        errors.MaxLength("description", request.Description?.Trim(), Category.DescriptionMaxLength);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var category = await db.Categories.FirstOrDefaultAsync(c => c.Code == code, cancellationToken);
        if (category is null)
        {
            return new NotFound();
        }

        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        category.Describe(request.Title!.Trim(), description);
        db.Audit(AuditRecords.By(caller, time.GetUtcNow().UtcDateTime, "category.changed", "category", code, category.Title, db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        catalog.Invalidate();
        return new Saved(TaxonomyEndpoints.ToView(category));
    }
}
