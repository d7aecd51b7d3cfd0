using System.Globalization;
using Microsoft.Extensions.Options;

namespace TrustDesk.Security;

/// <summary>
/// Headers on every answer: no MIME sniffing, no referrer to other sites, no framing, and on console pages a
/// Content-Security-Policy that allows scripts from this origin only — the console has no inline script (Blazor's
/// <c>blazor.web.js</c>, MudBlazor's and our own <c>console.js</c> are files). Styles keep <c>'unsafe-inline'</c>: MudBlazor
/// and Blazor's reconnect dialog set style attributes, and a style cannot run code. HSTS goes out over HTTPS only
/// (behind a proxy, once the proxy is configured as known, so <c>X-Forwarded-Proto</c> counts).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, IOptions<WebSecuritySettings> settings)
{
    public const string ConsolePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The API reference page (Scalar) runs an inline bootstrap script; it shows public documentation, so it only may not be framed.
    private const string ReferencePolicy = "frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        // At the start of the answer, so an error page that cleared the headers gets them too.
        context.Response.OnStarting(() =>
        {
            Apply(context);
            return Task.CompletedTask;
        });
        return next(context);
    }

    private void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        // An endpoint that sandboxes its response keeps its own policy (attachments are served under "sandbox"); Blazor's
        // default ("frame-ancestors 'self'") is replaced by the stricter one below.
        if (!headers.ContentSecurityPolicy.ToString().Contains("sandbox", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/reference", StringComparison.OrdinalIgnoreCase)
                ? ReferencePolicy : ConsolePolicy;
        }
        if (context.Request.IsHttps && settings.Value.HstsMaxAge > TimeSpan.Zero)
        {
            headers.StrictTransportSecurity = "max-age=" + ((long)settings.Value.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }
    }
}
