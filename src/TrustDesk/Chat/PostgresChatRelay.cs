using System.Globalization;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Chat;

/// <summary>
/// Carries <see cref="ChatHub"/> signals between nodes sharing one PostgreSQL over LISTEN/NOTIFY: a visitor connected to
/// node B hears at once that node A stored an agent's reply, and reads it from the database. Payloads are
/// <c>node|session|seq</c> or <c>node|session|seq|from|name</c> for typing. A lost notification delays a message until
/// the stream's next poll; it never loses one.
/// </summary>
public sealed class PostgresChatRelay(ChatHub hub, IOptions<DatabaseOptions> database, IConfiguration configuration, ILogger<PostgresChatRelay> logger)
    : PostgresNodeRelay(Channel, database, configuration, logger)
{
    public const string Channel = "trustdesk_chat";

    protected override async Task SendAsync(string connectionString, CancellationToken stoppingToken)
    {
        var outgoing = hub.RelayToOtherNodes();
        try
        {
            while (await outgoing.WaitToReadAsync(stoppingToken))
            {
                var payloads = new List<string>();
                while (payloads.Count < 500 && outgoing.TryRead(out var item))
                {
                    payloads.Add(Payload(Node, item.Session, item.Signal));
                }

                await NotifyAsync(connectionString, payloads, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public static string Payload(string node, Guid session, ChatSignal signal)
    {
        var payload = string.Create(CultureInfo.InvariantCulture, $"{node}|{session:N}|{signal.Seq}");
        if (signal.TypingFrom is not null)
        {
            var name = (signal.TypingName ?? "").Replace('|', ' ');
            payload += "|" + signal.TypingFrom + "|" + (name.Length > 200 ? name[..200] : name);
        }

        return payload;
    }

    protected override void Receive(string payload)
    {
        var parts = payload.Split('|');
        if (parts.Length < 3 || parts[0] == Node || !Guid.TryParseExact(parts[1], "N", out var session)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return;
        }

        hub.Deliver(session, parts.Length >= 5 ? new ChatSignal(seq, parts[3], parts[4]) : new ChatSignal(seq));
    }
}
