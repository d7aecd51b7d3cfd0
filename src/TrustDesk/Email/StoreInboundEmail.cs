using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Intake;

namespace TrustDesk.Email;

/// <summary>
/// The first step of every way in (SMTP, IMAP, HTTP): the raw message and its row are committed through the intake
/// writer (group commit: one flush to disk for every message that arrived meanwhile), and only then does the caller
/// acknowledge. A message already
/// stored (same Message-ID, or same content when it has none) is acknowledged again and not stored twice.
/// </summary>
public sealed class StoreInboundEmail(TrustDeskDb db, IntakeWriter writer, ProcessInboundEmails processor,
    IOptions<EmailOptions> options, TimeProvider time)
{
    public abstract record Result;

    /// <param name="Duplicate">The message was stored before (by this or another way in).</param>
    public sealed record Stored(Guid Id, string? MessageId, bool Duplicate) : Result;

    public sealed record TooLarge(long Size, long Limit) : Result;

    public async Task<Result> HandleAsync(ReadOnlyMemory<byte> raw, string source, string? sourceDetail, string? envelopeFrom, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxMessageBytes;
        if (raw.Length > limit)
        {
            return new TooLarge(raw.Length, limit);
        }

        var headers = ParseEmail.ParseHeaders(raw);
        var messageId = ParseEmail.NormaliseMessageId(headers?["Message-ID"]);
        var sender = headers is null ? null : ParseEmail.Sender(TryParseAddresses(headers["From"])).Address;
        var dedupeKey = messageId is not null ? "mid:" + messageId : "sha256:" + ContentHash(raw, headers);
        if (dedupeKey.Length > InboundEmail.DedupeKeyMaxLength)
        {
            dedupeKey = "sha256:" + ContentHash(raw, headers);
        }

        var earlier = await FindAsync(dedupeKey, cancellationToken);
        if (earlier is not null)
        {
            return new Stored(earlier.Value, messageId, Duplicate: true);
        }

        var row = new InboundEmail(dedupeKey, messageId, raw.ToArray(), source, sourceDetail, envelopeFrom, sender, time.GetUtcNow().UtcDateTime);
        Guid id;
        bool duplicate;
        try
        {
            (id, duplicate) = await writer.SubmitAsync(new StoreWork(row), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another node (or a concurrent batch) stored the same message between our look-up and our commit.
            id = await FindAsync(dedupeKey, CancellationToken.None) ?? throw new InvalidOperationException("The message was neither stored nor found.");
            duplicate = true;
        }

        if (!duplicate)
        {
            processor.Wake();
        }

        return new Stored(id, messageId, duplicate);
    }

    private async Task<Guid?> FindAsync(string dedupeKey, CancellationToken cancellationToken) =>
        await FindByDedupeKey.GetOrAdd(db.Model, _ => EF.CompileAsyncQuery(
            (TrustDeskDb context, string key, CancellationToken _) =>
                context.Set<InboundEmail>().AsNoTracking().Where(e => e.DedupeKey == key).Select(e => (Guid?)e.Id).FirstOrDefault()))(db, dedupeKey, cancellationToken);

    // Asked once per message on the SMTP session's thread: compiled, it skips building and looking up the LINQ query each
    // time, which cost more CPU than SQLite answering it. A compiled query serves one model, so one per provider's model.
    private static readonly ConcurrentDictionary<Microsoft.EntityFrameworkCore.Metadata.IModel, Func<TrustDeskDb, string, CancellationToken, Task<Guid?>>>
        FindByDedupeKey = new();

    private static MimeKit.InternetAddressList? TryParseAddresses(string? value) =>
        value is not null && MimeKit.InternetAddressList.TryParse(value, out var list) ? list : null;

    /// <summary>
    /// For messages without a Message-ID: the body and the headers the author wrote, not those relays add on the way
    /// (Received, Return-Path), so the same message fetched by IMAP and received by SMTP has the same key.
    /// </summary>
    private static string ContentHash(ReadOnlyMemory<byte> raw, MimeKit.HeaderList? headers)
    {
        var span = raw.Span;
        var bodyStart = span.IndexOf("\r\n\r\n"u8) is var crlf and >= 0 ? crlf + 4 : span.IndexOf("\n\n"u8) is var lf and >= 0 ? lf + 2 : span.Length;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var field in new[] { "From", "To", "Date", "Subject", "In-Reply-To" })
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{field}:{headers?[field]?.Trim()}\n"));
        }

        sha.AppendData(span[bodyStart..]);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private sealed class StoreWork(InboundEmail row) : IntakeWork<(Guid Id, bool Duplicate)>
    {
        // The messages each group commit stores, by dedupe key. Asking the context instead (DbSet.Local, Entry) detected
        // changes on every row the commit tracks, each with its raw message, once per message: on the intake writer's
        // thread, which every SMTP sender waits for.
        private static readonly ConditionalWeakTable<IntakeBatch, Dictionary<string, Guid>> StoredByBatch = new();

        private (Guid, bool) _outcome;

        internal override void Collect(IntakeBatch.Needs needs)
        {
        }

        internal override void Apply(IntakeBatch batch)
        {
            // Two copies in one group commit (the same message by SMTP and IMAP at once): the second is the duplicate.
            var stored = StoredByBatch.GetOrCreateValue(batch);
            if (stored.TryGetValue(row.DedupeKey, out var twin))
            {
                _outcome = (twin, true);
                return;
            }

            // A batch is applied once, to a context of its own (a retry alone gets a new batch), so the row is new to it.
            batch.Db.InboundEmails.Add(row);
            stored[row.DedupeKey] = row.Id;
            _outcome = (row.Id, false);
        }

        protected override (Guid Id, bool Duplicate) BuildOutcome() => _outcome;
    }
}
