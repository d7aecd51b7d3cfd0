using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TrustDesk.Cases;

namespace TrustDesk.Metrics;

public static class MetricsServices
{
    /// <summary>
    /// Rollups kept with every case change, the overview, and OpenTelemetry for the ops stack. Call after <c>AddSla</c>: the
    /// rollups count the targets it met.
    /// </summary>
    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section));
        services.AddSingleton<ICaseChangeObserver, KeepRollups>();
        services.AddSingleton<ICaseChangeObserver, ScheduleCsatSurveys>();
        services.AddScoped<AnswerCsatSurvey>();
        services.AddSingleton<IConversationSurveys, ConversationSurveys>();
        services.AddSingleton<SendCsatSurveys>();
        services.AddHostedService(provider => provider.GetRequiredService<SendCsatSurveys>());
        services.AddScoped<RebuildRollups>();
        services.AddScoped<GetOverview>();
        services.AddScoped<ListMetricCases>();
        services.AddScoped<LoadDashboard>();
        services.AddScoped<LoadTrustSafety>();
        services.AddScoped<LoadMonitor>();
        services.AddSingleton<RaiseMonitorAlerts>();
        services.AddHostedService(provider => provider.GetRequiredService<RaiseMonitorAlerts>());
        services.AddSingleton<SampleQueueSizes>();
        services.AddHostedService(provider => provider.GetRequiredService<SampleQueueSizes>());

        var options = configuration.GetSection(MetricsOptions.Section).Get<MetricsOptions>() ?? new MetricsOptions();
        services.AddSingleton<IAuthorizationHandler, ScrapeAccessHandler>();
        services.AddAuthorizationBuilder().AddPolicy(ScrapeRequirement.Policy, policy => policy.AddRequirements(new ScrapeRequirement()));
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("trustdesk"));
        telemetry.WithMetrics(metrics =>
        {
            // Ours (cases, intake, triage, webhooks) and ASP.NET Core's request durations.
            metrics.AddMeter("TrustDesk.*", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel");
            if (options.Prometheus.Enabled)
            {
                metrics.AddPrometheusExporter();
            }

            if (options.OtlpEndpoint is { Length: > 0 } endpoint)
            {
                metrics.AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint));
            }
        });
        if (options.OtlpEndpoint is { Length: > 0 } traces)
        {
            // Traces only go somewhere when a collector is configured; otherwise nothing is recorded at all.
            telemetry.WithTracing(tracing => tracing.AddAspNetCoreInstrumentation().AddSource("TrustDesk.*")
                .AddOtlpExporter(otlp => otlp.Endpoint = new Uri(traces)));
        }

        return services;
    }

    /// <summary>The Prometheus scrape endpoint, where configured (<see cref="PrometheusOptions"/>).</summary>
    public static IEndpointRouteBuilder MapPrometheus(this IEndpointRouteBuilder app)
    {
        var prometheus = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value.Prometheus;
        if (!prometheus.Enabled)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(prometheus.Path).WithName("ScrapeMetrics").RequireAuthorization(ScrapeRequirement.Policy);
        if (prometheus.Port is { } port)
        {
            // Found on the management port only (the handler then checks the connection's own port, not the Host header).
            endpoint.RequireHost($"*:{port}");
        }

        return app;
    }
}
