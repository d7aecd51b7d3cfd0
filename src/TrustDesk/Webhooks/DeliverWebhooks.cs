using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using TrustDesk.Data;

namespace TrustDesk.Webhooks;

/// <summary>
/// The webhook dispatcher: claims due deliveries, posts each signed (webhook-id, webhook-timestamp, webhook-signature),
/// and records the outcome. A claim is a conditional UPDATE that one pass alone can win (on PostgreSQL a second node's
/// UPDATE re-reads the row after the first commits and no longer matches), with a lease: a node that dies mid-attempt
/// leaves a lease that runs out, and the row is sent again with the same webhook-id. A node that is stopped releases
/// its claims at once.
/// </summary>
public sealed class DeliverWebhooks(
    IServiceScopeFactory scopes, IHttpClientFactory httpClients, WebhookOutbox outbox, TimeProvider time, IOptions<WebhookOptions> options,
    ILogger<DeliverWebhooks> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    public const int BatchSize = 20;

    /// <summary>For the ops stack (<c>/metrics</c>): attempts by outcome, counted once recorded.</summary>
    private static readonly System.Diagnostics.Metrics.Meter Meter = new("TrustDesk.Webhooks");
    private static readonly System.Diagnostics.Metrics.Counter<long> Deliveries =
        Meter.CreateCounter<long>("trustdesk.webhooks.deliveries", "{attempt}", "Webhook delivery attempts by outcome: delivered, failed (to be retried), dead_letter");

    private readonly System.Threading.Channels.Channel<bool> _wake = System.Threading.Channels.Channel.CreateBounded<bool>(
        new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        outbox.Enqueued += Wake;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        outbox.Enqueued -= Wake;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DeliverOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogError(error, "Delivering webhooks failed");
            }

            if (claimed < BatchSize)
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                poll.CancelAfter(TimeSpan.FromSeconds(Math.Max(0.05, options.Value.PollSeconds)));
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

    /// <summary>Claims and attempts one batch of due deliveries; returns how many were claimed.</summary>
    public async Task<int> DeliverOnceAsync(CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(options.Value.TimeoutSeconds * 2 + 30);
        List<WebhookDelivery> claimed;
        Dictionary<Guid, WebhookEndpoint> endpoints;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var now = time.GetUtcNow().UtcDateTime;
            var candidates = await db.WebhookDeliveries.AsNoTracking()
                .Where(d => (d.State == WebhookDeliveryStates.Pending && d.NextAttemptAt <= now) || (d.State == WebhookDeliveryStates.Delivering && d.ClaimedUntil < now))
                .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (candidates.Count == 0)
            {
                return 0;
            }

            var token = Guid.NewGuid();
            var until = now + lease;
            await db.WebhookDeliveries
                .Where(d => candidates.Contains(d.Id)
                    && ((d.State == WebhookDeliveryStates.Pending && d.NextAttemptAt <= now) || (d.State == WebhookDeliveryStates.Delivering && d.ClaimedUntil < now)))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, WebhookDeliveryStates.Delivering).SetProperty(d => d.ClaimedUntil, until)
                    .SetProperty(d => d.ClaimToken, token), cancellationToken);
            claimed = await db.WebhookDeliveries.AsNoTracking().Where(d => d.ClaimToken == token).ToListAsync(cancellationToken);
            var endpointIds = claimed.Select(d => d.EndpointId).Distinct().ToList();
            endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        }

        var results = new List<(Guid Id, int? Status, string? Error)>();
        try
        {
            foreach (var delivery in claimed)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(await AttemptAsync(delivery, endpoints.GetValueOrDefault(delivery.EndpointId), cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what was attempted is recorded, the rest goes back to pending for the next node or start.
            await RecordAsync(results, claimed.Select(d => d.Id).Except(results.Select(r => r.Id)).ToList());
            throw;
        }

        await RecordAsync(results, []);
        return claimed.Count;
    }

    private async Task<(Guid Id, int? Status, string? Error)> AttemptAsync(WebhookDelivery delivery, WebhookEndpoint? endpoint, CancellationToken cancellationToken)
    {
        if (endpoint is null || endpoint.DeletedAt is not null)
        {
            return (delivery.Id, null, "The endpoint was deleted.");
        }

        var sentAt = time.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(delivery.Payload, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Sign(endpoint, delivery, sentAt));
        request.Headers.UserAgent.ParseAdd("TrustDesk-Webhooks/1");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds)));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            logger.LogDebug("Webhook {Id} {Type} to {Url}: {Status} in {Ms} ms", delivery.MessageId, delivery.EventType, endpoint.Url, status,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response.IsSuccessStatusCode ? (delivery.Id, status, null) : (delivery.Id, status, $"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (delivery.Id, null, "Timed out.");
        }
        catch (HttpRequestException error)
        {
            return (delivery.Id, null, error.Message);
        }
    }

    /// <summary>One signature per secret in use (two during a rotation's overlap), space-separated as the spec allows.</summary>
    private string Sign(WebhookEndpoint endpoint, WebhookDelivery delivery, DateTimeOffset sentAt) =>
        string.Join(' ', endpoint.SigningSecrets(time.GetUtcNow().UtcDateTime)
            .Select(secret => new StandardWebhook(secret).Sign(delivery.MessageId, sentAt, delivery.Payload)));

    private async Task RecordAsync(List<(Guid Id, int? Status, string? Error)> results, List<Guid> release)
    {
        // Never cancelled: an outcome that is not recorded would be sent again.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var now = time.GetUtcNow().UtcDateTime;
        var ids = results.Select(r => r.Id).Concat(release).ToList();
        var rows = await db.WebhookDeliveries.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, CancellationToken.None);
        var outcomes = new List<string>(results.Count);
        foreach (var (id, status, error) in results)
        {
            var row = rows[id];
            if (error is null)
            {
                row.Delivered(status!.Value, now);
                outcomes.Add("delivered");
            }
            else if (row.AttemptFailed(status, error, now, options.Value, Random.Shared.NextDouble()))
            {
                outcomes.Add("dead_letter");
                logger.LogWarning("Webhook {Id} {Type} is a dead letter after {Attempts} attempts: {Error}", row.MessageId, row.EventType, row.Attempts, error);
            }
            else
            {
                outcomes.Add("failed");
                logger.LogInformation("Webhook {Id} {Type} failed (attempt {Attempts}), next at {Next:O}: {Error}", row.MessageId, row.EventType, row.Attempts, row.NextAttemptAt, error);
            }
        }

        foreach (var id in release)
        {
            rows[id].Release();
        }

        await db.SaveChangesAsync(CancellationToken.None);
        foreach (var outcome in outcomes)
        {
            Deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
