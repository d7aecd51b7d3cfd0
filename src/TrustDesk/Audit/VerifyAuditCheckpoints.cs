using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Audit;

/// <summary>
/// Checks the chain against signed checkpoints kept outside the database. With the chain intact from its first entry,
/// an entry that still hashes to what a checkpoint signed proves every entry up to it unchanged; a checkpoint beyond
/// the chain's end proves entries were cut from the end.
/// </summary>
public static class VerifyAuditCheckpoints
{
    public sealed record Outcome(bool Intact, long Entries, string HeadHash, int CheckpointsChecked, string? Problem);

    public static async Task<Outcome> VerifyAsync(TrustDeskDb db, IReadOnlyList<AuditCheckpoint> checkpoints, AuditSigningKey key, CancellationToken cancellationToken)
    {
        var chain = await VerifyAuditChain.VerifyAsync(db, cancellationToken);
        if (!chain.Intact)
        {
            return new Outcome(false, chain.Entries, chain.HeadHash, 0, $"the chain is broken at entry #{chain.BrokenAt}: {chain.Problem}");
        }

        var checkedCount = 0;
        foreach (var checkpoint in checkpoints.OrderBy(c => c.Sequence))
        {
            if (!checkpoint.IsSignedBy(key))
            {
                return new Outcome(false, chain.Entries, chain.HeadHash, checkedCount,
                    $"the checkpoint of entry #{checkpoint.Sequence} ({checkpoint.At:O}) is not signed by key {key.KeyId} (its key id says {checkpoint.KeyId}): it was altered or made elsewhere");
            }

            if (checkpoint.Sequence > chain.Entries)
            {
                return new Outcome(false, chain.Entries, chain.HeadHash, checkedCount,
                    $"the chain ends at entry #{chain.Entries}, but a checkpoint of {checkpoint.At:O} saw #{checkpoint.Sequence}: entries were cut from the end");
            }

            var hash = await HashAtAsync(db, checkpoint.Sequence, cancellationToken);
            if (hash != checkpoint.HeadHash)
            {
                return new Outcome(false, chain.Entries, chain.HeadHash, checkedCount,
                    $"entry #{checkpoint.Sequence} no longer hashes to what the checkpoint of {checkpoint.At:O} signed: entries up to #{checkpoint.Sequence} were rewritten (and the hashes after them recomputed)");
            }

            checkedCount++;
        }

        return new Outcome(true, chain.Entries, chain.HeadHash, checkedCount, null);
    }

    internal static Task<string?> HashAtAsync(TrustDeskDb db, long sequence, CancellationToken cancellationToken) =>
        db.AuditEntries.AsNoTracking().Where(e => e.Sequence == sequence).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Walks the chain after entry <paramref name="sequence"/>, which must still hash to <paramref name="hash"/>: the
    /// incremental check made before each new checkpoint, so a checkpoint never signs over a chain already broken.
    /// Returns the head, or the problem.
    /// </summary>
    internal static async Task<(long Sequence, string Hash, string? Problem)> VerifyFromAsync(
        TrustDeskDb db, long sequence, string hash, CancellationToken cancellationToken)
    {
        var stored = await db.AuditEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Sequence == sequence, cancellationToken);
        if (stored is null || stored.Hash != hash || stored.ComputeHash() != hash)
        {
            return (sequence, hash, $"entry #{sequence} is gone or differs from the last checkpoint");
        }

        var previous = hash;
        var last = sequence;
        while (true)
        {
            var page = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(1_000).ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return (last, previous, null);
            }

            foreach (var entry in page)
            {
                if (entry.Sequence != last + 1 || entry.PreviousHash != previous || entry.ComputeHash() != entry.Hash)
                {
                    return (last, previous, $"entry #{entry.Sequence} does not follow entry #{last} in the chain");
                }

                previous = entry.Hash;
                last = entry.Sequence;
            }
        }
    }
}
