using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrustDesk.Api;

/// <summary>Enums travel as snake_case strings (<c>pending_user</c>), and unknown names are rejected.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;
