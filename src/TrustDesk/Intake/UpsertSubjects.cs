using TrustDesk.Subjects;
using System.Text.Json;
using TrustDesk.Api;

namespace TrustDesk.Intake;

/// <summary>A link from this subject to another: <c>host_of</c>, <c>bought</c>, <c>sold</c>, <c>ships</c>...</summary>
public sealed record SubjectLinkRequest(string? Relation, SubjectKind? Kind, string? ExternalId);

/// <summary>An identifier of the person behind an account (device, ip, payment_fingerprint, address_hash, phone, email).</summary>
public sealed record SubjectIdentifierRequest(IdentifierType? Type, string? Value);

/// <summary>The platform's view of one object.</summary>
/// <param name="DisplayName">How agents see it: a handle, a stream title, an order number.</param>
/// <param name="CreatedAt">When the object was created on the platform.</param>
/// <param name="Attributes">Free fields (JSON object), replaced as a whole when sent.</param>
/// <param name="Links">Links to other subjects; added, never removed by an upsert.</param>
/// <param name="Identifiers">Identifiers; added, never removed by an upsert.</param>
/// <param name="Status">The platform's status: active, restricted, suspended, banned or closed.</param>
public sealed record UpsertSubjectRequest(
    string? DisplayName,
    DateTimeOffset? CreatedAt,
    JsonElement? Attributes,
    IReadOnlyList<SubjectLinkRequest>? Links,
    IReadOnlyList<SubjectIdentifierRequest>? Identifiers,
    string? Status = null);

/// <summary>One item of a batch upsert: the subject's key and its fields.</summary>
public sealed record UpsertSubjectBatchItem(
    SubjectKind? Kind,
    string? ExternalId,
    string? DisplayName,
    DateTimeOffset? CreatedAt,
    JsonElement? Attributes,
    IReadOnlyList<SubjectLinkRequest>? Links,
    IReadOnlyList<SubjectIdentifierRequest>? Identifiers,
    string? Status = null);

public sealed record UpsertSubjectsBatchRequest(IReadOnlyList<UpsertSubjectBatchItem>? Items);

public sealed record UpsertedSubject(Guid Id, SubjectKind Kind, string ExternalId, bool Created);

public sealed record UpsertSubjectsResponse(IReadOnlyList<UpsertedSubject> Items);

/// <summary>Creates or updates platform objects with their links and identifiers, in one commit.</summary>
public sealed class UpsertSubjects(IntakeWriter writer)
{
    public const int MaxBatch = 500;
    public const int MaxLinks = 100;
    public const int MaxIdentifiers = 50;
    public const int MaxAttributesBytes = 16_384;

    public abstract record Result;
    public sealed record Upserted(UpsertSubjectsResponse Response) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(IReadOnlyList<UpsertSubjectBatchItem>? items, bool single, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!single)
        {
            errors.Count("items", items, 1, MaxBatch);
        }

        for (var i = 0; items is not null && i < items.Count && i < MaxBatch; i++)
        {
            Validate(errors, single ? "" : $"items[{i}].", items[i], single);
        }

        if (errors.Any || items is null)
        {
            return new Invalid(errors.ToDictionary());
        }

        var outcome = await writer.SubmitAsync(new SubjectsWork(items), cancellationToken);
        return new Upserted(new UpsertSubjectsResponse(outcome));
    }

    private static void Validate(ValidationErrors errors, string prefix, UpsertSubjectBatchItem item, bool single)
    {
        var keyPrefix = single ? "route." : prefix;
        if (item.Kind is null)
        {
            errors.Add($"{keyPrefix}kind", "Required: one of account, livestream, listing, order, shipment, payment.");
        }

        errors.Identifier($"{keyPrefix}externalId", item.ExternalId, Subject.ExternalIdMaxLength);
        errors.MaxLength($"{prefix}displayName", item.DisplayName, Subject.DisplayNameMaxLength);
        errors.JsonObject($"{prefix}attributes", item.Attributes, MaxAttributesBytes);
        if (item.Status is not null && !Subject.Statuses.Contains(item.Status))
        {
            errors.Add($"{prefix}status", $"One of {string.Join(", ", Subject.Statuses)}.");
        }

        errors.Count($"{prefix}links", item.Links, 0, MaxLinks);
        for (var j = 0; item.Links is not null && j < item.Links.Count && j < MaxLinks; j++)
        {
            var link = item.Links[j];
            errors.Identifier($"{prefix}links[{j}].relation", link.Relation, SubjectLink.RelationMaxLength);
            if (link.Kind is null)
            {
                errors.Add($"{prefix}links[{j}].kind", "Required.");
            }

            errors.Identifier($"{prefix}links[{j}].externalId", link.ExternalId, Subject.ExternalIdMaxLength);
            if (link.Kind == item.Kind && link.ExternalId == item.ExternalId)
            {
                errors.Add($"{prefix}links[{j}]", "A subject cannot link to itself.");
            }
        }

        errors.Count($"{prefix}identifiers", item.Identifiers, 0, MaxIdentifiers);
        for (var j = 0; item.Identifiers is not null && j < item.Identifiers.Count && j < MaxIdentifiers; j++)
        {
            var identifier = item.Identifiers[j];
            if (identifier.Type is null)
            {
                errors.Add($"{prefix}identifiers[{j}].type", "Required: one of device, ip, payment_fingerprint, address_hash, phone, email, tracking_number.");
            }

            errors.Required($"{prefix}identifiers[{j}].value", identifier.Value, SubjectIdentifier.ValueMaxLength);
        }
    }

    private sealed class SubjectsWork(IReadOnlyList<UpsertSubjectBatchItem> items) : IntakeWork<IReadOnlyList<UpsertedSubject>>
    {
        private List<UpsertedSubject> _upserted = [];

        internal override void Collect(IntakeBatch.Needs needs)
        {
            foreach (var item in items)
            {
                needs.SubjectWithGraph(item.Kind!.Value, item.ExternalId!);
                foreach (var link in item.Links ?? [])
                {
                    needs.Subject(link.Kind!.Value, link.ExternalId!);
                }
            }
        }

        internal override void Apply(IntakeBatch batch)
        {
            _upserted = new List<UpsertedSubject>(items.Count);
            foreach (var item in items)
            {
                var subject = batch.GetOrCreateSubject(item.Kind!.Value, item.ExternalId!, out var created);
                var attributes = item.Attributes is { ValueKind: JsonValueKind.Object } element ? element.GetRawText() : null;
                subject.Update(item.DisplayName, item.CreatedAt?.UtcDateTime, attributes, item.Status, batch.Now);
                foreach (var link in item.Links ?? [])
                {
                    var target = batch.GetOrCreateSubject(link.Kind!.Value, link.ExternalId!);
                    subject.Link(link.Relation!.Trim(), target.Id, batch.Now);
                }

                foreach (var identifier in item.Identifiers ?? [])
                {
                    subject.Identify(identifier.Type!.Value, identifier.Value!, batch.Now);
                }

                _upserted.Add(new UpsertedSubject(subject.Id, subject.Kind, subject.ExternalId, created));
            }
        }

        protected override IReadOnlyList<UpsertedSubject> BuildOutcome() => _upserted;
    }
}
