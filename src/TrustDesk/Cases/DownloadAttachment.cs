using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// The bytes of a message's attachment, for a caller who may see its case (<see cref="CaseAccess"/>): any other caller
/// gets "not found", as for the case itself (whoever sees a case sees its whole thread, notes included).
/// </summary>
public sealed class DownloadAttachment(TrustDeskDb db, CaseAccess access, BlobStore blobs)
{
    public abstract record Result;
    public sealed record File(string FileName, string ContentType, byte[] Content) : Result;
    public sealed record NotFound : Result;

    /// <summary>Refused files were never kept: there is nothing to download.</summary>
    public sealed record NotKept(string? Problem) : Result;

    public async Task<Result> HandleAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var found = await db.MessageAttachments.AsNoTracking().Where(a => a.Id == id)
            .Join(db.Messages, a => a.MessageId, m => m.Id, (a, m) => new { a.FileName, a.DetectedType, a.BlobHash, a.Problem, m.CaseId })
            .FirstOrDefaultAsync(cancellationToken);
        if (found is null || !await access.CanSeeAsync(found.CaseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        if (found.BlobHash is null || !blobs.Exists(found.BlobHash))
        {
            return new NotKept(found.Problem);
        }

        // The type served is what the bytes are (never what the sender declared); unknown bytes go out as plain octets.
        return new File(found.FileName, found.DetectedType ?? "application/octet-stream", await blobs.GetAsync(found.BlobHash, cancellationToken));
    }
}
