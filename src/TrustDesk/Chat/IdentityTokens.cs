using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TrustDesk.Chat;

/// <summary>The platform user an identity token vouches for.</summary>
public sealed record PlatformIdentity(string Platform, string UserId, string? Name, string? Email);

/// <summary>
/// Platform-signed identity tokens: a compact JWT signed with HS256 (every platform language has HMAC-SHA256; many
/// have a JWT library too), <c>iss</c> naming the platform whose secret signed it, <c>sub</c> the user's account id
/// there, <c>exp</c> required. Nothing but HS256 is accepted, so a token cannot pick a weaker algorithm or "none".
/// </summary>
public sealed class IdentityTokens(IOptionsMonitor<ChatOptions> options, TimeProvider time)
{
    public const int MaxTokenLength = 4_096;
    public const int MinSecretBytes = 32;

    /// <summary>Tokens live an hour at most, however far their <c>exp</c> says: a leaked one is worth little.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(2);

    public PlatformIdentity? Verify(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64UrlDecode(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
            {
                return null;
            }

            var payloadBytes = Base64UrlDecode(parts[1]);
            using var payload = JsonDocument.Parse(payloadBytes);
            var root = payload.RootElement;
            var platform = root.TryGetProperty("iss", out var iss) && iss.ValueKind == JsonValueKind.String ? iss.GetString() : null;
            if (platform is null || !options.CurrentValue.Platforms.TryGetValue(platform, out var settings)
                || Encoding.UTF8.GetByteCount(settings.Secret) < MinSecretBytes)
            {
                return null;
            }

            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(settings.Secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64UrlDecode(parts[2])))
            {
                return null;
            }

            var now = time.GetUtcNow();
            if (!root.TryGetProperty("exp", out var exp) || exp.ValueKind != JsonValueKind.Number
                || DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) < now - Skew
                || DateTimeOffset.FromUnixTimeSeconds(exp.GetInt64()) > now + MaxLifetime + Skew)
            {
                return null;
            }

            if (root.TryGetProperty("iat", out var iat) && iat.ValueKind == JsonValueKind.Number
                && DateTimeOffset.FromUnixTimeSeconds(iat.GetInt64()) > now + Skew)
            {
                return null;
            }

            var subject = root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;
            if (string.IsNullOrWhiteSpace(subject) || subject.Length > 128)
            {
                return null;
            }

            return new PlatformIdentity(platform, subject, Text(root, "name", ChatSession.NameMaxLength), Text(root, "email", ChatSession.EmailMaxLength));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException or OverflowException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Signs a token as a platform would (the demo page, tests, the bench).</summary>
    public static string Sign(string platform, string secret, string userId, string? name, string? email, DateTimeOffset expires)
    {
        var header = Base64UrlEncode("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray());
        var payload = Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["iss"] = platform,
            ["sub"] = userId,
            ["name"] = name,
            ["email"] = email,
            ["exp"] = expires.ToUnixTimeSeconds(),
        }));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64UrlEncode(signature);
    }

    private static string? Text(JsonElement root, string name, int max) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? (text.Length <= max ? text.Trim() : text[..max].Trim())
            : null;

    private static byte[] Base64UrlDecode(string text) => Base64Url.DecodeFromChars(text);

    private static string Base64UrlEncode(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
