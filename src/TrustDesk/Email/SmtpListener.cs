using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace TrustDesk.Email;

/// <summary>
/// The SMTP listener (the SmtpServer package). Listens only when <c>TrustDesk:Email:Smtp:Port</c> is set; accepts mail
/// for the configured addresses only (550 at RCPT TO for anyone else), refuses messages over the size limit with 552
/// before anything is stored, offers STARTTLS when a certificate is configured, and answers 250 only after the message
/// is stored durably.
/// </summary>
public sealed class SmtpListener(IServiceScopeFactory scopes, IOptions<EmailOptions> options, ILogger<SmtpListener> logger) : BackgroundService
{
    /// <summary>The port actually listened on (useful with port 0), once started.</summary>
    public int? Port { get; private set; }

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the listener accepts connections (or it is not configured).</summary>
    public Task Started => _started.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Smtp.Port is not { } port)
        {
            _started.TrySetResult();
            return;
        }

        var accepted = new HashSet<string>(settings.Smtp.Addresses.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim().ToLowerInvariant()), StringComparer.Ordinal);
        if (accepted.Count == 0)
        {
            logger.LogWarning("The SMTP listener has no accepted addresses (TrustDesk:Email:Smtp:Addresses): it will refuse every recipient");
        }

        X509Certificate2? certificate = null;
        if (!string.IsNullOrWhiteSpace(settings.Smtp.CertificatePath))
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(settings.Smtp.CertificatePath, settings.Smtp.CertificatePassword);
        }

        var address = IPAddress.TryParse(settings.Smtp.Host, out var ip) ? ip : IPAddress.Loopback;
        var builder = new SmtpServerOptionsBuilder()
            .ServerName(settings.Smtp.ServerName)
            .MaxMessageSize(settings.MaxMessageBytes, MaxMessageSizeHandling.Strict)
            .MaxRetryCount(3)
            .CommandWaitTimeout(TimeSpan.FromMinutes(2))
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(address, port)).IsSecure(false);
                if (certificate is not null)
                {
                    endpoint.Certificate(certificate);
                }
            });

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(scopes, logger));
        services.Add(new RecipientFilter(accepted));
        services.Add(new SmtpNoDelayListenerFactory());
        var server = new SmtpServer.SmtpServer(builder.Build(), services);
        server.SessionFaulted += (_, e) => logger.LogDebug(e.Exception, "SMTP session faulted");

        Port = port;
        var running = server.StartAsync(stoppingToken);
        logger.LogInformation("SMTP listener on {Address}:{Port} for {Addresses}{Tls}", address, port, string.Join(", ", accepted),
            certificate is null ? "" : " (STARTTLS offered)");
        _started.TrySetResult();
        try
        {
            await running;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            certificate?.Dispose();
        }
    }

    /// <summary>
    /// Says what is wrong with a refused address (a sender's server shows our text in its bounce, so the person who wrote
    /// learns why), instead of SmtpServer's bare "mailbox unavailable".
    /// </summary>
    private sealed class RecipientFilter(HashSet<string> accepted) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken)
        {
            // The null reverse-path (bounces) is fine; otherwise a mailbox we could one day answer.
            if (from is not null && !string.IsNullOrEmpty(from.User) && AddressProblem(from) is { } problem)
            {
                throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxNameNotAllowed, $"5.1.7 Sender address <{Show(from)}> refused: {problem}"));
            }

            return Task.FromResult(true);
        }

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (AddressProblem(to) is { } problem)
            {
                throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxNameNotAllowed, $"5.1.3 Recipient address <{Show(to)}> refused: {problem}"));
            }

            if (!accepted.Contains($"{to.User}@{to.Host}".ToLowerInvariant()))
            {
                throw new SmtpResponseException(new SmtpResponse(SmtpReplyCode.MailboxUnavailable,
                    $"5.1.1 <{Show(to)}>: no such mailbox here; this server accepts mail only for {string.Join(", ", accepted.Order(StringComparer.Ordinal))}"));
            }

            return Task.FromResult(true);
        }

        /// <summary>What is wrong with an address in words, or null.</summary>
        public static string? AddressProblem(IMailbox mailbox)
        {
            if (string.IsNullOrEmpty(mailbox.Host))
            {
                return "it has no domain after the @";
            }

            if (mailbox.Host.StartsWith('['))
            {
                // An address literal: RFC 5321 allows [192.0.2.1] and [IPv6:…]; "[1086695621]" (a number) is neither.
                var literal = mailbox.Host.Trim('[', ']');
                var v6 = literal.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase);
                var valid = v6 ? IPAddress.TryParse(literal[5..], out _) : literal.Count(c => c == '.') == 3 && IPAddress.TryParse(literal, out _);
                return valid ? null : $"[{literal}] is not an IP address literal (write [192.0.2.1], or better a domain name)";
            }

            return null;
        }

        private static string Show(IMailbox mailbox) => new string($"{mailbox.User}@{mailbox.Host}".Where(c => !char.IsControl(c)).Take(320).ToArray());
    }

    private sealed class Store(IServiceScopeFactory scopes, ILogger logger) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var from = transaction.From is { } sender && !string.IsNullOrEmpty(sender.User) ? $"{sender.User}@{sender.Host}" : "";
            var peer = context.Properties.TryGetValue(SmtpServer.Net.EndpointListener.RemoteEndPointKey, out var endpoint) ? endpoint?.ToString() : null;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<StoreInboundEmail>();
                var result = await store.HandleAsync(buffer.ToArray(), "smtp", peer, from, cancellationToken);
                return result switch
                {
                    StoreInboundEmail.TooLarge tooLarge => new SmtpResponse(SmtpReplyCode.SizeLimitExceeded, $"5.3.4 Message too big (limit {tooLarge.Limit} bytes)"),
                    StoreInboundEmail.Stored { Duplicate: true } => new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Already have it, thanks"),
                    _ => new SmtpResponse(SmtpReplyCode.Ok, "2.0.0 Stored"),
                };
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Not stored: a temporary failure, so the sender keeps the message and tries again.
                logger.LogError(error, "Could not store an email from {From}", from);
                return new SmtpResponse((SmtpReplyCode)451, "4.3.0 Could not store the message, try again later");
            }
        }
    }
}
