using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Email;

namespace TrustDesk.AgentConsole;

/// <summary>
/// A file an agent attaches in the composer: size-checked, its type judged from its bytes by the email channel's
/// <see cref="SniffContent"/> (programs and scripts refused, a type the bytes contradict flagged), then kept in the
/// content-addressed <see cref="BlobStore"/>. The message it goes with is written afterwards; a blob whose message
/// never comes is harmless (the same bytes are stored once, and nothing points at it).
/// </summary>
public sealed class StoreUpload(BlobStore blobs, TimeProvider time)
{
    public const long MaxBytes = 10 * 1024 * 1024;
    public const int MaxFiles = 5;

    public abstract record Result;
    public sealed record Stored(MessageAttachment Attachment) : Result;
    public sealed record Refused(string Reason) : Result;

    public async Task<Result> HandleAsync(string fileName, string declaredType, long size, Stream content, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/')).Trim();
        if (name.Length == 0)
        {
            return new Refused("The file has no name.");
        }

        if (size > MaxBytes)
        {
            return new Refused($"{name} is larger than {MaxBytes / (1024 * 1024)} MB.");
        }

        using var buffer = new MemoryStream((int)Math.Max(0, size));
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBytes)
        {
            return new Refused($"{name} is larger than {MaxBytes / (1024 * 1024)} MB.");
        }

        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var declared = string.IsNullOrWhiteSpace(declaredType) ? "application/octet-stream" : declaredType.Trim();
        var verdict = SniffContent.Check(declared, name, bytes.Span[..Math.Min(bytes.Length, 4096)]);
        if (verdict.Refuse)
        {
            return new Refused($"{name}: {verdict.Problem}");
        }

        var hash = await blobs.PutAsync(bytes, cancellationToken);
        return new Stored(new MessageAttachment(name, declared, verdict.DetectedType, bytes.Length, hash, inline: false, null, verdict.Problem,
            time.GetUtcNow().UtcDateTime));
    }
}
