using System.Text.Json.Serialization;

namespace TrustDesk.Taxonomy;

/// <summary>S1 is the most urgent. Stored as its number so that ordering by severity is ordering by the column.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    S1 = 1,
    S2 = 2,
    S3 = 3,
    S4 = 4,
}
