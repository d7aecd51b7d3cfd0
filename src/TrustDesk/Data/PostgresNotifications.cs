using Microsoft.Extensions.Options;
using Npgsql;

namespace TrustDesk.Data;

/// <summary>
/// LISTEN and NOTIFY as the cross-node relays use them (case changes, console presence, chat): a listening connection that comes back after the database went away, and
/// notifications sent on a pooled connection. Payloads are hints between nodes, so a failure is logged, not thrown.
/// </summary>
internal static class PostgresNotifications
{
    /// <summary>PostgreSQL refuses payloads of 8000 bytes and more.</summary>
    public const int MaxPayloadBytes = 7_900;

    /// <summary>Listens on <paramref name="channel"/> until stopped, reconnecting with backoff; calls <paramref name="listening"/> each time it listens.</summary>
    public static async Task ListenAsync(
        string connectionString, string channel, Action<string> receive, Action listening, ILogger logger, CancellationToken stoppingToken)
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
                connection.Notification += (_, e) => receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                listening();
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
                logger.LogWarning(e, "Listening on {Channel} for other nodes failed; trying again in {Delay}", channel, delay);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <summary>Sends the payloads in order on one connection; returns false (logged) when the database could not be reached.</summary>
    public static async Task<bool> NotifyAsync(
        string connectionString, string channel, IEnumerable<string> payloads, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var payload in payloads)
            {
                await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                notify.Parameters.AddWithValue("channel", channel);
                notify.Parameters.AddWithValue("payload", payload);
                await notify.ExecuteNonQueryAsync(cancellationToken);
            }

            return true;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            // The other nodes miss a hint; they catch up at the next one.
            logger.LogWarning(e, "Notifying other nodes on {Channel} failed", channel);
            return false;
        }
    }
}

/// <summary>
/// A relay between the nodes sharing one PostgreSQL, over a channel of its own: it listens for the other nodes' notes
/// and sends this node's. Notes name their node, so a node can skip its own. Does nothing on SQLite (one node).
/// </summary>
public abstract class PostgresNodeRelay(string channel, IOptions<DatabaseOptions> database, IConfiguration configuration, ILogger logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Who this node is in its notes; new at every start.</summary>
    protected string Node { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Completes once this node listens (tests wait for it before acting on another node).</summary>
    public Task Listening => _listening.Task;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.Value.IsPostgres)
        {
            return;
        }

        var connectionString = configuration.GetConnectionString("TrustDesk")!;
        await Task.WhenAll(
            PostgresNotifications.ListenAsync(connectionString, channel, Receive, () =>
            {
                OnListening();
                _listening.TrySetResult();
            }, logger, stoppingToken),
            SendAsync(connectionString, stoppingToken));
    }

    /// <summary>Called each time the node listens again, after a start or a lost connection (notes may have been missed).</summary>
    protected virtual void OnListening()
    {
    }

    /// <summary>A note from any node, this one included.</summary>
    protected abstract void Receive(string payload);

    /// <summary>Sends this node's notes until stopped.</summary>
    protected abstract Task SendAsync(string connectionString, CancellationToken stoppingToken);

    protected Task<bool> NotifyAsync(string connectionString, IEnumerable<string> payloads, CancellationToken cancellationToken) =>
        PostgresNotifications.NotifyAsync(connectionString, channel, payloads, logger, cancellationToken);
}
