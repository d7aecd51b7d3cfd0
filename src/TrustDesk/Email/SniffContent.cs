namespace TrustDesk.Email;

/// <summary>
/// What a file really is, from its first bytes: the declared Content-Type and the file name are the sender's word and
/// are never trusted. A file whose bytes say "program" or "script" is refused; one whose bytes contradict its
/// declared type is kept but flagged.
/// </summary>
public static class SniffContent
{
    public sealed record Verdict(string? DetectedType, string? Problem, bool Refuse);

    private static readonly (byte[] Magic, int Offset, string Type)[] Signatures =
    [
        ("%PDF-"u8.ToArray(), 0, "application/pdf"),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], 0, "image/png"),
        ([0xFF, 0xD8, 0xFF], 0, "image/jpeg"),
        ("GIF87a"u8.ToArray(), 0, "image/gif"),
        ("GIF89a"u8.ToArray(), 0, "image/gif"),
        ("BM"u8.ToArray(), 0, "image/bmp"),
        ([0x49, 0x49, 0x2A, 0x00], 0, "image/tiff"),
        ([0x4D, 0x4D, 0x00, 0x2A], 0, "image/tiff"),
        ("WEBP"u8.ToArray(), 8, "image/webp"),
        ("ftypheic"u8.ToArray(), 4, "image/heic"),
        ("ftyp"u8.ToArray(), 4, "video/mp4"),
        ([0x50, 0x4B, 0x03, 0x04], 0, "application/zip"),
        ([0x50, 0x4B, 0x05, 0x06], 0, "application/zip"),
        ([0x1F, 0x8B], 0, "application/gzip"),
        ("Rar!"u8.ToArray(), 0, "application/vnd.rar"),
        ([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C], 0, "application/x-7z-compressed"),
        ([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], 0, "application/x-ole-storage"),
        ("MZ"u8.ToArray(), 0, "application/x-msdownload"),
        ([0x7F, 0x45, 0x4C, 0x46], 0, "application/x-elf"),
        ([0xCF, 0xFA, 0xED, 0xFE], 0, "application/x-mach-binary"),
        ([0xCA, 0xFE, 0xBA, 0xBE], 0, "application/x-mach-binary"),
        ("#!"u8.ToArray(), 0, "text/x-shellscript"),
    ];

    private static readonly HashSet<string> Executable = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/x-msdownload", "application/x-elf", "application/x-mach-binary", "text/x-shellscript", "text/html", "image/svg+xml",
    };

    private static readonly HashSet<string> DangerousExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".exe", ".scr", ".com", ".bat", ".cmd", ".pif", ".msi", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta", ".ps1", ".jar", ".lnk",
        ".dll", ".sh", ".app", ".html", ".htm", ".svg", ".xhtml", ".iso", ".img",
    };

    /// <summary>Zip containers that documents use: a .docx is a zip and that is no lie.</summary>
    private static readonly string[] ZipBased = ["application/zip", "application/vnd.openxmlformats", "application/epub", "application/vnd.oasis", "application/java-archive", "application/x-zip"];
    private static readonly string[] OleBased = ["application/msword", "application/vnd.ms-", "application/x-ole-storage", "application/vnd.visio"];

    public static string? Detect(ReadOnlySpan<byte> head)
    {
        foreach (var (magic, offset, type) in Signatures)
        {
            if (head.Length >= offset + magic.Length && head.Slice(offset, magic.Length).SequenceEqual(magic))
            {
                return type;
            }
        }

        var text = System.Text.Encoding.UTF8.GetString(head[..Math.Min(head.Length, 512)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n').ToLowerInvariant();
        if (text.StartsWith("<svg", StringComparison.Ordinal) || (text.StartsWith("<?xml", StringComparison.Ordinal) && text.Contains("<svg", StringComparison.Ordinal)))
        {
            return "image/svg+xml";
        }

        if (text.StartsWith("<!doctype html", StringComparison.Ordinal) || text.StartsWith("<html", StringComparison.Ordinal)
            || text.StartsWith("<script", StringComparison.Ordinal) || text.StartsWith("<head", StringComparison.Ordinal))
        {
            return "text/html";
        }

        return LooksLikeText(head) ? "text/plain" : null;
    }

    public static Verdict Check(string declaredType, string fileName, ReadOnlySpan<byte> head)
    {
        var detected = Detect(head);
        var declared = declaredType.ToLowerInvariant();
        var extension = Path.GetExtension(fileName);

        if (detected is not null && Executable.Contains(detected))
        {
            return new Verdict(detected, $"Refused: the content is {detected} (declared {declared}).", Refuse: true);
        }

        if (extension.Length > 0 && DangerousExtensions.Contains(extension))
        {
            return new Verdict(detected, $"Refused: {extension} files can run code.", Refuse: true);
        }

        if (!Agrees(declared, detected))
        {
            return new Verdict(detected, $"Type mismatch: declared {declared}, content is {detected ?? "unrecognised binary"}.", Refuse: false);
        }

        return new Verdict(detected, null, Refuse: false);
    }

    private static bool Agrees(string declared, string? detected)
    {
        if (declared is "application/octet-stream" or "")
        {
            return true;
        }

        if (detected is null)
        {
            // Unrecognised bytes are fine for types we have no signature for, but an "image" or "pdf" must look like one.
            return !(declared.StartsWith("image/", StringComparison.Ordinal) || declared == "application/pdf" || declared.StartsWith("text/", StringComparison.Ordinal));
        }

        if (declared == detected)
        {
            return true;
        }

        return detected switch
        {
            "image/jpeg" => declared is "image/jpg" or "image/pjpeg",
            "application/zip" => ZipBased.Any(z => declared.StartsWith(z, StringComparison.Ordinal)),
            "application/x-ole-storage" => OleBased.Any(o => declared.StartsWith(o, StringComparison.Ordinal)),
            "video/mp4" => declared.StartsWith("video/", StringComparison.Ordinal) || declared.StartsWith("audio/", StringComparison.Ordinal),
            "image/bmp" => declared is "image/x-ms-bmp" or "image/x-bmp",
            "text/plain" => declared.StartsWith("text/", StringComparison.Ordinal) || declared is "application/json" or "application/xml" or "message/rfc822"
                || declared.EndsWith("+json", StringComparison.Ordinal) || declared.EndsWith("+xml", StringComparison.Ordinal) || declared == "application/pgp-signature",
            _ => false,
        };
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0)
        {
            return true;
        }

        var sample = head[..Math.Min(head.Length, 1024)];
        var control = 0;
        foreach (var b in sample)
        {
            if (b == 0)
            {
                return false;
            }

            if (b < 0x09 || (b > 0x0D && b < 0x20))
            {
                control++;
            }
        }

        return control * 20 < sample.Length;
    }
}
