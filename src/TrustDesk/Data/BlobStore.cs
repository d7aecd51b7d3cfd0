using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace TrustDesk.Data;

/// <summary>
/// Content-addressed files (raw email, attachments, evidence) under <c>{DataDirectory}/blobs/sha256/ab/cd/abcd…</c>.
/// A blob is written to a temporary file, flushed to disk and then renamed into place, so a blob that exists is
/// complete: a crash leaves at most a stray temporary file, never half a blob. The same bytes are stored once.
/// </summary>
public sealed class BlobStore
{
    private readonly string _root;

    public BlobStore(IOptions<TrustDeskOptions> options)
    {
        _root = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "blobs", "sha256");
        Directory.CreateDirectory(_root);
    }

    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>Stores the bytes durably and returns their SHA-256 (lower-case hex).</summary>
    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var hash = Hash(content.Span);
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            return hash;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return hash;
    }

    public bool Exists(string hash) => IsHash(hash) && File.Exists(PathOf(hash));

    public async Task<byte[]> GetAsync(string hash, CancellationToken cancellationToken)
    {
        if (!IsHash(hash))
        {
            throw new ArgumentException("Not a SHA-256 hex string.", nameof(hash));
        }

        return await File.ReadAllBytesAsync(PathOf(hash), cancellationToken);
    }

    /// <summary>The blob for reading as a stream (downloads of large files), or null when this store does not hold it.</summary>
    public Stream? OpenRead(string hash)
    {
        if (!IsHash(hash))
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private string PathOf(string hash) => Path.Combine(_root, hash[..2], hash[2..4], hash);

    private static bool IsHash(string hash) => hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower);
}
