using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.AgentConsole;

/// <summary><c>TrustDesk:Console:Presence</c>: how presence travels between nodes over PostgreSQL.</summary>
public sealed class PresenceOptions
{
    public const string Section = "TrustDesk:Console:Presence";

    /// <summary>Each node tells the others its viewers again this often, so their entries do not expire.</summary>
    public double RefreshSeconds { get; set; } = 10;

    /// <summary>Another node's viewers are dropped when not refreshed within this time (the node died or lost the database).</summary>
    public double ExpirySeconds { get; set; } = 30;
}

/// <summary>
/// Carries <see cref="CasePresence"/> between nodes that share one PostgreSQL, beside the case-change relay on a channel
/// of its own: each node NOTIFYs, per case, who has it open on that node and who types — when that changes, and again
/// every <see cref="PresenceOptions.RefreshSeconds"/> — and LISTENs for the others'. A node's entries live only until
/// <see cref="PresenceOptions.ExpirySeconds"/> after its last word, so a node that dies leaves no ghosts; one that stops
/// cleanly says its viewers are gone. Does nothing on SQLite (one node, presence in process).
/// </summary>
public sealed class PostgresPresenceRelay(
    CasePresence presence, TimeProvider time, IOptions<PresenceOptions> options, IOptions<DatabaseOptions> database, IConfiguration configuration,
    ILogger<PostgresPresenceRelay> logger) : PostgresNodeRelay(Channel, database, configuration, logger)
{
    public const string Channel = "trustdesk_presence";

    /// <summary>Enough for any real crowd on one case; names are cut so that a payload stays below PostgreSQL's limit.</summary>
    public const int MaxViewersPerCase = 40;
    public const int MaxNameLength = 100;
    public const int MaxIdLength = 64;

    protected override async Task SendAsync(string connectionString, CancellationToken stoppingToken)
    {
        var changed = presence.RelayToOtherNodes();
        var refresh = TimeSpan.FromSeconds(Math.Max(0.05, options.Value.RefreshSeconds));
        var nextRefresh = time.GetUtcNow() + refresh;
        var told = new HashSet<long>(); // cases whose viewers the other nodes hold now
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(Clamp(nextRefresh - time.GetUtcNow()));
                try
                {
                    await changed.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to refresh.
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var cases = new HashSet<long>();
            while (changed.TryRead(out var caseId))
            {
                cases.Add(caseId);
            }

            if (time.GetUtcNow() >= nextRefresh)
            {
                cases.UnionWith(presence.LocalCases());
                presence.ExpireRemote();
                nextRefresh = time.GetUtcNow() + refresh;
            }

            if (cases.Count > 0)
            {
                var payloads = cases.Select(id => Payload(Node, id, presence.LocalOf(id))).ToList();
                try
                {
                    await NotifyAsync(connectionString, payloads, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Stopping mid-send: still say goodbye below, for these cases too.
                    told.UnionWith(cases);
                    break;
                }

                foreach (var id in cases)
                {
                    if (presence.LocalOf(id).Count > 0)
                    {
                        told.Add(id);
                    }
                    else
                    {
                        told.Remove(id);
                    }
                }
            }
        }

        // Stopping cleanly: the other nodes drop this one's viewers now rather than when they expire.
        if (told.Count > 0)
        {
            using var goodbye = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await NotifyAsync(connectionString, told.Select(id => Payload(Node, id, [])), goodbye.Token);
            }
            catch (OperationCanceledException)
            {
                // The database is slow to answer: the entries expire on their own.
            }
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay;

    /// <summary><c>{"node":…,"case":42,"viewers":[{"id":…,"name":…,"typing":true}]}</c>: the node's whole list for the case, so a lost or reordered note is repaired by the next.</summary>
    public static string Payload(string node, long caseId, IReadOnlyList<Viewer> viewers)
    {
        var notes = viewers.Take(MaxViewersPerCase).Select(v => new PresenceNoteViewer(Cut(v.ConnectionId, MaxIdLength), Cut(v.Name, MaxNameLength), v.Typing)).ToList();
        while (true)
        {
            // Escaped non-ASCII names can still be long: the last viewers give way rather than the note being refused.
            var payload = JsonSerializer.Serialize(new PresenceNote(node, caseId, notes));
            if (notes.Count == 0 || Encoding.UTF8.GetByteCount(payload) < PostgresNotifications.MaxPayloadBytes)
            {
                return payload;
            }

            notes.RemoveAt(notes.Count - 1);
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    protected override void Receive(string payload)
    {
        PresenceNote? note;
        try
        {
            note = JsonSerializer.Deserialize<PresenceNote>(payload);
        }
        catch (JsonException)
        {
            return;
        }

        if (note is null || note.Node is not { Length: > 0 } node || node == Node || note.Case <= 0)
        {
            return;
        }

        var viewers = (note.Viewers ?? []).Where(v => v.Id is { Length: > 0 } && v.Name is not null).Take(MaxViewersPerCase)
            .Select(v => new Viewer(Cut(v.Id, MaxIdLength), Cut(v.Name, MaxNameLength), v.Typing)).ToList();
        presence.ApplyRemote(node, note.Case, viewers, time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(0.1, options.Value.ExpirySeconds)));
    }

    private sealed record PresenceNote(
        [property: JsonPropertyName("node")] string Node,
        [property: JsonPropertyName("case")] long Case,
        [property: JsonPropertyName("viewers")] List<PresenceNoteViewer>? Viewers);

    private sealed record PresenceNoteViewer(
        [property: JsonPropertyName("id")] string Id,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("typing")] bool Typing);
}
