using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Cases;

namespace TrustDesk.Enforcement;

/// <summary>
/// A user's complaint against an action (DSA Art. 20): worked as a case of its own in the appeals queue and decided by a
/// person who took no part in the action. One appeal per action.
/// </summary>
public sealed class Appeal
{
    public const int StatementMaxLength = 4000;

    private Appeal()
    {
    }

    public Appeal(EnforcementAction action, long caseId, string statement, string via, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        ActionId = action.Id;
        CaseId = caseId;
        Statement = statement;
        Via = via;
        Status = AppealStatuses.Open;
        SubmittedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid ActionId { get; private set; }

    /// <summary>The appeal's own case, in the appeals queue.</summary>
    public long CaseId { get; private set; }
    public string Statement { get; private set; } = "";

    /// <summary><c>link</c> (the signed link in the statement) or <c>platform</c> (forwarded by API).</summary>
    public string Via { get; private set; } = "";
    public string Status { get; private set; } = "";
    public DateTime SubmittedAt { get; private set; }
    public string? DecidedById { get; private set; }
    public string? DecidedByName { get; private set; }
    public DateTime? DecidedAt { get; private set; }
    public string? DecisionNote { get; private set; }

    public void Decide(bool overturn, Actor actor, string? note, DateTime now)
    {
        if (Status != AppealStatuses.Open)
        {
            throw new ActionRuleException($"The appeal was already decided ({Status}).");
        }

        Status = overturn ? AppealStatuses.Overturned : AppealStatuses.Upheld;
        DecidedById = actor.Id;
        DecidedByName = actor.Name;
        DecidedAt = now;
        DecisionNote = note;
    }
}

public static class AppealStatuses
{
    public const string Open = "open";
    public const string Upheld = "upheld";
    public const string Overturned = "overturned";
}

/// <summary>The key appeal links are signed with: made once, kept in the database so that every node signs alike.</summary>
public sealed class AppealLinkKey
{
    public const int SingletonId = 1;

    private AppealLinkKey()
    {
    }

    public AppealLinkKey(DateTime now)
    {
        Id = SingletonId;
        Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        CreatedAt = now;
    }

    public int Id { get; private set; }
    public string Key { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>
/// The signed link a statement of reasons carries: the action and the end of the appeal window, with an HMAC-SHA256 over
/// both. Whoever holds the link may appeal that one action until then, and nothing else; no account needed.
/// </summary>
public static class AppealLinks
{
    public static string Sign(byte[] key, Guid actionId, long expiresUnix) =>
        Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{actionId:N}.{expiresUnix}")));

    public static bool Verify(byte[] key, Guid actionId, long expiresUnix, string? signature)
    {
        if (signature is null || signature.Length > 100)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(key, actionId, expiresUnix));
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed class AppealConfiguration : IEntityTypeConfiguration<Appeal>
{
    public void Configure(EntityTypeBuilder<Appeal> b)
    {
        b.ToTable("Appeals");
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.Statement).HasMaxLength(Appeal.StatementMaxLength);
        b.Property(a => a.Via).HasMaxLength(16);
        b.Property(a => a.Status).HasMaxLength(16);
        b.Property(a => a.DecidedById).HasMaxLength(64);
        b.Property(a => a.DecidedByName).HasMaxLength(200);
        b.Property(a => a.DecisionNote).HasMaxLength(EnforcementAction.NoteMaxLength);
        b.HasOne<EnforcementAction>().WithMany().HasForeignKey(a => a.ActionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
        // One appeal per action: a second submission (a double click, the platform retrying) finds the first.
        b.HasIndex(a => a.ActionId).IsUnique();
        b.HasIndex(a => a.CaseId);
    }
}

internal sealed class AppealLinkKeyConfiguration : IEntityTypeConfiguration<AppealLinkKey>
{
    public void Configure(EntityTypeBuilder<AppealLinkKey> b)
    {
        b.ToTable("AppealLinkKeys");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Key).HasMaxLength(64);
    }
}
