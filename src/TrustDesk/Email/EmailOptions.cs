namespace TrustDesk.Email;

/// <summary>Settings under <c>TrustDesk:Email</c>. Every one is described in docs/email.md.</summary>
public sealed class EmailOptions
{
    public const string Section = "TrustDesk:Email";

    /// <summary>The domain of the Message-IDs TrustDesk writes; by default the domain of the first accepted address.</summary>
    public string? Domain { get; set; }

    /// <summary>The From address of replies; by default the first accepted SMTP address.</summary>
    public string? FromAddress { get; set; }

    /// <summary>The display name of replies.</summary>
    public string FromName { get; set; } = "TrustDesk Support";

    /// <summary>Largest raw message taken in by any way (SMTP, IMAP, HTTP). Larger ones are refused (552 at SMTP) or set aside.</summary>
    public int MaxMessageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Largest single attachment kept; larger ones are listed as refused.</summary>
    public int MaxAttachmentBytes { get; set; } = 15 * 1024 * 1024;

    /// <summary>Most attachments kept per message.</summary>
    public int MaxAttachments { get; set; } = 50;

    /// <summary>Deepest nesting of multiparts and attached messages parsed; deeper parts are ignored (nested-multipart bombs).</summary>
    public int MaxMimeDepth { get; set; } = 12;

    /// <summary>Most MIME parts looked at per message.</summary>
    public int MaxMimeParts { get; set; } = 500;

    /// <summary>A reply to a solved case within this many days reopens it; later, it opens a new case linked to the old one.</summary>
    public int ReopenWindowDays { get; set; } = 14;

    /// <summary>
    /// A message without threading headers from the same sender with the same subject (Re:/Fwd: and the case token aside)
    /// joins that sender's case last active within this many days (0 turns it off); a closed one gets a linked new case.
    /// </summary>
    public int FollowUpWindowDays { get; set; } = 30;

    /// <summary>More than this many messages from one sender within <see cref="FloodWindowMinutes"/> are set aside, not turned into cases.</summary>
    public int FloodMaxPerSender { get; set; } = 30;

    public int FloodWindowMinutes { get; set; } = 10;

    public SmtpListenerOptions Smtp { get; set; } = new();

    public List<ImapMailboxOptions> Imap { get; set; } = [];

    public RelayOptions Relay { get; set; } = new();

    public DkimOptions Dkim { get; set; } = new();

    public ProcessingOptions Processing { get; set; } = new();

    public string EffectiveFromAddress =>
        !string.IsNullOrWhiteSpace(FromAddress) ? FromAddress.Trim()
        : Smtp.Addresses.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a))?.Trim()
        ?? $"support@{EffectiveDomain}";

    public string EffectiveDomain
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Domain))
            {
                return Domain.Trim().ToLowerInvariant();
            }

            var address = !string.IsNullOrWhiteSpace(FromAddress) ? FromAddress : Smtp.Addresses.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a));
            var at = address?.LastIndexOf('@') ?? -1;
            return at > 0 ? address![(at + 1)..].Trim().ToLowerInvariant() : "trustdesk.local";
        }
    }
}

/// <summary><c>TrustDesk:Email:Smtp</c>: the SMTP listener. It listens only when <see cref="Port"/> is set.</summary>
public sealed class SmtpListenerOptions
{
    /// <summary>The address to listen on.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port; no listener when absent.</summary>
    public int? Port { get; set; }

    /// <summary>Recipient addresses accepted; mail for anyone else is refused at RCPT TO (550).</summary>
    public List<string> Addresses { get; set; } = [];

    /// <summary>The name in the greeting and EHLO answer.</summary>
    public string ServerName { get; set; } = "trustdesk";

    /// <summary>A PKCS#12 (.pfx) certificate: when set, the listener offers STARTTLS.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

/// <summary>One entry of <c>TrustDesk:Email:Imap</c>: a mailbox polled on its own schedule.</summary>
public sealed class ImapMailboxOptions
{
    /// <summary>A short name for logs and the stored UID state; must be unique.</summary>
    public string Name { get; set; } = "";

    public string Host { get; set; } = "";

    public int Port { get; set; } = 993;

    /// <summary><c>ssl</c> (port 993), <c>starttls</c>, <c>none</c> or <c>auto</c>.</summary>
    public string Security { get; set; } = "auto";

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public string Folder { get; set; } = "INBOX";

    /// <summary>Seconds between polls when the server does not offer IDLE (and the longest an IDLE lasts).</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>Use IDLE when the server offers it, so new mail arrives within a second.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>Also set \Seen on stored messages (the keyword <c>$TrustDesk</c> is always set).</summary>
    public bool MarkSeen { get; set; } = true;
}

/// <summary><c>TrustDesk:Email:Relay</c>: the SMTP server replies are sent through. No sending while <see cref="Host"/> is empty.</summary>
public sealed class RelayOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary><c>auto</c>, <c>none</c>, <c>starttls</c> or <c>ssl</c>.</summary>
    public string Security { get; set; } = "auto";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Attempts before a reply is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry waits this long; each next one twice as long, up to <see cref="RetryMaxSeconds"/>.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How often the dispatcher looks for due replies besides being woken by a new one.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Seconds one connection attempt and one send may take.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Largest reply handed to the relay, as sent: text, headers and the attachments base64-encoded (a third larger than
    /// the files). A reply over it is failed with the reason, never sent without some of its files.
    /// </summary>
    public long MaxMessageBytes { get; set; } = 20 * 1024 * 1024;
}

/// <summary><c>TrustDesk:Email:Dkim</c>: signs replies when a domain, selector and key are set.</summary>
public sealed class DkimOptions
{
    public string? Domain { get; set; }

    public string? Selector { get; set; }

    /// <summary>A PEM file with the RSA private key.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The PEM text itself (instead of a file), e.g. from a secret store.</summary>
    public string? PrivateKeyPem { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Domain) && !string.IsNullOrWhiteSpace(Selector)
        && (!string.IsNullOrWhiteSpace(PrivateKeyPath) || !string.IsNullOrWhiteSpace(PrivateKeyPem));
}

/// <summary><c>TrustDesk:Email:Processing</c>: turning stored messages into cases.</summary>
public sealed class ProcessingOptions
{
    /// <summary>Off only for maintenance (and the crash test): stored messages then wait, and are processed at the next start.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages parsed and committed together.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Attempts before a message that keeps failing is set aside.</summary>
    public int MaxAttempts { get; set; } = 3;
}
