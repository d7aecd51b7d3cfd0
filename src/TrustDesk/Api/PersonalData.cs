using System.Net;

namespace TrustDesk.Api;

/// <summary>
/// Masks personal data for people who have not asked to see it: <c>j***@example.com</c>, <c>+*******4567</c>,
/// <c>203.0.113.*</c>. Enough to tell two values apart at a glance, not enough to contact anyone.
/// </summary>
public static class PersonalData
{
    public static string? MaskEmail(string? email)
    {
        if (string.IsNullOrEmpty(email))
        {
            return email;
        }

        var at = email.LastIndexOf('@');
        return at <= 0 ? Mask(email) : email[0] + "***" + email[at..];
    }

    public static string? MaskPhone(string? phone)
    {
        if (string.IsNullOrEmpty(phone))
        {
            return phone;
        }

        var digits = phone.Count(char.IsAsciiDigit);
        var keep = digits > 6 ? 2 : 0;
        var seen = 0;
        return new string(phone.Select(c =>
        {
            if (!char.IsAsciiDigit(c))
            {
                return c;
            }

            seen++;
            return seen > digits - keep ? c : '*';
        }).ToArray());
    }

    public static string? MaskIp(string? ip)
    {
        if (string.IsNullOrEmpty(ip))
        {
            return ip;
        }

        if (IPAddress.TryParse(ip, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var parts = ip.Split('.');
            return $"{parts[0]}.{parts[1]}.*.*";
        }

        var colon = ip.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? ip[..colon] + ":*" : Mask(ip);
    }

    /// <summary>Anything else (device ids, addresses, fingerprints): the first two and last two characters.</summary>
    public static string Mask(string value) =>
        value.Length <= 6 ? new string('*', value.Length) : value[..2] + new string('*', Math.Min(value.Length - 4, 8)) + value[^2..];

    /// <summary>A free-text name that is really an email address (a contact who gave no name) is masked like one.</summary>
    public static string MaskIfEmail(string name) => name.Contains('@', StringComparison.Ordinal) ? MaskEmail(name)! : name;
}
