namespace TrustDesk.AgentConsole;

/// <summary>An alert for everyone in the console who holds <see cref="Permission"/>; <see cref="Href"/> is where to look.</summary>
public sealed record ConsoleAlert(string Text, string? Href, string Permission, bool Severe);

/// <summary>
/// Alerts another feature raises in every open console (a spike or a breach storm on the live monitor), without the
/// console naming that feature: the shell shows each one to the signed-in users who hold its permission. In process:
/// each node raises its own to the consoles connected to it.
/// </summary>
public sealed class ConsoleAlerts
{
    public event Action<ConsoleAlert>? Raised;

    public void Raise(ConsoleAlert alert) => Raised?.Invoke(alert);
}
