using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Api;

namespace TrustDesk.Shifts;

/// <summary>How a queue hands out its cases.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<RoutingMode>))]
public enum RoutingMode
{
    /// <summary>Agents take cases themselves (the "next case" button); nothing is assigned.</summary>
    PullOnly,

    /// <summary>To the eligible agent holding the fewest open cases.</summary>
    LeastLoaded,

    /// <summary>To the eligible agents in turn.</summary>
    RoundRobin,
}

/// <summary>A queue's routing. No row is <see cref="RoutingMode.PullOnly"/>, today's behaviour.</summary>
public sealed class QueueRouting
{
    public const int LanguageMaxLength = 16;

    private QueueRouting()
    {
    }

    public QueueRouting(Guid queueId, RoutingMode mode, string? language, int? unansweredTimeoutMinutes, DateTime now)
    {
        QueueId = queueId;
        Change(mode, language, unansweredTimeoutMinutes, now);
    }

    public Guid QueueId { get; private set; }
    public RoutingMode Mode { get; private set; }

    /// <summary>A language the agent must speak (an ISO code: <c>en</c>, <c>es</c>); null for none.</summary>
    public string? Language { get; private set; }

    /// <summary>A routed case its assignee has not answered after this long goes back to the queue; null never.</summary>
    public int? UnansweredTimeoutMinutes { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Change(RoutingMode mode, string? language, int? unansweredTimeoutMinutes, DateTime now)
    {
        Mode = mode;
        Language = language;
        UnansweredTimeoutMinutes = unansweredTimeoutMinutes;
        UpdatedAt = now;
    }
}

/// <summary>
/// What an agent can take: languages, category families (<c>payments</c>, <c>safety</c>; none listed means every family)
/// and how many open cases at once. Restricted categories follow the agent's role (<c>cases.restricted</c>). No row is
/// English, every family and the default capacity.
/// </summary>
public sealed class AgentSkills
{
    public const int DefaultCapacity = 10;
    public const int MaxCapacity = 200;

    private AgentSkills()
    {
    }

    public AgentSkills(Guid userId, IEnumerable<string> languages, IEnumerable<string> categoryFamilies, int capacity, DateTime now)
    {
        UserId = userId;
        Change(languages, categoryFamilies, capacity, now);
    }

    public Guid UserId { get; private set; }

    /// <summary>Comma-separated, lower case.</summary>
    public string Languages { get; private set; } = "";

    /// <summary>Comma-separated, lower case; empty for every family.</summary>
    public string CategoryFamilies { get; private set; } = "";
    public int Capacity { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public IReadOnlyList<string> LanguageList => Split(Languages);
    public IReadOnlyList<string> FamilyList => Split(CategoryFamilies);

    public static readonly AgentSkills Default = new(Guid.Empty, ["en"], [], DefaultCapacity, DateTime.UnixEpoch);

    public void Change(IEnumerable<string> languages, IEnumerable<string> categoryFamilies, int capacity, DateTime now)
    {
        Languages = Join(languages);
        CategoryFamilies = Join(categoryFamilies);
        Capacity = capacity;
        UpdatedAt = now;
    }

    private static string Join(IEnumerable<string> values) =>
        string.Join(",", values.Select(v => v.Trim().ToLowerInvariant()).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal));

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

internal sealed class QueueRoutingConfiguration : IEntityTypeConfiguration<QueueRouting>
{
    public void Configure(EntityTypeBuilder<QueueRouting> b)
    {
        b.ToTable("QueueRoutings");
        b.HasKey(r => r.QueueId);
        b.Property(r => r.Mode).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.Language).HasMaxLength(QueueRouting.LanguageMaxLength);
        b.HasOne<Queues.Queue>().WithMany().HasForeignKey(r => r.QueueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AgentSkillsConfiguration : IEntityTypeConfiguration<AgentSkills>
{
    public void Configure(EntityTypeBuilder<AgentSkills> b)
    {
        b.ToTable("AgentSkills");
        b.HasKey(s => s.UserId);
        b.Property(s => s.Languages).HasMaxLength(200);
        b.Property(s => s.CategoryFamilies).HasMaxLength(400);
        b.Ignore(s => s.LanguageList);
        b.Ignore(s => s.FamilyList);
    }
}
