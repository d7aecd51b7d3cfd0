using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace TrustDesk.Audit;

/// <summary>
/// A signed statement "the audit chain had <see cref="Sequence"/> entries and its head hash was <see cref="HeadHash"/>
/// at <see cref="At"/>". The chain alone is unkeyed, so whoever holds the database can rewrite a row and recompute
/// every hash after it, or cut the newest rows; a checkpoint kept outside the database, signed with a key the database
/// never sees, catches both: the entry at <see cref="Sequence"/> must still exist and still hash to <see cref="HeadHash"/>.
/// </summary>
public sealed record AuditCheckpoint(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("headHash")] string HeadHash,
    [property: JsonPropertyName("at")] DateTime At,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("signature")] string Signature)
{
    public const int CurrentVersion = 1;

    /// <summary>The exact bytes signed: a fixed prefix (so no other message of ours can pass for one), then the fields, one per line.</summary>
    public static byte[] SignedBytes(long sequence, string headHash, DateTime at) => Encoding.UTF8.GetBytes(string.Join('\n',
        "trustdesk-audit-checkpoint-v1",
        sequence.ToString(CultureInfo.InvariantCulture),
        headHash,
        at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)));

    public static AuditCheckpoint Sign(long sequence, string headHash, DateTime at, AuditSigningKey key)
    {
        at = DateTime.SpecifyKind(at, DateTimeKind.Utc);
        return new(CurrentVersion, sequence, headHash, at, key.KeyId, Convert.ToBase64String(key.Sign(SignedBytes(sequence, headHash, at))));
    }

    /// <summary>True when the signature is this key's over these fields.</summary>
    public bool IsSignedBy(AuditSigningKey key)
    {
        try
        {
            return Version == CurrentVersion && key.Verify(SignedBytes(Sequence, HeadHash, At), Convert.FromBase64String(Signature));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>One line of JSON: the form the file sink appends and the webhook receives.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a file of checkpoints: one JSON object, a JSON array, or one object per line.</summary>
    public static List<AuditCheckpoint> ParseMany(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            return JsonSerializer.Deserialize<List<AuditCheckpoint>>(trimmed, Json) ?? [];
        }

        return trimmed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonSerializer.Deserialize<AuditCheckpoint>(line, Json) ?? throw new JsonException("An empty line of checkpoint JSON."))
            .ToList();
    }
}

/// <summary>
/// The Ed25519 key that signs checkpoints. The private key lives in a file outside the database (and outside the data
/// directory, so a copy of one is not a copy of the other); its public half sits beside it in <c>.pub</c> and is all a
/// verifier needs — an auditor can check checkpoints without being able to make them.
/// </summary>
public sealed class AuditSigningKey
{
    private readonly Ed25519PrivateKeyParameters? _private;
    private readonly Ed25519PublicKeyParameters _public;

    private AuditSigningKey(Ed25519PrivateKeyParameters? privateKey, Ed25519PublicKeyParameters publicKey)
    {
        _private = privateKey;
        _public = publicKey;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKey.GetEncoded()))[..16];
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the public key: says which key signed, not a secret.</summary>
    public string KeyId { get; }

    public bool CanSign => _private is not null;

    public string PublicKeyBase64 => Convert.ToBase64String(_public.GetEncoded());

    public byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _private ?? throw new InvalidOperationException("This is a public key only; checkpoints need the private key file."));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    public bool Verify(byte[] message, byte[] signature)
    {
        var verifier = new Ed25519Signer();
        verifier.Init(false, _public);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    private const string PrivateHeader = "# TrustDesk audit checkpoint signing key: Ed25519 private key, base64. Keep it away from the database and its backups.";
    private const string PublicHeader = "# TrustDesk audit checkpoint verification key: Ed25519 public key, base64.";

    /// <summary>Reads the private key file, or makes one (readable by its owner only) with its <c>.pub</c> beside it.</summary>
    public static AuditSigningKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Load(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var privateKey = new Ed25519PrivateKeyParameters(new Org.BouncyCastle.Security.SecureRandom());
        var key = new AuditSigningKey(privateKey, privateKey.GeneratePublicKey());
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(path, Encoding.ASCII, options))
            {
                writer.Write(PrivateHeader + "\n" + Convert.ToBase64String(privateKey.GetEncoded()) + "\n");
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another node or command made it first: use theirs.
            return Load(path);
        }

        File.WriteAllText(path + ".pub", PublicHeader + "\n" + key.PublicKeyBase64 + "\n", Encoding.ASCII);
        return key;
    }

    /// <summary>A private key file (signs and verifies) or a <c>.pub</c> file (verifies only).</summary>
    public static AuditSigningKey Load(string path)
    {
        var lines = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count != 1)
        {
            throw new InvalidDataException($"{path} is not a TrustDesk audit key file (one base64 line expected).");
        }

        var bytes = Convert.FromBase64String(lines[0]);
        if (bytes.Length != 32)
        {
            throw new InvalidDataException($"{path} does not hold a 32-byte Ed25519 key.");
        }

        if (path.EndsWith(".pub", StringComparison.Ordinal))
        {
            return new AuditSigningKey(null, new Ed25519PublicKeyParameters(bytes));
        }

        var privateKey = new Ed25519PrivateKeyParameters(bytes);
        return new AuditSigningKey(privateKey, privateKey.GeneratePublicKey());
    }
}
