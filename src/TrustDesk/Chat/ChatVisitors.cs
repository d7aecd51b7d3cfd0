using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>
/// Visitor tokens: random, shown once, stored as a SHA-256 hash. A request names its session in the path and proves it
/// with the token; a token of another session, or none that matches, finds nothing (404), so a visitor can neither
/// read another's conversation nor learn that it exists.
/// </summary>
public static class ChatVisitors
{
    public const string TokenPrefix = "tdv_";

    public static (string Token, string Hash) NewToken()
    {
        var token = TokenPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The bearer token of the request, or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The session, when <paramref name="token"/> is its token.</summary>
    public static async Task<ChatSession?> FindAsync(TrustDeskDb db, Guid sessionId, string? token, bool tracked, CancellationToken cancellationToken)
    {
        if (token is null || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
        {
            return null;
        }

        var query = tracked ? db.ChatSessions : db.ChatSessions.AsNoTracking();
        var session = await query.FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        return session is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.TokenHash), Encoding.ASCII.GetBytes(Hash(token)))
            ? session
            : null;
    }
}
