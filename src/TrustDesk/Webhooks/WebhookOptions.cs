namespace TrustDesk.Webhooks;

/// <summary>TrustDesk:Webhooks. The defaults retry for a little over a day, as Standard Webhooks senders usually do.</summary>
public sealed class WebhookOptions
{
    public const string Section = "TrustDesk:Webhooks";

    public double RetryBaseSeconds { get; set; } = 5;
    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long after it was made a delivery is still retried; then it is a dead letter.</summary>
    public double RetryForHours { get; set; } = 26;
    public double PollSeconds { get; set; } = 1;
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>How long the previous secret still signs after a rotation.</summary>
    public double SecretOverlapHours { get; set; } = 24;
}

/// <summary>The events TrustDesk tells the platform about.</summary>
public static class WebhookEvents
{
    public const string ActionExecuted = "action.executed";
    public const string ActionReversed = "action.reversed";
    public const string CaseSolved = "case.solved";
    public const string AppealDecided = "appeal.decided";

    /// <summary>The live monitor's alert: a queue's inflow spiking or a storm of SLA breaches.</summary>
    public const string MonitorAlert = "monitor.alert";

    public static readonly string[] All = [ActionExecuted, ActionReversed, CaseSolved, AppealDecided, MonitorAlert];
}
