using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;
using TrustDesk.Queues;

namespace TrustDesk.Taxonomy;

/// <param name="Name">Lower-case letters, digits and dashes; given when creating, never changed after.</param>
/// <param name="Description">What waits in the queue.</param>
public sealed record QueueRequest(string? Name, string? Description);

/// <summary>Creates a queue, or changes a queue's description. The name is what categories and rules route by, so it stays.</summary>
public sealed partial class SaveQueue(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time)
{
    public abstract record Result;
    public sealed record Saved(QueueView Queue, bool Created) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();

    /// <param name="name">The queue being edited; null to create one.</param>
    public async Task<Result> HandleAsync(string? name, QueueRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("description", request.Description?.Trim(), Queue.DescriptionMaxLength);
        if (name is null)
        {
            errors.Required("name", request.Name, Queue.NameMaxLength);
            if (request.Name is { Length: > 0 and <= Queue.NameMaxLength } wanted && !QueueName().IsMatch(wanted))
            {
                errors.Add("name", "Lower-case letters, digits and dashes, such as \"live-response\".");
            }
        }
        else if (request.Name is not null && request.Name != name)
        {
            errors.Add("name", "A queue keeps its name (categories and rules route by it); create a new queue instead.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var description = request.Description!.Trim();
        Queue queue;
        if (name is null)
        {
            if (await db.Queues.AnyAsync(q => q.Name == request.Name, cancellationToken))
            {
                return new Invalid(new Dictionary<string, string[]> { ["name"] = [$"A queue named \"{request.Name}\" exists."] });
            }

            queue = new Queue(Guid.CreateVersion7(now), request.Name!, description);
            db.Queues.Add(queue);
        }
        else
        {
            var existing = await db.Queues.FirstOrDefaultAsync(q => q.Name == name, cancellationToken);
            if (existing is null)
            {
                return new NotFound();
            }

            queue = existing;
            queue.Describe(description);
        }

        db.Audit(AuditRecords.By(caller, now, name is null ? "queue.created" : "queue.changed", "queue", queue.Name, description, db.RequestIp));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (name is null)
        {
            return new Invalid(new Dictionary<string, string[]> { ["name"] = [$"A queue named \"{request.Name}\" exists."] });
        }

        catalog.Invalidate();
        return new Saved(new QueueView(queue.Id, queue.Name, queue.Description), name is null);
    }
}
