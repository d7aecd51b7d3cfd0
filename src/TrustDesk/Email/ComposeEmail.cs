using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Cryptography;

namespace TrustDesk.Email;

/// <summary>
/// Builds the MIME message of a reply: plain text and HTML, threading headers, our X-Loop, and a DKIM signature when
/// configured. Every value that ends up in a header goes through MimeKit's typed setters after control characters are
/// removed, so no subject or name can add a header or a recipient.
/// </summary>
public sealed class ComposeEmail
{
    private readonly EmailOptions _options;
    private readonly DkimSigner? _signer;

    public ComposeEmail(IOptions<EmailOptions> options)
    {
        _options = options.Value;
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

    public MimeMessage Compose(OutboundEmail email, DateTime now)
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
        message.Body = body.ToMessageBody();

        if (_signer is not null)
        {
            message.Prepare(EncodingConstraint.SevenBit);
            _signer.Sign(message, SignedHeaders);
        }

        return message;
    }

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
