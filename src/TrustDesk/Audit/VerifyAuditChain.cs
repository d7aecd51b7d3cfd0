using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Audit;

/// <summary>Checks the audit chain end to end (<c>trustdesk audit verify</c>, <c>GET /api/v1/audit/verify</c>).</summary>
public static class VerifyAuditChain
{
    /// <summary>The result of checking the whole chain.</summary>
    public sealed record Verification(bool Intact, long Entries, string HeadHash, long? BrokenAt, string? Problem);

    /// <summary>Walks the chain in order, recomputing each hash; names the first entry that does not fit.</summary>
    public static async Task<Verification> VerifyAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        var previous = AuditEntry.GenesisHash;
        long expected = 1;
        long last = 0;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(1_000)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return new Verification(true, expected - 1, previous, null, null);
            }

            foreach (var entry in page)
            {
                if (entry.Sequence != expected)
                {
                    return new Verification(false, expected - 1, previous, entry.Sequence,
                        $"entry #{entry.Sequence} follows #{expected - 1}: entries #{expected}..#{entry.Sequence - 1} are missing");
                }

                if (entry.PreviousHash != previous)
                {
                    return new Verification(false, expected - 1, previous, entry.Sequence,
                        $"entry #{entry.Sequence} does not point back to entry #{entry.Sequence - 1} (previous hash differs)");
                }

                if (entry.ComputeHash() != entry.Hash)
                {
                    return new Verification(false, expected - 1, previous, entry.Sequence,
                        $"entry #{entry.Sequence} ({entry.Action} at {entry.At:O}) was changed after it was written (its hash does not match its content)");
                }

                previous = entry.Hash;
                expected++;
                last = entry.Sequence;
            }
        }
    }
}
