namespace TrustDesk.Security;

/// <summary>Settings under <c>TrustDesk:Security</c>: the reverse proxy, extra allowed origins, HSTS.</summary>
public sealed class WebSecuritySettings
{
    public const string Section = "TrustDesk:Security";

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed. Empty: the
    /// headers are ignored from everyone, so nobody can claim another address or HTTPS.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies, in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// Origins besides the request's own (<c>scheme://host</c>) that may send cookie-authenticated writes: for a proxy that
    /// does not pass the original Host header on. Normally empty.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>The <c>Strict-Transport-Security</c> max-age sent over HTTPS; zero sends none.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}
