using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Cases;
using TrustDesk.Contacts;

namespace TrustDesk.Metrics;

/// <summary>
/// One satisfaction survey: scheduled when a case is solved, sent after a delay by <see cref="SendCsatSurveys"/> (or skipped
/// and why), answered once through a signed link. The answer is on the case's log (<c>csat_received</c>, so the rollups
/// count it for the case's queue and assignee) and here, with the agent it rates.
/// </summary>
public sealed class CsatSurvey
{
    public const int CommentMaxLength = 1_000;

    private CsatSurvey()
    {
    }

    public CsatSurvey(long caseId, Guid contactId, string? agent, DateTime solvedAt, DateTime sendAt, string channel = CsatChannels.Email)
    {
        Id = Guid.CreateVersion7(solvedAt);
        Channel = channel;
        CaseId = caseId;
        ContactId = contactId;
        Agent = agent;
        SolvedAt = solvedAt;
        SendAt = sendAt;
        Status = CsatStatuses.Scheduled;
    }

    public Guid Id { get; private set; }
    public long CaseId { get; private set; }

    /// <summary>Who is asked: the case's requester.</summary>
    public Guid ContactId { get; private set; }

    /// <summary>The agent the case was assigned to when it was solved: whose work is rated.</summary>
    public string? Agent { get; private set; }

    /// <summary>How it is asked: <c>email</c> (links, after solving) or <c>chat</c> (in the conversation, when the chat ends).</summary>
    public string Channel { get; private set; } = CsatChannels.Email;

    /// <summary>When the case was solved (for a chat's survey: when the chat ended); a case solved again later has a survey of its own, this one lapses.</summary>
    public DateTime SolvedAt { get; private set; }
    public DateTime SendAt { get; private set; }

    /// <summary>scheduled, sent, answered, skipped or cancelled.</summary>
    public string Status { get; private set; } = "";

    /// <summary>Why it was skipped or cancelled.</summary>
    public string? Reason { get; private set; }
    public DateTime? SentAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public DateTime? AnsweredAt { get; private set; }

    /// <summary>1 (very dissatisfied) to 5 (very satisfied).</summary>
    public int? Score { get; private set; }
    public string? Comment { get; private set; }

    public void Sent(DateTime now, DateTime expiresAt)
    {
        Status = CsatStatuses.Sent;
        SentAt = now;
        ExpiresAt = expiresAt;
    }

    /// <summary>Seeds and imports only: a live answer is recorded by <see cref="AnswerCsatSurvey"/> (first click wins, in SQL).</summary>
    public void Answered(int score, DateTime at)
    {
        Score = score;
        AnsweredAt = at;
        Status = CsatStatuses.Answered;
    }

    public void Skip(string status, string reason)
    {
        Status = status;
        Reason = reason;
    }
}

public static class CsatChannels
{
    public const string Email = "email";
    public const string Chat = "chat";
}

public static class CsatStatuses
{
    public const string Scheduled = "scheduled";
    public const string Sent = "sent";
    public const string Answered = "answered";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";
}

/// <summary>The key the survey links are signed with: made on first use, one per installation, shared by every node.</summary>
public sealed class CsatLinkKey
{
    public const int SingletonId = 1;

    private CsatLinkKey()
    {
    }

    public CsatLinkKey(DateTime now)
    {
        Id = SingletonId;
        Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        CreatedAt = now;
    }

    public int Id { get; private set; }
    public string Key { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>A link per score: <c>/csat?survey=…&amp;score=4&amp;expires=…&amp;signature=…</c>, HMAC-SHA256 over all three.</summary>
public static class CsatLinks
{
    public static string Sign(byte[] key, Guid surveyId, int score, long expiresUnix) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"csat.{surveyId:N}.{score}.{expiresUnix}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool Verify(byte[] key, Guid surveyId, int score, long expiresUnix, string? signature)
    {
        if (signature is null || signature.Length > 100)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, surveyId, score, expiresUnix)), Encoding.ASCII.GetBytes(signature));
    }

    public static string Link(string baseUrl, byte[] key, Guid surveyId, int score, long expiresUnix) =>
        $"{baseUrl.TrimEnd('/')}/csat?survey={surveyId:N}&score={score}&expires={expiresUnix}&signature={Sign(key, surveyId, score, expiresUnix)}";
}

internal sealed class CsatSurveyConfiguration : IEntityTypeConfiguration<CsatSurvey>
{
    public void Configure(EntityTypeBuilder<CsatSurvey> b)
    {
        b.ToTable("CsatSurveys");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.Agent).HasMaxLength(200);
        b.Property(s => s.Status).HasMaxLength(16);
        b.Property(s => s.Channel).HasMaxLength(16).HasDefaultValue(CsatChannels.Email);
        b.Property(s => s.Reason).HasMaxLength(200);
        b.Property(s => s.Comment).HasMaxLength(CsatSurvey.CommentMaxLength);
        b.HasOne<Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Contact>().WithMany().HasForeignKey(s => s.ContactId).OnDelete(DeleteBehavior.Cascade);
        // The sender's work list (partial: answered and lapsed surveys are most of the table) and the quiet period's look-up.
        b.HasIndex(s => s.SendAt).HasFilter("\"Status\" = 'scheduled'");
        b.HasIndex(s => new { s.ContactId, s.SentAt });
        b.HasIndex(s => new { s.Agent, s.AnsweredAt });
        b.HasIndex(s => s.CaseId);
    }
}

internal sealed class CsatLinkKeyConfiguration : IEntityTypeConfiguration<CsatLinkKey>
{
    public void Configure(EntityTypeBuilder<CsatLinkKey> b)
    {
        b.ToTable("CsatLinkKeys");
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Key).HasMaxLength(64);
    }
}
