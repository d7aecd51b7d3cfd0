using OtpNet;

namespace TrustDesk.Identity;

/// <summary>
/// RFC 6238 codes (30 s, 6 digits, SHA-1: what every authenticator app does) checked against <see cref="TimeProvider"/>,
/// one step of drift either way. The matched step is returned so a code is accepted once only.
/// </summary>
public static class Totp
{
    public const string Issuer = "TrustDesk";

    public static bool TryVerify(string base32Key, string? code, DateTime now, long lastUsedStep, out long matchedStep)
    {
        matchedStep = 0;
        code = code?.Replace(" ", "", StringComparison.Ordinal);
        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return false;
        }

        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(base32Key));
        return totp.VerifyTotp(now, code, out matchedStep, new VerificationWindow(previous: 1, future: 1)) && matchedStep > lastUsedStep;
    }

    /// <summary>The code for a moment: tests and the demo compute codes with it.</summary>
    public static string Compute(string base32Key, DateTime at) => new OtpNet.Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp(at);

    public static string EnrolmentUri(string base32Key, string email) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={base32Key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
}
