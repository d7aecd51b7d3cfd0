using Microsoft.Extensions.Options;
using TrustDesk.Identity;

namespace TrustDesk.Security;

/// <summary>
/// Refuses writes a browser sends on behalf of another site. A request that changes something (any method but GET,
/// HEAD, OPTIONS, TRACE) without an <c>Authorization</c> header rides on the session cookie — or is a sign-in — so it
/// must come from this origin: <c>Sec-Fetch-Site</c> must say <c>same-origin</c> (or <c>none</c>, typed by the user), and
/// an <c>Origin</c> header must be this site's. Browsers send at least one of them on every such request; clients that
/// send neither are not browsers and cannot be tricked into it. API keys and personal tokens (bearer headers) are never
/// checked: a page on another site cannot attach them. <c>SameSite=Strict</c> on the cookie is the first line; this is
/// the second, for browsers or set-ups where SameSite does not hold (a sibling sub-domain is "same-site").
/// </summary>
public sealed class CrossSiteWriteProtection(RequestDelegate next, IOptions<WebSecuritySettings> settings)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method) || request.Headers.Authorization.Count > 0 || IsSameOrigin(request))
        {
            await next(context);
            return;
        }

        await AuthProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused.",
            "A write with the session cookie must come from a TrustDesk page. Scripts send Authorization: Bearer <token> instead.");
    }

    private bool IsSameOrigin(HttpRequest request)
    {
        string? fetchSite = request.Headers["Sec-Fetch-Site"];
        if (!string.IsNullOrEmpty(fetchSite) && fetchSite is not ("same-origin" or "none"))
        {
            return false;
        }

        string? origin = request.Headers.Origin;
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        var own = request.Scheme + "://" + request.Host.Value;
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
            || settings.Value.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase);
    }
}
