using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using UtfUnknown;

namespace TrustDesk.Email;

/// <summary>
/// Bytes of a text part or a raw header to text, in whatever charset the sender's client wrote. .NET knows only the
/// Unicode encodings and Latin-1 until the code-pages provider is registered (<see cref="Register"/>, at start-up);
/// without it Windows-1252, GB2312, Shift_JIS, Big5, EUC-KR, Windows-1251 and ISO-2022-JP mail came out garbled.
/// The declared charset is trusted when the bytes agree with it; when the label is absent, unknown, or cannot be right
/// (bytes invalid in it, or a Western label on bytes that form CJK text), the charset is detected (UTF.Unknown, a port
/// of Mozilla's detector). The result is always clean text: valid UTF-16 (so valid UTF-8 when stored), no NUL and no C0
/// control characters but tab and newline.
/// </summary>
public static partial class EmailCharsets
{
    private static int _registered;

    /// <summary>Makes every code page .NET ships available to <see cref="Encoding.GetEncoding(string)"/>; idempotent.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        }
    }

    static EmailCharsets() => Register();

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?\s*([A-Za-z0-9_:.\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();

    /// <summary>
    /// The encoding a label stands for, with the substitutions browsers make (WHATWG Encoding): mail labelled ISO-8859-1 or
    /// US-ASCII is in practice Windows-1252 (Outlook's curly quotes and euro sign), GB2312 mail is GBK (a superset), and
    /// EUC-KR mail is code page 949. Null for an unknown label.
    /// </summary>
    public static Encoding? ForLabel(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return null;
        }

        var name = label.Trim().Trim('"', '\'').ToLowerInvariant() switch
        {
            "us-ascii" or "ascii" or "iso-8859-1" or "iso8859-1" or "latin1" or "latin-1" or "l1" or "cp1252" or "x-cp1252" => "windows-1252",
            "gb2312" or "gb_2312-80" or "csgb2312" or "x-gbk" or "gbk" or "cp936" or "euc-cn" => "gbk",
            "euc-kr" or "ks_c_5601-1987" or "ks_c_5601" or "csksc56011987" or "cp949" or "korean" => "ks_c_5601-1987",
            "shift_jis" or "shift-jis" or "sjis" or "x-sjis" or "ms_kanji" or "cp932" or "windows-31j" => "shift_jis",
            "big5" or "big5-hkscs" or "x-x-big5" or "cn-big5" or "cp950" => "big5",
            "utf8" => "utf-8",
            var other => other,
        };
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The body of a text part as text: by its declared charset, an HTML part's meta charset, or detection.</summary>
    public static string DecodePart(TextPart part, byte[] bytes)
    {
        var label = part.ContentType.Charset;
        if (string.IsNullOrWhiteSpace(label) && part.IsHtml)
        {
            var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 2048));
            if (MetaCharset().Match(head) is { Success: true } meta)
            {
                label = meta.Groups[1].Value;
            }
        }

        return Decode(bytes, label);
    }

    /// <summary>Bytes to clean text, by <paramref name="label"/> when the bytes agree with it, by detection otherwise.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? label) => Clean(EncodingFor(bytes, label).GetString(bytes));

    /// <summary>The encoding to read <paramref name="bytes"/> with (see the class remarks for the order of trust).</summary>
    public static Encoding EncodingFor(ReadOnlySpan<byte> bytes, string? label)
    {
        if (bytes.IndexOfAnyInRange((byte)0x80, (byte)0xff) < 0 && !bytes.Contains((byte)0x1b))
        {
            // Plain ASCII reads the same in every charset but UTF-7/16/32, which mail never really uses for text.
            return ForLabel(label) is { } plain && plain.CodePage is 1200 or 1201 or 12000 or 12001 or 65000 ? plain : Encoding.UTF8;
        }

        var declared = ForLabel(label);
        if (declared is not null && declared.CodePage != 1252 && Fits(declared, bytes))
        {
            return declared;
        }

        // No label, an unknown one, one the bytes contradict, or a Western one (the label most often wrong: the mislabelled
        // GB2312 mail of the corpus said iso-8859-1, and Windows-1252 decodes any bytes at all).
        if (Fits(Utf8Strict, bytes))
        {
            return Encoding.UTF8;
        }

        if (Detect(bytes) is { } detected)
        {
            // A label the bytes fit is overruled only by a multi-byte reading (GB2312 labelled iso-8859-1): Western text with
            // a few accented letters can look like Cyrillic or Greek to a detector, CJK text cannot look Western.
            if (declared is null || !Fits(declared, bytes) || (!detected.Encoding.IsSingleByte && detected.Confidence >= 0.5))
            {
                return detected.Encoding;
            }
        }

        return declared is not null && Fits(declared, bytes) ? declared : Windows1252;
    }

    /// <summary>No NUL, no C0 control characters but tab and newline (CR LF and lone CR become LF), no lone surrogates.</summary>
    public static string Clean(string text)
    {
        var bad = false;
        foreach (var c in text)
        {
            if ((c < 0x20 && c is not '\t' and not '\n') || c == 0x7f || char.IsSurrogate(c))
            {
                bad = true;
                break;
            }
        }

        if (!bad)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 >= text.Length || text[i + 1] != '\n')
                {
                    builder.Append('\n');
                }
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else if ((c >= 0x20 && c != 0x7f) || c is '\t' or '\n')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The charset 8-bit (unencoded) header bytes are in, for MimeKit's <see cref="ParserOptions.CharsetEncoding"/>: UTF-8
    /// when they are valid UTF-8 or there are none, otherwise the body's declared charset when the header bytes fit it, or
    /// a detected one over the header bytes and the body's. Old clients wrote Subject and From in the body's charset.
    /// </summary>
    public static Encoding? HeaderEncoding(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            end = raw.AsSpan().IndexOf("\n\n"u8);
        }

        var header = end < 0 ? raw.AsSpan() : raw.AsSpan(0, end);
        if (header.IndexOfAnyInRange((byte)0x80, (byte)0xff) < 0 || Fits(Utf8Strict, header))
        {
            return null;
        }

        // The 8-bit header values alone, then up to 4 KB of the body as context for the detector.
        var sample = new List<byte>();
        foreach (var line in SplitLines(header.ToArray()))
        {
            if (line.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xff) >= 0)
            {
                var colon = line.AsSpan().IndexOf((byte)':');
                sample.AddRange(line.AsSpan(colon + 1).ToArray());
                sample.Add((byte)'\n');
            }
        }

        var headerBytes = sample.ToArray();
        var label = Regex.Match(Encoding.Latin1.GetString(header), @"charset\s*=\s*""?([A-Za-z0-9_:.\-]+)", RegexOptions.IgnoreCase).Groups[1].Value;
        if (ForLabel(label) is { } declared && declared.CodePage != 1252 && Fits(declared, headerBytes))
        {
            return declared;
        }

        if (end >= 0)
        {
            var body = raw.AsSpan(end, Math.Min(4096, raw.Length - end));
            sample.AddRange(body.ToArray());
        }

        return Detect(sample.ToArray().AsSpan()) is { } detected && Fits(detected.Encoding, headerBytes) ? detected.Encoding : Windows1252;
    }

    private static IEnumerable<byte[]> SplitLines(byte[] header)
    {
        var start = 0;
        for (var i = 0; i <= header.Length; i++)
        {
            if (i == header.Length || header[i] == '\n')
            {
                yield return header[start..i];
                start = i + 1;
            }
        }
    }

    private static readonly Encoding Utf8Strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Encoding> StrictEncodings = new();
    private static Encoding Windows1252 => Encoding.GetEncoding(1252);

    private sealed record Detection(Encoding Encoding, float Confidence)
    {
        public int CodePage => Encoding.CodePage;
    }

    private static Detection? Detect(ReadOnlySpan<byte> bytes)
    {
        var result = CharsetDetector.DetectFromBytes(bytes.Length > 65536 ? bytes[..65536] : bytes);
        if (result.Detected is not { EncodingName: { } name } detail || detail.Confidence < 0.3)
        {
            return null;
        }

        // The detector names GB18030 for GB2312/GBK text and the strict Windows code pages for their ISO relatives.
        var encoding = ForLabel(name) ?? detail.Encoding;
        return encoding is null ? null : new Detection(encoding, detail.Confidence);
    }

    /// <summary>True when <paramref name="bytes"/> decode in <paramref name="encoding"/> without an invalid sequence.</summary>
    private static bool Fits(Encoding encoding, ReadOnlySpan<byte> bytes)
    {
        var strict = StrictEncodings.GetOrAdd(encoding.CodePage, static (_, source) =>
        {
            var clone = (Encoding)source.Clone();
            clone.DecoderFallback = DecoderFallback.ExceptionFallback;
            return clone;
        }, encoding);
        try
        {
            strict.GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
