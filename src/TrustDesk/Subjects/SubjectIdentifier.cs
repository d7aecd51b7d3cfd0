using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
using System.Text.Json.Serialization;
using TrustDesk.Api;

namespace TrustDesk.Subjects;

[JsonConverter(typeof(SnakeCaseEnumConverter<IdentifierType>))]
public enum IdentifierType
{
    Device,
    Ip,
    PaymentFingerprint,
    AddressHash,
    Phone,
    Email,

    /// <summary>A carrier tracking number, on shipments: one number on two shipments is fake or recycled tracking.</summary>
    TrackingNumber,
}

/// <summary>
/// Something that identifies the person behind an account. Two accounts sharing one are linked: this is the
/// linked-accounts graph.
/// </summary>
public sealed class SubjectIdentifier
{
    public const int ValueMaxLength = 256;

    private SubjectIdentifier()
    {
    }

    internal SubjectIdentifier(Guid subjectId, IdentifierType type, string value, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        SubjectId = subjectId;
        Type = type;
        Value = value;
        FirstSeenAt = now;
    }

    public Guid Id { get; private set; }
    public Guid SubjectId { get; private set; }
    public IdentifierType Type { get; private set; }
    public string Value { get; private set; } = "";
    public DateTime FirstSeenAt { get; private set; }

    /// <summary>Normalised so that the same identifier written two ways links: emails lower-cased, phones digits only.</summary>
    public static string Normalise(IdentifierType type, string value)
    {
        var trimmed = value.Trim();
        return type switch
        {
            IdentifierType.Email => trimmed.ToLowerInvariant(),
            IdentifierType.Phone => new string(trimmed.Where(c => char.IsAsciiDigit(c) || c == '+').ToArray()),
            IdentifierType.TrackingNumber => new string(trimmed.Where(char.IsAsciiLetterOrDigit).ToArray()).ToUpperInvariant(),
            IdentifierType.Ip or IdentifierType.Device or IdentifierType.AddressHash or IdentifierType.PaymentFingerprint => trimmed.ToLowerInvariant(),
            _ => trimmed,
        };
    }
}

public static class SubjectIdentifierNames
{
    /// <summary>The snake_case name the API and the rules use: <c>payment_fingerprint</c>.</summary>
    public static string Of(IdentifierType type) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString());
}

/// <summary>How <see cref="SubjectIdentifier"/> is stored.</summary>
internal sealed class SubjectIdentifierConfiguration : IEntityTypeConfiguration<SubjectIdentifier>
{
    public void Configure(EntityTypeBuilder<SubjectIdentifier> b)
    {
        b.ToTable("SubjectIdentifiers");
        b.Property(i => i.Id).ValueGeneratedNever();
        b.Property(i => i.Type).HasConversion<string>().HasMaxLength(24);
        b.Property(i => i.Value).HasMaxLength(SubjectIdentifier.ValueMaxLength);
        b.HasIndex(i => new { i.Type, i.Value });
        b.HasIndex(i => new { i.SubjectId, i.Type, i.Value }).IsUnique();
    }
}
