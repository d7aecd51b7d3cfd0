using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using TrustDesk.Data;

namespace TrustDesk.AgentConsole;

/// <summary>
/// Carries <see cref="CaseChanges"/> between nodes that share one PostgreSQL: each node NOTIFYs the cases its commits
/// changed and LISTENs for the others'. The payload names the sending node, which hears its own changes in-process
/// already. Does nothing on SQLite (one node). A notification is a hint to re-read, never data: a node that was cut
/// off for a moment misses hints, not changes, and its consoles are current again at their next refresh.
/// </summary>
public sealed class PostgresCaseChangeRelay(
    CaseChanges changes, IOptions<DatabaseOptions> database, IConfiguration configuration, ILogger<PostgresCaseChangeRelay> logger) : BackgroundService
{
    public const string Channel = "trustdesk_case_changes";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes and more; ids are split across notifications below that.</summary>
    public const int MaxPayloadBytes = 7_900;

    private readonly string _node = Guid.NewGuid().ToString("N")[..12];
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this node listens (tests wait for it before making changes on another node).</summary>
    public Task Listening => _listening.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.Value.IsPostgres)
        {
            return;
        }

        var connectionString = configuration.GetConnectionString("TrustDesk")!;
        var outgoing = changes.RelayToOtherNodes();
        await Task.WhenAll(ListenAsync(connectionString, stoppingToken), SendAsync(connectionString, outgoing, stoppingToken));
    }

    private async Task ListenAsync(string connectionString, CancellationToken stoppingToken)
    {
        // Its own connection, outside the pool: LISTEN belongs to a session, and a pooled connection is reset on return.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, KeepAlive = 30 };
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                delay = TimeSpan.FromSeconds(1);
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                logger.LogWarning(e, "Listening for other nodes' case changes failed; trying again in {Delay}", delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    private async Task SendAsync(string connectionString, System.Threading.Channels.ChannelReader<long[]> outgoing, CancellationToken stoppingToken)
    {
        try
        {
            while (await outgoing.WaitToReadAsync(stoppingToken))
            {
                // Everything queued meanwhile goes in one round (a mass report touches one case many times).
                var ids = new SortedSet<long>();
                while (outgoing.TryRead(out var batch))
                {
                    ids.UnionWith(batch);
                }

                try
                {
                    await using var connection = new NpgsqlConnection(connectionString);
                    await connection.OpenAsync(stoppingToken);
                    foreach (var payload in Payloads(_node, ids))
                    {
                        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        notify.Parameters.AddWithValue("channel", Channel);
                        notify.Parameters.AddWithValue("payload", payload);
                        await notify.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
                {
                    // The other nodes miss a hint; their consoles catch up at the next change or reload.
                    logger.LogWarning(e, "Telling other nodes about {Count} changed cases failed", ids.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary><c>node:1,2,3</c>, split so that no payload reaches PostgreSQL's limit.</summary>
    public static IEnumerable<string> Payloads(string node, IEnumerable<long> ids)
    {
        var payload = new StringBuilder(node).Append(':');
        var empty = payload.Length;
        foreach (var id in ids)
        {
            var text = id.ToString(CultureInfo.InvariantCulture);
            if (payload.Length > empty && payload.Length + 1 + text.Length > MaxPayloadBytes)
            {
                yield return payload.ToString();
                payload.Length = empty;
            }

            if (payload.Length > empty)
            {
                payload.Append(',');
            }

            payload.Append(text);
        }

        if (payload.Length > empty)
        {
            yield return payload.ToString();
        }
    }

    private void Receive(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || payload.AsSpan(0, colon).SequenceEqual(_node))
        {
            return;
        }

        var ids = new List<long>();
        foreach (var part in payload[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ids.Add(id);
            }
        }

        changes.Deliver(ids);
    }
}
