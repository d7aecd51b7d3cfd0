using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// Carries <see cref="CaseChanges"/> between nodes that share one PostgreSQL: each node NOTIFYs the cases its commits
/// changed and LISTENs for the others'. The payload names the sending node, which hears its own changes in-process
/// already. Does nothing on SQLite (one node). A notification is a hint to re-read, never data: a node that was cut
/// off for a moment misses hints, not changes, and its consoles are current again at their next refresh.
/// </summary>
public sealed class PostgresCaseChangeRelay(
    CaseChanges changes, IOptions<DatabaseOptions> database, IConfiguration configuration, ILogger<PostgresCaseChangeRelay> logger)
    : PostgresNodeRelay(Channel, database, configuration, logger)
{
    public const string Channel = "trustdesk_case_changes";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes and more; ids are split across notifications below that.</summary>
    public const int MaxPayloadBytes = PostgresNotifications.MaxPayloadBytes;

    protected override async Task SendAsync(string connectionString, CancellationToken stoppingToken)
    {
        var outgoing = changes.RelayToOtherNodes();
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

                await NotifyAsync(connectionString, Payloads(Node, ids), stoppingToken);
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

    protected override void Receive(string payload)
    {
        var colon = payload.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || payload.AsSpan(0, colon).SequenceEqual(Node))
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
