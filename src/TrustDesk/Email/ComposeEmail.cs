using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;
using MimeKit.IO;
using TrustDesk.Cases;
using TrustDesk.Data;

namespace TrustDesk.Email;

/// <summary>
/// Builds the MIME message of a reply: plain text and HTML, the files the agent attached (read from the blob store now,
/// so the outbox row stays small), threading headers, our X-Loop, and a DKIM signature when configured. Every value that
/// ends up in a header goes through MimeKit's typed setters after control characters are removed, so no subject, name
/// or file name can add a header or a recipient.
/// </summary>
public sealed class ComposeEmail
{
    private readonly EmailOptions _options;
    private readonly BlobStore _blobs;
    private readonly DkimSigner? _signer;

    public ComposeEmail(IOptions<EmailOptions> options, BlobStore blobs)
    {
        _options = options.Value;
        _blobs = blobs;
        var dkim = _options.Dkim;
        if (dkim.Enabled)
        {
            using var key = dkim.PrivateKeyPem is { Length: > 0 } pem
                ? (Stream)new MemoryStream(Encoding.ASCII.GetBytes(pem))
                : File.OpenRead(dkim.PrivateKeyPath!);
            _signer = new DkimSigner(key, dkim.Domain!.Trim(), dkim.Selector!.Trim(), DkimSignatureAlgorithm.RsaSha256)
            {
                HeaderCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                BodyCanonicalizationAlgorithm = DkimCanonicalizationAlgorithm.Relaxed,
                AgentOrUserIdentifier = "@" + dkim.Domain.Trim(),
            };
        }
    }

    private static readonly HeaderId[] SignedHeaders =
        [HeaderId.From, HeaderId.To, HeaderId.Subject, HeaderId.Date, HeaderId.MessageId, HeaderId.InReplyTo, HeaderId.References, HeaderId.ContentType];

    public static MailboxAddress? ParseAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ',' or ';' or '<' or '>' or '"'))
        {
            return null;
        }

        return MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal) ? mailbox : null;
    }

    /// <param name="attachments">The reply's files; refused ones (no blob) are skipped, the kept ones go out byte for byte.</param>
    /// <exception cref="CannotComposeException">A file is missing or damaged, or the whole would exceed <see cref="RelayOptions.MaxMessageBytes"/>.</exception>
    public async Task<MimeMessage> ComposeAsync(OutboundEmail email, IEnumerable<MessageAttachment> attachments, DateTime now, CancellationToken cancellationToken)
    {
        var to = ParseAddress(email.ToAddress) ?? throw new FormatException($"Not a deliverable address: {email.ToAddress}");
        var from = ParseAddress(_options.EffectiveFromAddress) ?? throw new FormatException("TrustDesk:Email:FromAddress is not an address.");
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(ParseEmail.CleanLine(_options.FromName, 200), from.Address));
        message.To.Add(new MailboxAddress(ParseEmail.CleanLine(email.ToName, 200), to.Address));
        message.Subject = ParseEmail.CleanLine(email.Subject, 400) ?? "";
        message.Date = new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
        message.MessageId = email.MessageIdHeader;
        if (email.InReplyTo is { } inReplyTo)
        {
            message.InReplyTo = inReplyTo;
        }

        foreach (var reference in (email.References ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            message.References.Add(reference);
        }

        message.Headers.Add("X-Loop", from.Address.ToLowerInvariant());
        var body = new BodyBuilder { TextBody = email.Text, HtmlBody = ToHtml(email.Text) };
        var kept = attachments.Where(a => a.BlobHash is not null).OrderBy(a => a.Id).ToList();
        var limit = _options.Relay.MaxMessageBytes;
        // Cheap first: base64 only makes files larger, so files already over the limit are never read.
        if (kept.Sum(a => a.Size) is var raw && raw > limit)
        {
            throw TooLarge(raw, limit);
        }

        foreach (var attachment in kept)
        {
            body.Attachments.Add(await ReadAttachmentAsync(attachment, cancellationToken));
        }

        message.Body = body.ToMessageBody();

        if (_signer is not null)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            _signer.Sign(message, SignedHeaders);
        }

        // The size the relay will see (encoded files, headers, signature): over the limit it is refused as a whole, never cut.
        using var measure = new MeasuringStream();
        await message.WriteToAsync(measure, cancellationToken);
        if (measure.Length > limit)
        {
            throw TooLarge(measure.Length, limit);
        }

        return message;
    }

    private async Task<MimePart> ReadAttachmentAsync(MessageAttachment attachment, CancellationToken cancellationToken)
    {
        var name = Cases.DownloadAttachment.SafeFileName(attachment.FileName);
        byte[] bytes;
        try
        {
            bytes = await _blobs.GetAsync(attachment.BlobHash!, cancellationToken);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            // Not permanent: with several nodes, another one (or this one once its disk is back) may hold the file.
            throw new CannotComposeException($"The attached file {name} is not in this node's blob store.", permanent: false);
        }

        if (BlobStore.Hash(bytes) != attachment.BlobHash)
        {
            throw new CannotComposeException($"The attached file {name} is damaged in the blob store (its SHA-256 no longer matches).", permanent: true);
        }

        // The type the bytes were found to be, limited to the harmless list downloads use: never the type someone declared.
        var part = new MimePart(ContentType.Parse(Cases.DownloadAttachment.ServedType(attachment.DetectedType)))
        {
            Content = new MimeContent(new MemoryStream(bytes, writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            // MimeKit writes the name as an RFC 2231 parameter (encoded when not plain ASCII), so it cannot break the header.
            FileName = name,
        };
        return part;
    }

    /// <summary>
    /// The least a reply with files of these sizes can be as sent (their base64, nothing else): over the relay's limit it
    /// will fail for sure, so the composer can say so before the agent sends. Never more than the real size.
    /// </summary>
    public static long LeastSentBytes(IEnumerable<long> fileSizes) => fileSizes.Sum(size => (size + 2) / 3 * 4);

    private static CannotComposeException TooLarge(long size, long limit) => new(
        $"The reply with its attachments is {Megabytes(size)}; mail to the relay may be at most {Megabytes(limit)} " +
        $"(TrustDesk:Email:Relay:MaxMessageBytes). Nothing was sent: send fewer or smaller files.", permanent: true);

    private static string Megabytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB");

    /// <summary>The reply's HTML: the text, HTML-encoded, paragraphs kept. Nothing an agent types becomes markup.</summary>
    public static string ToHtml(string text)
    {
        var builder = new StringBuilder("<div style=\"font-family: sans-serif; font-size: 14px;\">");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n"))
        {
            builder.Append("<p>").Append(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        return builder.Append("</div>").ToString();
    }
}

/// <summary>A reply that cannot be turned into a message; permanent ones fail at once, the others are tried again later.</summary>
public sealed class CannotComposeException(string message, bool permanent) : Exception(message)
{
    public bool Permanent { get; } = permanent;
}
