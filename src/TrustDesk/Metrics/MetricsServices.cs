using TrustDesk.Cases;

namespace TrustDesk.Metrics;

public static class MetricsServices
{
    /// <summary>Rollups kept with every case change. Call after <c>AddSla</c>: the rollups count the targets it met.</summary>
    public static IServiceCollection AddMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ICaseChangeObserver, KeepRollups>();
        services.AddScoped<RebuildRollups>();
        services.AddScoped<GetOverview>();
        return services;
    }
}
