using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;
using TrustDesk.Cases;

namespace TrustDesk.Email;

/// <summary>Why a message is not a person writing to us.</summary>
public enum EmailKind
{
    /// <summary>A person writing.</summary>
    Personal,

    /// <summary>An out-of-office or other automatic answer (Auto-Submitted, X-Autoreply, …).</summary>
    AutoReply,

    /// <summary>Bulk or list mail (Precedence bulk/junk/list, List-Id).</summary>
    Bulk,

    /// <summary>A delivery status notification about one of our replies.</summary>
    Bounce,

    /// <summary>Our own mail coming back (From one of our addresses, or carrying our X-Loop).</summary>
    Loop,
}

public sealed record EmailFile(string FileName, string DeclaredType, byte[]? Content, long Size, bool Inline, string? ContentId, SniffContent.Verdict Verdict);

public sealed record BounceReport(string? OriginalMessageId, string Reason);

/// <summary>An email as TrustDesk understands it.</summary>
public sealed record ParsedEmail(
    string? MessageId,
    IReadOnlyList<string> References,
    string? FromAddress,
    string? FromName,
    string Subject,
    string Text,
    string? QuotedText,
    string? Html,
    IReadOnlyList<EmailFile> Files,
    EmailKind Kind,
    string? KindReason,
    BounceReport? Bounce);

/// <summary>
/// Raw MIME to <see cref="ParsedEmail"/> with MimeKit, defensively: nesting and part counts are capped (nested-multipart
/// bombs), every attachment is decoded into a bounded buffer, unknown charsets fall back to UTF-8, HTML is sanitised.
/// </summary>
public static partial class ParseEmail
{
    public const int MaxReferences = 50;
    public const int MaxTextChars = AddMessage.TextMaxLength;

    [GeneratedRegex(@"\[TD-(\d{1,18})\]", RegexOptions.IgnoreCase)]
    public static partial Regex CaseToken();

