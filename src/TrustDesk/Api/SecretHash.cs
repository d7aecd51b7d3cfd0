using System.Security.Cryptography;
using System.Text;

namespace TrustDesk.Api;

/// <summary>
/// How every bearer secret (API keys, personal tokens, session cookies) is stored: its SHA-256. The secrets are random
/// and long, so a fast hash is enough; only the hash is kept, and look-ups are by hash.
/// </summary>
public static class SecretHash
{
    public static string Of(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
