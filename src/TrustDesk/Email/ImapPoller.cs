using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>
/// Reads existing mailboxes over IMAP (MailKit). Each mailbox runs in its own task on its own schedule, so a slow or
/// broken one never delays the others; IDLE is used where the server offers it. Progress is the last UID stored, kept
/// with the folder's UIDVALIDITY; each message is stored (blob + row) before it is flagged with the <c>$TrustDesk</c>
/// keyword (and \Seen). A message too large, or one that fails to fetch three times, is set aside and flagged
/// <c>$TrustDeskSetAside</c>: the UID moves on and the rest keeps flowing.
/// </summary>
public sealed class ImapPoller(IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider time, ILogger<ImapPoller> logger) : BackgroundService
{
    public const string StoredKeyword = "$TrustDesk";
    public const string SetAsideKeyword = "$TrustDeskSetAside";
    public const int MaxFetchFailures = 3;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mailboxes = options.Value.Imap.Where(m => !string.IsNullOrWhiteSpace(m.Host)).ToList();
        foreach (var duplicate in mailboxes.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            throw new InvalidOperationException($"Two IMAP mailboxes are named '{duplicate.Key}'; names must be unique.");
        }

        return Task.WhenAll(mailboxes.Select(m => Task.Run(() => RunMailboxAsync(m, stoppingToken), stoppingToken)));
    }

    private async Task RunMailboxAsync(ImapMailboxOptions mailbox, CancellationToken stoppingToken)
    {
        var failures = new Dictionary<uint, int>();
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var client = new ImapClient { Timeout = 60_000 };
                await client.ConnectAsync(mailbox.Host, mailbox.Port, Security(mailbox), stoppingToken);
                await client.AuthenticateAsync(mailbox.Username, mailbox.Password, stoppingToken);
                var folder = await client.GetFolderAsync(mailbox.Folder, stoppingToken);
                await folder.OpenAsync(FolderAccess.ReadWrite, stoppingToken);
                logger.LogInformation("IMAP mailbox {Mailbox} connected ({Host}, {Folder}, IDLE {Idle})", mailbox.Name, mailbox.Host, mailbox.Folder,
                    client.Capabilities.HasFlag(ImapCapabilities.Idle) && mailbox.UseIdle);
                backoff = TimeSpan.FromSeconds(1);

                while (!stoppingToken.IsCancellationRequested)
                {
                    await PollAsync(mailbox, folder, failures, stoppingToken);
                    await WaitForMailAsync(mailbox, client, folder, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "IMAP mailbox {Mailbox}: {Error}; reconnecting in {Delay}", mailbox.Name, error.Message, backoff);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromSeconds(Math.Min(300, backoff.TotalSeconds * 2));
            }
        }
    }

    private static SecureSocketOptions Security(ImapMailboxOptions mailbox) => mailbox.Security.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private async Task WaitForMailAsync(ImapMailboxOptions mailbox, ImapClient client, IMailFolder folder, CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(1, mailbox.PollSeconds));
        if (!mailbox.UseIdle || !client.Capabilities.HasFlag(ImapCapabilities.Idle))
        {
            await Task.Delay(interval, time, stoppingToken);
            await client.NoOpAsync(stoppingToken);
            return;
        }

        // IDLE until the server reports new mail, the interval passes (servers drop idle clients after ~30 min), or shutdown.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        done.CancelAfter(interval);
        void OnCountChanged(object? sender, EventArgs e) => done.Cancel();
        folder.CountChanged += OnCountChanged;
        try
        {
            await client.IdleAsync(done.Token, stoppingToken);
        }
        finally
        {
            folder.CountChanged -= OnCountChanged;
        }
    }

    private async Task PollAsync(ImapMailboxOptions mailbox, IMailFolder folder, Dictionary<uint, int> failures, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var lastUid = await GetLastUidAsync(mailbox.Name, folder.UidValidity, cancellationToken);
        var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(folder.UidValidity, (uint)Math.Min(uint.MaxValue - 1, lastUid + 1)), UniqueId.MaxValue)), cancellationToken))
            .Where(u => u.Id > lastUid).OrderBy(u => u.Id).ToList();
        if (uids.Count == 0)
        {
            return;
        }

        var sizes = (await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, cancellationToken))
            .ToDictionary(s => s.UniqueId.Id, s => s.Size ?? 0);
        foreach (var uid in uids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var size = sizes.GetValueOrDefault(uid.Id);
            if (size > (uint)settings.MaxMessageBytes)
            {
                logger.LogWarning("IMAP mailbox {Mailbox}: message UID {Uid} is {Size} bytes, over the limit of {Limit}; set aside", mailbox.Name, uid.Id, size, settings.MaxMessageBytes);
                await SetAsideAsync(mailbox, folder, uid, cancellationToken);
                continue;
            }

            try
            {
                byte[] raw;
                using (var stream = await folder.GetStreamAsync(uid, "", cancellationToken))
                using (var buffer = new MemoryStream())
                {
                    await stream.CopyToAsync(buffer, cancellationToken);
                    raw = buffer.ToArray();
                }

                await using (var scope = scopes.CreateAsyncScope())
                {
                    var result = await scope.ServiceProvider.GetRequiredService<StoreInboundEmail>()
                        .HandleAsync(raw, "imap", mailbox.Name, null, cancellationToken);
                    if (result is StoreInboundEmail.TooLarge)
                    {
                        await SetAsideAsync(mailbox, folder, uid, cancellationToken);
                        continue;
                    }
                }

                // Stored: now acknowledge to the mailbox, then move the bookmark.
                await folder.AddFlagsAsync(uid, mailbox.MarkSeen ? MessageFlags.Seen : MessageFlags.None, new HashSet<string> { StoredKeyword }, silent: true, cancellationToken);
                await AdvanceAsync(mailbox.Name, folder.UidValidity, uid.Id, cancellationToken);
                failures.Remove(uid.Id);
            }
            catch (Exception error) when (error is not OperationCanceledException && error is not IOException && error is not ImapProtocolException)
            {
                var count = failures[uid.Id] = failures.GetValueOrDefault(uid.Id) + 1;
                logger.LogWarning(error, "IMAP mailbox {Mailbox}: message UID {Uid} failed ({Count} of {Max})", mailbox.Name, uid.Id, count, MaxFetchFailures);
                if (count >= MaxFetchFailures)
                {
                    await SetAsideAsync(mailbox, folder, uid, cancellationToken);
                    failures.Remove(uid.Id);
                }
                else
                {
                    // Try the rest now and this one again at the next poll; the bookmark stays before it.
                    return;
                }
            }
        }
    }

    private async Task SetAsideAsync(ImapMailboxOptions mailbox, IMailFolder folder, UniqueId uid, CancellationToken cancellationToken)
    {
        await folder.AddFlagsAsync(uid, MessageFlags.Flagged, new HashSet<string> { SetAsideKeyword }, silent: true, cancellationToken);
        await AdvanceAsync(mailbox.Name, folder.UidValidity, uid.Id, cancellationToken);
    }

    private async Task<long> GetLastUidAsync(string mailbox, uint uidValidity, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var state = await db.ImapMailboxStates.FirstOrDefaultAsync(s => s.Mailbox == mailbox, cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        if (state is null)
        {
            db.ImapMailboxStates.Add(new ImapMailboxState(mailbox, uidValidity, now));
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }

        if (state.UidValidity != uidValidity)
        {
            logger.LogWarning("IMAP mailbox {Mailbox}: UIDVALIDITY changed ({Old} to {New}); reading it again from the start (Message-IDs prevent duplicates)",
                mailbox, state.UidValidity, uidValidity);
            state.Reset(uidValidity, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        return state.LastUid;
    }

    private async Task AdvanceAsync(string mailbox, uint uidValidity, uint uid, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var state = await db.ImapMailboxStates.FirstAsync(s => s.Mailbox == mailbox, cancellationToken);
        if (state.UidValidity == uidValidity)
        {
            state.Advance(uid, time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
