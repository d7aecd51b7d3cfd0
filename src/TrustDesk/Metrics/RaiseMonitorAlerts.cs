using Microsoft.Extensions.Options;
using TrustDesk.AgentConsole;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Webhooks;

namespace TrustDesk.Metrics;

/// <summary>
/// Watches what the live monitor watches, whether or not anyone has it open: when a queue's inflow starts to spike or a
/// breach storm starts, every console of a Lead or Admin gets an alert (the shell's <see cref="ConsoleAlerts"/>) and the
/// webhook endpoints that asked for <c>monitor.alert</c> are told (through the outbox). An alert is raised once when it
/// starts, not on every check while it lasts. Each node raises it in the consoles connected to it; the webhook's
/// <c>data.id</c> (kind, queue and the hour it started) is the same from every node, so a receiver can drop repeats.
/// </summary>
public sealed class RaiseMonitorAlerts(IServiceScopeFactory scopes, ConsoleAlerts alerts, WebhookOutbox outbox, TimeProvider time,
    IOptions<MetricsOptions> options, ILogger<RaiseMonitorAlerts> logger) : BackgroundService
{
    private HashSet<string> _active = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AlertInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Checking the live monitor's alerts failed; trying again at the next tick");
            }
        }
    }

    /// <summary>Reads the monitor and raises the alerts that were not on at the last check; returns them.</summary>
    public async Task<IReadOnlyList<MonitorAlert>> CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<LoadMonitor>().LoadAsync(cancellationToken);
        var current = view.Alerts.ToList();
        var started = current.Where(a => !_active.Contains(a.Key)).ToList();
        _active = [.. current.Select(a => a.Key)];
        if (started.Count == 0)
        {
            return started;
        }

        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var hour = MetricsPeriod.FloorHour(view.At);
        var told = 0;
        foreach (var alert in started)
        {
            alerts.Raise(new ConsoleAlert(alert.Text, "/monitor", Permissions.MetricsRead, Severe: alert.Kind == "breach_storm"));
            told += await outbox.AddAsync(db, WebhookEvents.MonitorAlert,
                new { id = $"{alert.Key}:{hour:yyyy-MM-ddTHH}", kind = alert.Kind, queue = alert.Queue, text = alert.Text, at = view.At }, view.At, cancellationToken);
        }

        if (told > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            outbox.NotifyEnqueued();
        }

        return started;
    }
}
