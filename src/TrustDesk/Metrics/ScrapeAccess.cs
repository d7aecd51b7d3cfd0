using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using TrustDesk.Identity;

namespace TrustDesk.Metrics;

/// <summary>
/// Who may read <c>/metrics</c>: a caller with <c>metrics.read</c> (a bearer key with the <c>metrics:read</c> scope, as
/// Prometheus sends one, or a Lead's or Admin's session); on the management port anyone who reached it; a local scraper
/// when allowed. The figures are counts, no personal data, but volumes and breaches are not for the internet.
/// </summary>
public sealed class ScrapeRequirement : IAuthorizationRequirement
{
    public const string Policy = "metrics-scrape";
}

public sealed class ScrapeAccessHandler(IOptions<MetricsOptions> options) : AuthorizationHandler<ScrapeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScrapeRequirement requirement)
    {
        var prometheus = options.Value.Prometheus;
        var http = context.Resource as HttpContext;
        if (prometheus.Port is { } port)
        {
            // The socket's own port, not the Host header (which the route's host match reads and a caller can write).
            if (http?.Connection.LocalPort == port)
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }

        if (context.User.Has(Permissions.MetricsRead) || (prometheus.AllowLoopback && http is not null && IsLocalScraper(http)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private static bool IsLocalScraper(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("Forwarded");
}
