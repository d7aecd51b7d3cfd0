using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TrustDesk.Audit;

/// <summary>
/// One row of the audit trail: who did what to what, when (UTC) and from where. Rows are never updated or deleted
/// (a PostgreSQL trigger refuses it); each carries the SHA-256 of the one before it, so changing, removing or
/// inserting a row breaks the chain that <c>trustdesk audit verify</c> checks.
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 64;
    public const int DetailMaxLength = 2_000;

    /// <summary>The hash the first entry points back to.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    private AuditEntry()
    {
    }

    internal AuditEntry(long sequence, AuditRecord record, string previousHash)
    {
        Sequence = sequence;
        // PostgreSQL keeps microseconds: hash what the database will hand back.
        At = new DateTime(record.At.Ticks - record.At.Ticks % 10, DateTimeKind.Utc);
        ActorType = record.ActorType;
        ActorId = record.ActorId;
        ActorName = record.ActorName;
        Action = record.Action;
        TargetType = record.TargetType;
        TargetId = record.TargetId;
        Detail = record.Detail is { Length: > DetailMaxLength } text ? text[..DetailMaxLength] : record.Detail;
        Ip = record.Ip;
        PreviousHash = previousHash;
        Hash = ComputeHash();
    }

    /// <summary>Position in the chain: 1, 2, 3, ... with no gaps.</summary>
    public long Sequence { get; private set; }
    public DateTime At { get; private set; }
    public string ActorType { get; private set; } = "";
    public string ActorId { get; private set; } = "";
    public string ActorName { get; private set; } = "";

    /// <summary>signin.succeeded, signin.failed, mfa.enabled, case.status_changed, personal_data.revealed, user.created, ...</summary>
    public string Action { get; private set; } = "";
    public string? TargetType { get; private set; }
    public string? TargetId { get; private set; }
    public string? Detail { get; private set; }
    public string? Ip { get; private set; }
    public string PreviousHash { get; private set; } = "";
    public string Hash { get; private set; } = "";

    /// <summary>
    /// SHA-256 over a canonical form: a JSON array of every field in a fixed order, the time as round-trip UTC
    /// ticks text. JSON escaping makes the form unambiguous whatever the fields contain.
    /// </summary>
    public string ComputeHash()
    {
        var canonical = JsonSerializer.Serialize(new string?[]
        {
            "v1", Sequence.ToString(CultureInfo.InvariantCulture), At.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture),
            ActorType, ActorId, ActorName, Action, TargetType, TargetId, Detail, Ip, PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>An audit entry before it has its place in the chain.</summary>
public sealed record AuditRecord(
    DateTime At,
    string ActorType,
    string ActorId,
    string ActorName,
    string Action,
    string? TargetType,
    string? TargetId,
    string? Detail,
    string? Ip);