    [GeneratedRegex(@"^\s*((re|fw|fwd|aw|wg|sv|vs|antw|tr|rv|ref|odp|res)\s*(\[\d+\])?\s*:\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefixes();

    public static ParserOptions ParserOptionsFor(EmailOptions options) => new()
    {
        MaxMimeDepth = Math.Max(2, options.MaxMimeDepth),
        AllowAddressesWithoutDomain = false,
        RespectContentLength = false,
    };

    /// <summary>Only the header block: fast, for the store step (dedupe key, sender).</summary>
    public static HeaderList? ParseHeaders(ReadOnlyMemory<byte> raw)
    {
        try
        {
            // Read in place where the memory is an array (it is, from every way in): no copy of the message per store.
            using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(raw, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(raw.ToArray(), writable: false);
            var parser = new MimeParser(ParserOptions.Default, stream, MimeFormat.Entity);
            return parser.ParseHeaders();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string? NormaliseMessageId(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var parsed = MimeUtils.EnumerateReferences(value).FirstOrDefault() ?? value.Trim().Trim('<', '>').Trim();
        parsed = new string(parsed.Where(c => c > 0x20 && c != 0x7f).ToArray());
        return parsed.Length is 0 or > 900 ? null : parsed;
    }

    public static (string? Address, string? Name) Sender(InternetAddressList? from)
    {
        var mailbox = from?.Mailboxes.FirstOrDefault();
        if (mailbox is null || string.IsNullOrWhiteSpace(mailbox.Address) || mailbox.Address.Length > 320 || !mailbox.Address.Contains('@', StringComparison.Ordinal)
            || mailbox.Address.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return (null, null);
        }

        return (mailbox.Address.Trim().ToLowerInvariant(), CleanLine(mailbox.Name, 200));
    }

    public static ParsedEmail Parse(byte[] raw, EmailOptions options, IReadOnlyCollection<string> ownAddresses)
    {
        using var stream = new MemoryStream(raw, writable: false);
        var parserOptions = ParserOptionsFor(options);
        if (EmailCharsets.HeaderEncoding(raw) is { } headerEncoding)
        {
            // Unencoded 8-bit headers (old clients, the corpus's Chinese and Russian mail) in the charset their bytes are in.
            parserOptions.CharsetEncoding = headerEncoding;
        }

        var message = MimeMessage.Load(parserOptions, stream);

        var (fromAddress, fromName) = Sender(message.From);
        if (fromAddress is null)
        {
            (fromAddress, fromName) = Sender(message.Sender is null ? null : new InternetAddressList([message.Sender]));
        }

        var references = new List<string>();
        if (NormaliseMessageId(message.InReplyTo) is { } inReplyTo)
        {
            references.Add(inReplyTo);
        }

        foreach (var reference in message.References.Reverse().Take(MaxReferences))
        {
            if (NormaliseMessageId(reference) is { } id && !references.Contains(id))
            {
                references.Add(id);
            }
        }

        var walk = new Walk(options);
        walk.Visit(message.Body, 0);

        string text;
        string? html = null;
        if (walk.Html is not null)
        {
            var sanitised = EmailHtml.Sanitize(walk.Html, withPlainText: walk.Text is null);
            html = sanitised.Html;
            text = walk.Text ?? sanitised.PlainText ?? "";
        }
        else
        {
            text = walk.Text ?? "";
        }

        var (fresh, quoted) = QuotedHistory.Split(text);
        fresh = Clip(fresh, MaxTextChars);
        quoted = quoted is null ? null : Clip(quoted, MaxTextChars);
        if (fresh.Trim().Length == 0)
        {
            fresh = walk.Files.Count > 0 ? $"({walk.Files.Count} attachment(s), no text)" : "(no text)";
        }

        var (kind, reason) = Classify(message, fromAddress, ownAddresses);
        return new ParsedEmail(
            NormaliseMessageId(message.MessageId), references, fromAddress, fromName, SubjectOf(message, parserOptions),
            fresh, quoted, html, walk.Files, kind, reason, kind == EmailKind.Bounce ? walk.Bounce : null);
    }

    /// <summary>
    /// The first Subject header, decoded (encoded words in any charset, raw 8-bit bytes in the message's header charset) and
    /// on one line. Not <see cref="MimeMessage.Subject"/>: MimeKit drops an encoded CR/LF while unfolding, which glued
    /// "Hello" and "Bcc: …" together; raw line breaks are folding and go, encoded ones become a space.
    /// </summary>
    public static string SubjectOf(MimeMessage message, ParserOptions options)
    {
        var header = message.Headers.FirstOrDefault(h => h.Id == HeaderId.Subject);
        if (header is null)
        {
            return "";
        }

        var raw = header.RawValue.Where(b => b is not (byte)'\r' and not (byte)'\n').ToArray();
        return CleanLine(Rfc2047.DecodeText(options, raw), 998) ?? "";
    }

    /// <summary>The subject as a case title: without Re:/Fwd: and without our [TD-n] token.</summary>
    /// <summary>True when the subject carries a reply or forward prefix ("Re:", "AW:", "Fwd:"…): it repeats the thread's.</summary>
    public static bool IsReplySubject(string subject) => ReplyPrefixes().IsMatch(CaseToken().Replace(subject, " "));

    public static string TitleFrom(string subject)
    {
        var title = CaseToken().Replace(subject, " ");
        title = ReplyPrefixes().Replace(title, "");
        title = Regex.Replace(title, @"\s+", " ").Trim();
        return title.Length == 0 ? "(no subject)" : title;
    }

    /// <summary>One line, no control characters (a decoded header may carry CR/LF), at most <paramref name="max"/> characters.</summary>
    public static string? CleanLine(string? value, int max)
    {
        if (value is null)
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(value.Length, max));
        foreach (var c in value)
        {
            if (builder.Length >= max)
            {
                break;
            }

            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c);
        }

        var line = Regex.Replace(builder.ToString(), @"\s{2,}", " ").Trim();
        return line.Length == 0 ? null : line;
    }

    private static (EmailKind Kind, string? Reason) Classify(MimeMessage message, string? fromAddress, IReadOnlyCollection<string> ownAddresses)
    {
        var headers = message.Headers;
        if (fromAddress is not null && ownAddresses.Contains(fromAddress))
        {
            return (EmailKind.Loop, $"From our own address {fromAddress}");
        }

        foreach (var loop in headers.Where(h => h.Field.Equals("X-Loop", StringComparison.OrdinalIgnoreCase)))
        {
            if (ownAddresses.Contains(loop.Value.Trim().ToLowerInvariant()))
            {
                return (EmailKind.Loop, "Carries our X-Loop header");
            }
        }

        if (message.Body is MultipartReport report && report.ReportType is { } reportType
            && reportType.Equals("delivery-status", StringComparison.OrdinalIgnoreCase))
        {
            return (EmailKind.Bounce, "Delivery status notification");
        }

        var local = fromAddress?.Split('@')[0];
        if (local is "mailer-daemon" or "postmaster" && ((message.Subject ?? "").Contains("deliver", StringComparison.OrdinalIgnoreCase)
            || (message.Subject ?? "").Contains("returned", StringComparison.OrdinalIgnoreCase) || (message.Subject ?? "").Contains("failure", StringComparison.OrdinalIgnoreCase)))
        {
            return (EmailKind.Bounce, "Bounce from " + fromAddress);
        }

        var autoSubmitted = headers["Auto-Submitted"];
        if (!string.IsNullOrWhiteSpace(autoSubmitted) && !autoSubmitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return (EmailKind.AutoReply, "Auto-Submitted: " + CleanLine(autoSubmitted, 60));
        }

        foreach (var field in new[] { "X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autoresponder" })
        {
            if (headers.Contains(field))
            {
                return (EmailKind.AutoReply, field);
            }
        }

        if (headers["X-Auto-Response-Suppress"] is { } suppress && suppress.Contains("All", StringComparison.OrdinalIgnoreCase)
            && (message.Subject ?? "").StartsWith("Automatic reply", StringComparison.OrdinalIgnoreCase))
        {
            return (EmailKind.AutoReply, "Outlook automatic reply");
        }

        var precedence = headers["Precedence"]?.Trim().ToLowerInvariant();
        if (precedence is "bulk" or "junk" or "list" or "auto_reply")
        {
            return precedence == "auto_reply" ? (EmailKind.AutoReply, "Precedence: auto_reply") : (EmailKind.Bulk, "Precedence: " + precedence);
        }

        if (headers.Contains("List-Id") || headers.Contains("List-Unsubscribe"))
        {
            return (EmailKind.Bulk, "Mailing list");
        }

        return (EmailKind.Personal, null);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>Walks the MIME tree once, with caps, collecting the body text, the HTML, the files and a DSN.</summary>
    private sealed class Walk(EmailOptions options)
    {
        private int _parts;
        private long _keptBytes;

        public string? Text { get; private set; }
        public string? Html { get; private set; }
        public List<EmailFile> Files { get; } = [];
        public BounceReport? Bounce { get; private set; }

        public void Visit(MimeEntity? entity, int depth)
        {
            if (entity is null || depth > options.MaxMimeDepth || ++_parts > options.MaxMimeParts)
            {
                return;
            }

            switch (entity)
            {
                case MultipartReport report:
                    ReadReport(report);
                    foreach (var child in report)
                    {
                        if (child is TextPart { IsAttachment: false } text && Text is null)
                        {
                            Text = Decode(text);
                        }
                    }

                    break;
                case Multipart multipart:
                    foreach (var child in multipart)
                    {
                        Visit(child, depth + 1);
                    }

                    break;
                case MessagePart attached:
                    // An attached or forwarded message is kept as a file, not walked into (its own attachments could nest without end).
                    using (var buffer = new MemoryStream())
                    {
                        attached.Message?.WriteTo(buffer);
                        AddFile(attached.ContentDisposition?.FileName ?? "attached-message.eml", "message/rfc822", buffer.ToArray(), inline: false, contentId: null);
                    }

                    break;
                case TextPart text when !text.IsAttachment && text.IsPlain && Text is null:
                    Text = Decode(text);
                    break;
                case TextPart text when !text.IsAttachment && text.IsHtml && Html is null:
                    Html = Decode(text);
                    break;
                case MimePart part:
                    ReadFile(part);
                    break;
            }
        }

        private void ReadFile(MimePart part)
        {
            var declared = part.ContentType.MimeType.ToLowerInvariant();
            var name = CleanLine(part.FileName, MessageAttachmentNameMax) ?? DefaultName(declared);
            var inline = !part.IsAttachment && part.ContentId is not null;
            if (Files.Count >= options.MaxAttachments)
            {
                Files.Add(new EmailFile(name, declared, null, 0, inline, part.ContentId, new SniffContent.Verdict(null, $"Refused: more than {options.MaxAttachments} attachments.", true)));
                return;
            }

            using var buffer = new BoundedStream(options.MaxAttachmentBytes);
            try
            {
                part.Content?.DecodeTo(buffer);
            }
            catch (BoundedStream.LimitExceededException)
            {
                Files.Add(new EmailFile(name, declared, null, buffer.Attempted, inline, part.ContentId,
                    new SniffContent.Verdict(null, $"Refused: larger than {options.MaxAttachmentBytes} bytes.", true)));
                return;
            }

            AddFile(name, declared, buffer.ToArray(), inline, part.ContentId);
        }

        private void AddFile(string name, string declared, byte[] content, bool inline, string? contentId)
        {
            if (_keptBytes + content.Length > (long)options.MaxMessageBytes * 2)
            {
                Files.Add(new EmailFile(name, declared, null, content.Length, inline, contentId, new SniffContent.Verdict(null, "Refused: the message's files are too large together.", true)));
                return;
            }

            var verdict = SniffContent.Check(declared, name, content.AsSpan(0, Math.Min(content.Length, 4096)));
            _keptBytes += verdict.Refuse ? 0 : content.Length;
            Files.Add(new EmailFile(name, declared, verdict.Refuse ? null : content, content.Length, inline, contentId, verdict));
        }

        private void ReadReport(MultipartReport report)
        {
            string? originalId = null;
            var reasons = new List<string>();
            foreach (var child in report)
            {
                switch (child)
                {
                    case MessageDeliveryStatus status:
                        foreach (var group in status.StatusGroups.Skip(1))
                        {
                            var action = group["Action"]?.Trim();
                            if (action is not null && !action.Equals("failed", StringComparison.OrdinalIgnoreCase) && !action.Equals("delayed", StringComparison.OrdinalIgnoreCase))
                            {
                                continue;
                            }

                            var recipient = group["Final-Recipient"] ?? group["Original-Recipient"];
                            var reason = string.Join(" ", new[] { action, group["Status"], group["Diagnostic-Code"] }.Where(v => !string.IsNullOrWhiteSpace(v)));
                            reasons.Add(CleanLine($"{recipient?.Split(';').Last().Trim()}: {reason}", 500)!);
                        }

                        break;
                    case MessagePart original:
                        originalId ??= NormaliseMessageId(original.Message?.MessageId);
                        break;
                }
            }

            Bounce = new BounceReport(originalId, reasons.Count > 0 ? string.Join("; ", reasons) : "The message could not be delivered.");
        }

        private static string Decode(TextPart part)
        {
            // Not part.Text: it trusts the label, and an unknown or lying one is common (EmailCharsets decides).
            using var buffer = new MemoryStream();
            part.Content?.DecodeTo(buffer);
            return EmailCharsets.DecodePart(part, buffer.GetBuffer().AsSpan(0, (int)buffer.Length).ToArray());
        }

        private static string DefaultName(string mimeType) => mimeType switch
        {
            "image/png" => "image.png",
            "image/jpeg" => "image.jpg",
            "image/gif" => "image.gif",
            "application/pdf" => "document.pdf",
            _ => "attachment",
        };
    }

    private const int MessageAttachmentNameMax = MessageAttachment.FileNameMaxLength;

    /// <summary>A write-only buffer that refuses to grow past its limit (a part that decodes to more is refused, not kept).</summary>
    private sealed class BoundedStream(long limit) : MemoryStream
    {
        public long Attempted { get; private set; }

        public sealed class LimitExceededException : Exception;

        public override void Write(byte[] buffer, int offset, int count)
        {
            Attempted += count;
            if (Length + count > limit)
            {
                throw new LimitExceededException();
            }

            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Attempted += buffer.Length;
            if (Length + buffer.Length > limit)
            {
                throw new LimitExceededException();
            }

            base.Write(buffer);
        }
    }
}
