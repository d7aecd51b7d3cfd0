using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>
/// The outbox dispatcher: sends queued replies through the configured relay (MailKit), retries failures with exponential
/// backoff, and records the delivery state on the message. Rows are claimed for a lease before sending: on PostgreSQL
/// with FOR UPDATE SKIP LOCKED, so several nodes never send one reply twice; a node that dies mid-send leaves a lease
/// that runs out and the reply is sent again (at least once).
/// </summary>
public sealed class DispatchEmailReplies(
    IServiceScopeFactory scopes, ComposeEmail compose, TimeProvider time, IOptions<EmailOptions> options, ILogger<DispatchEmailReplies> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    public const int BatchSize = 20;

    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });
    private bool _warnedNoRelay;

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await DispatchOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Dispatching replies failed");
            }

            if (sent < BatchSize)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.05, options.Value.Relay.PollSeconds)));
                try
                {
                    await _wake.Reader.ReadAsync(poll.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Poll for retries that came due.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims and sends one batch of due replies; returns how many were claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var relay = options.Value.Relay;
        if (string.IsNullOrWhiteSpace(relay.Host))
        {
            if (!_warnedNoRelay)
            {
                logger.LogWarning("No relay configured (TrustDesk:Email:Relay:Host): replies stay queued");
                _warnedNoRelay = true;
            }

            return 0;
        }

        var claimed = await ClaimAsync(cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        var attachments = await AttachmentsOfAsync(claimed, cancellationToken);
        var results = new List<(Guid Id, string? Error, bool Permanent)>();
        using (var client = new SmtpClient())
        {
            client.Timeout = Math.Max(1, relay.TimeoutSeconds) * 1000;
            string? connectError = null;
            var connectPermanent = false;
            try
            {
                await client.ConnectAsync(relay.Host, relay.Port, Security(relay.Security), cancellationToken);
                if (!string.IsNullOrEmpty(relay.Username))
                {
                    await client.AuthenticateAsync(relay.Username, relay.Password ?? "", cancellationToken);
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                connectError = $"Relay {relay.Host}:{relay.Port}: {error.Message}";
                connectPermanent = error is AuthenticationException;
            }

            foreach (var email in claimed)
            {
                if (connectError is not null)
                {
                    results.Add((email.Id, connectError, connectPermanent));
                    continue;
                }

                try
                {
                    var message = await compose.ComposeAsync(email, attachments[email.MessageId], time.GetUtcNow().UtcDateTime, cancellationToken);
                    await client.SendAsync(message, cancellationToken);
                    results.Add((email.Id, null, false));
                }
                catch (CannotComposeException error)
                {
                    results.Add((email.Id, error.Message, error.Permanent));
                }
                catch (SmtpCommandException error)
                {
                    // 5xx is the relay saying "never": no retry. 4xx and everything else may pass later.
                    results.Add((email.Id, $"{(int)error.StatusCode} {error.Message}", (int)error.StatusCode >= 500));
                    if (!client.IsConnected)
                    {
                        connectError = error.Message;
                    }
                }
                catch (FormatException error)
                {
                    results.Add((email.Id, error.Message, true));
                }
                catch (Exception error) when (error is ServiceNotConnectedException or SmtpProtocolException or IOException or TimeoutException)
                {
                    results.Add((email.Id, error.Message, false));
                    connectError = error.Message;
                }
            }

            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(quit: true, cancellationToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogDebug(error, "QUIT to the relay failed");
                }
            }
        }

        await RecordAsync(results, cancellationToken);
        return claimed.Count;
    }

    /// <summary>The files of the claimed replies, looked up now: the outbox row names its message, never copies the bytes.</summary>
    private async Task<ILookup<Guid, Cases.MessageAttachment>> AttachmentsOfAsync(List<OutboundEmail> claimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var messageIds = claimed.Select(e => e.MessageId).ToList();
        // In the order they were attached: the lookup keeps it per message.
        var attachments = await db.MessageAttachments.AsNoTracking().Where(a => messageIds.Contains(a.MessageId))
            .OrderBy(a => a.Position).ThenBy(a => a.Id).ToListAsync(cancellationToken);
        return attachments.ToLookup(a => a.MessageId);
    }

    private static SecureSocketOptions Security(string? security) => security?.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private async Task<List<OutboundEmail>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await RowClaims.BeginClaimAsync(db, cancellationToken);
        var due = await db.OutboundEmails
            .Where(o => (o.State == OutboundEmailStates.Queued && o.NextAttemptAt <= now) || (o.State == OutboundEmailStates.Sending && o.ClaimedUntil < now))
            .OrderBy(o => o.NextAttemptAt).Take(BatchSize).ForUpdateSkipLocked().ToListAsync(cancellationToken);
        foreach (var email in due)
        {
            email.Claim(now, Lease);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return due;
    }

    private async Task RecordAsync(List<(Guid Id, string? Error, bool Permanent)> results, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var ids = results.Select(r => r.Id).ToList();
        var rows = await db.OutboundEmails.Where(o => ids.Contains(o.Id)).ToListAsync(cancellationToken);
        var messageIds = rows.Select(r => r.MessageId).ToList();
        var messages = await db.Messages.Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var failedForGood = new List<(long CaseId, Guid MessageId, string Error)>();
        foreach (var (id, error, permanent) in results)
        {
            var row = rows.First(r => r.Id == id);
            var message = messages.GetValueOrDefault(row.MessageId);
            if (error is null)
            {
                row.Sent(now);
                message?.MarkSent();
                continue;
            }

            logger.LogWarning("Reply {MessageId} to case {CaseId} not sent (attempt {Attempt}): {Error}", row.MessageIdHeader, row.CaseId, row.Attempts + 1, error);
            if (row.AttemptFailed(error, permanent, now, options.Value.Relay) && message is not null)
            {
                message.MarkFailed(error);
                failedForGood.Add((row.CaseId, message.Id, error));
            }
        }

        // The delivery states first: they must never be lost to a conflict on the case (which would send again).
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (caseId, messageId, error) in failedForGood)
        {
            await RecordOnCaseAsync(caseId, messageId, error, cancellationToken);
        }
    }

    private async Task RecordOnCaseAsync(long caseId, Guid messageId, string error, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var @case = await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, cancellationToken);
            var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId, cancellationToken);
            if (@case is null || message is null)
            {
                return;
            }

            @case.RecordDeliveryFailure(message, error, Actor.System, time.GetUtcNow().UtcDateTime);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // An agent changed the case meanwhile: read it again.
            }
        }
    }
}
