using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// The bytes of a file that came with a message, for a caller who may see its case (<see cref="CaseAccess"/>; anyone
/// else gets 404, as for the case itself). A file from a user is hostile until proven otherwise: it is served as a
/// download, with the type its bytes were found to be — never the type the sender declared, and only types a browser
/// will not run as a page — so an attachment can never execute in the console's origin.
/// </summary>
public sealed class DownloadAttachment(TrustDeskDb db, CaseAccess access, BlobStore blobs)
{
    /// <summary>Types a sniffed file may be served as; anything else is application/octet-stream.</summary>
    private static readonly HashSet<string> ServableTypes = new(StringComparer.Ordinal)
    {
        "application/pdf", "image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/webp", "image/heic", "video/mp4",
        "application/zip", "application/gzip", "application/vnd.rar", "application/x-7z-compressed", "application/x-ole-storage", "text/plain",
    };

    public abstract record Result;

    public sealed record Found(Stream Content, string ContentType, string FileName) : Result;

    /// <summary>The attachment exists but its bytes were refused when it arrived (a program, a script) and never kept.</summary>
    public sealed record NotKept(string Reason) : Result;

    public sealed record NotFound : Result;

    /// <summary>By the attachment's id alone (ids are unique): its message and case are looked up, then checked the same way.</summary>
    public async Task<Result> HandleAsync(Guid attachmentId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var owner = await db.MessageAttachments.AsNoTracking().Where(a => a.Id == attachmentId)
            .Join(db.Messages, a => a.MessageId, m => m.Id, (a, m) => new { a.MessageId, m.CaseId })
            .FirstOrDefaultAsync(cancellationToken);
        return owner is null ? new NotFound() : await HandleAsync(owner.CaseId, owner.MessageId, attachmentId, caller, cancellationToken);
    }

    public async Task<Result> HandleAsync(long caseId, Guid messageId, Guid attachmentId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return new NotFound();
        }

        var attachment = await db.MessageAttachments.AsNoTracking()
            .Where(a => a.Id == attachmentId && a.MessageId == messageId && db.Set<Message>().Any(m => m.Id == messageId && m.CaseId == caseId))
            .FirstOrDefaultAsync(cancellationToken);
        if (attachment is null)
        {
            return new NotFound();
        }

        if (attachment.BlobHash is null)
        {
            return new NotKept(attachment.Problem ?? "The file was not kept.");
        }

        var content = blobs.OpenRead(attachment.BlobHash);
        return content is null ? new NotFound() : new Found(content, ServedType(attachment.DetectedType), SafeFileName(attachment.FileName));
    }

    /// <summary>The sniffed type when it is one a browser only displays or saves; text gets an explicit charset so nothing guesses one.</summary>
    public static string ServedType(string? detectedType) => detectedType switch
    {
        "text/plain" => "text/plain; charset=utf-8",
        { } type when ServableTypes.Contains(type) => type,
        _ => "application/octet-stream",
    };

    /// <summary>The sender's file name without control characters or path separators, so it cannot bend the header or a path.</summary>
    public static string SafeFileName(string fileName)
    {
        var cleaned = new string([.. fileName.Select(c => char.IsControl(c) || c is '/' or '\\' or '"' ? '_' : c)]).Trim().Trim('.');
        return cleaned.Length == 0 ? "attachment" : cleaned;
    }
}
