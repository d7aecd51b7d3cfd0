using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace TrustDesk.Security;

/// <summary>
/// The HTTP-level defences every request passes: forwarded headers from known proxies only, security headers, no
/// cross-site writes, and 415 (not 401) for a body of the wrong type. Registered once in <c>TrustDeskApp</c>.
/// </summary>
public static class WebSecurity
{
    public static IServiceCollection AddWebSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(WebSecuritySettings.Section);
        services.Configure<WebSecuritySettings>(section);
        var settings = section.Get<WebSecuritySettings>() ?? new WebSecuritySettings();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only what the operator names counts.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in settings.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    public static WebApplication UseWebSecurity(this WebApplication app)
    {
        var settings = app.Configuration.GetSection(WebSecuritySettings.Section).Get<WebSecuritySettings>() ?? new WebSecuritySettings();
        // With no proxy named, the middleware would believe any sender (empty lists mean "no check"): leave it out.
        if (settings.KnownProxies.Count > 0 || settings.KnownNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<CrossSiteWriteProtection>();
        app.UseMiddleware<UnsupportedMediaType>();
        return app;
    }
}
