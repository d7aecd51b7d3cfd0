using TrustDesk.Api;

namespace TrustDesk.Subjects;

/// <summary>A reference to a platform object: its kind and the platform's id for it.</summary>
public sealed record SubjectRef(SubjectKind? Kind, string? ExternalId)
{
    public static void Validate(ValidationErrors errors, string field, SubjectRef? subject, bool required)
    {
        if (subject is null)
        {
            if (required)
            {
                errors.Add(field, "Required.");
            }

            return;
        }

        if (subject.Kind is null)
        {
            errors.Add($"{field}.kind", "Required: one of account, livestream, listing, order, shipment, payment.");
        }

        errors.Identifier($"{field}.externalId", subject.ExternalId, Subject.ExternalIdMaxLength);
    }
}
