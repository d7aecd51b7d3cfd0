using TrustDesk.Data;

namespace TrustDesk.Audit;

/// <summary>Settings under <c>TrustDesk:Audit:Checkpoints</c>.</summary>
public sealed class AuditCheckpointSettings
{
    public const string Section = "TrustDesk:Audit:Checkpoints";

    /// <summary>
    /// The Ed25519 private key that signs checkpoints; made on first use. Default: <c>DATA.audit-key</c> beside the data
    /// directory <c>DATA</c> (not inside it, so a copy of the data is not a copy of the key). Put it on another volume
    /// or a secrets mount in production.
    /// </summary>
    public string? KeyFile { get; set; }

    /// <summary>How often the chain's head is signed when it moved; zero turns periodic checkpoints off.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The file sink: each checkpoint is appended as one JSON line. Default: <c>DATA.audit-checkpoints.jsonl</c> beside the
    /// data directory. Ship it off the host (a log shipper, a WORM bucket) so the database's holder cannot reach it.
    /// </summary>
    public string? File { get; set; }

    /// <summary>Where to POST each checkpoint as JSON too (optional): a SIEM, a ticket system, a second site.</summary>
    public string? WebhookUrl { get; set; }

    public string KeyPath(IConfiguration configuration) => KeyFile ?? BesideDataDirectory(configuration, ".audit-key");

    public string FilePath(IConfiguration configuration) => File ?? BesideDataDirectory(configuration, ".audit-checkpoints.jsonl");

    private static string BesideDataDirectory(IConfiguration configuration, string suffix)
    {
        var data = Path.GetFullPath(configuration["TrustDesk:DataDirectory"] ?? new TrustDeskOptions().DataDirectory).TrimEnd(Path.DirectorySeparatorChar);
        return data + suffix;
    }
}
