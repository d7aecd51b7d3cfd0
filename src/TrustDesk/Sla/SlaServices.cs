using TrustDesk.Cases;

namespace TrustDesk.Sla;

public static class SlaServices
{
    public static IServiceCollection AddSla(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SlaOptions>().Bind(configuration.GetSection(SlaOptions.Section));
        services.AddSingleton<SlaPolicies>();
        services.AddSingleton<SlaClock>();
        services.AddSingleton<ICaseChangeObserver, KeepSlaClocks>();
        if (configuration.GetValue("Sla:MonitorEnabled", true))
        {
            services.AddSingleton<SlaMonitor>();
            services.AddHostedService(sp => sp.GetRequiredService<SlaMonitor>());
        }

        return services;
    }
}
