using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Cases;

/// <summary>
/// A file that came with a message (an email attachment or inline image). The bytes live in the blob store under
/// their SHA-256; the declared type is kept beside the type the bytes turned out to be.
/// </summary>
public sealed class MessageAttachment
{
    public const int FileNameMaxLength = 255;
    public const int ContentTypeMaxLength = 127;

    private MessageAttachment()
    {
    }

    public MessageAttachment(
        string fileName, string declaredType, string? detectedType, long size, string? blobHash, bool inline, string? contentId, string? problem, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        FileName = Clip(fileName, FileNameMaxLength);
        DeclaredType = Clip(declaredType, ContentTypeMaxLength);
        DetectedType = detectedType is null ? null : Clip(detectedType, ContentTypeMaxLength);
        Size = size;
        BlobHash = blobHash;
        Inline = inline;
        ContentId = contentId is null ? null : Clip(contentId, 255);
        Problem = problem is null ? null : Clip(problem, 400);
    }

    public Guid Id { get; private set; }
    public Guid MessageId { get; private set; }

    /// <summary>
    /// Where the file comes among its message's files, from 0: the order the sender or agent attached them in. Ids
    /// cannot tell it: two files made in the same millisecond get version-7 ids in random order.
    /// </summary>
    public int Position { get; private set; }
    public string FileName { get; private set; } = "";

    /// <summary>What the sender said the type is (never trusted).</summary>
    public string DeclaredType { get; private set; } = "";

    /// <summary>What the first bytes say, when they match a known signature.</summary>
    public string? DetectedType { get; private set; }
    public long Size { get; private set; }

    /// <summary>The SHA-256 of the bytes in the blob store; null when the file was refused and not kept.</summary>
    public string? BlobHash { get; private set; }
    public bool Inline { get; private set; }
    public string? ContentId { get; private set; }

    /// <summary>Why the file is flagged or refused (type mismatch, too large, executable); null when it is fine.</summary>
    public string? Problem { get; private set; }

    internal void PlaceAt(int position) => Position = position;

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>How <see cref="MessageAttachment"/> is stored.</summary>
internal sealed class MessageAttachmentConfiguration : IEntityTypeConfiguration<MessageAttachment>
{
    public void Configure(EntityTypeBuilder<MessageAttachment> b)
    {
        b.ToTable("MessageAttachments");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.FileName).HasMaxLength(MessageAttachment.FileNameMaxLength);
        b.Property(a => a.DeclaredType).HasMaxLength(MessageAttachment.ContentTypeMaxLength);
        b.Property(a => a.DetectedType).HasMaxLength(MessageAttachment.ContentTypeMaxLength);
        b.Property(a => a.BlobHash).HasMaxLength(64);
        b.Property(a => a.ContentId).HasMaxLength(255);
        b.Property(a => a.Problem).HasMaxLength(400);
        b.HasIndex(a => a.MessageId);
    }
}
