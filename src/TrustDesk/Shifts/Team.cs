using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace TrustDesk.Shifts;

/// <summary>
/// A group of agents who work the same shifts and cover the same queues (the evening team, weekend cover). Its shift
/// patterns say when its members are on; the queues it covers say what they are on for.
/// </summary>
public sealed class Team
{
    public const int NameMaxLength = 80;

    private readonly List<TeamMember> _members = [];
    private readonly List<TeamQueue> _queues = [];

    private Team()
    {
    }

    public Team(string name, Guid? leadUserId, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Name = name;
        LeadUserId = leadUserId;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The Lead who answers for the team's cover.</summary>
    public Guid? LeadUserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }
    public IReadOnlyList<TeamMember> Members => _members;
    public IReadOnlyList<TeamQueue> Queues => _queues;

    public void Change(string name, Guid? leadUserId, IEnumerable<Guid> memberIds, IEnumerable<Guid> queueIds, DateTime now)
    {
        Name = name;
        LeadUserId = leadUserId;
        var members = memberIds.ToHashSet();
        _members.RemoveAll(m => !members.Contains(m.UserId));
        foreach (var id in members.Where(id => _members.All(m => m.UserId != id)))
        {
            _members.Add(new TeamMember(Id, id));
        }

        var queues = queueIds.ToHashSet();
        _queues.RemoveAll(q => !queues.Contains(q.QueueId));
        foreach (var id in queues.Where(id => _queues.All(q => q.QueueId != id)))
        {
            _queues.Add(new TeamQueue(Id, id));
        }

        UpdatedAt = now;
    }
}

/// <summary>An agent in a team.</summary>
public sealed class TeamMember
{
    private TeamMember()
    {
    }

    internal TeamMember(Guid teamId, Guid userId)
    {
        TeamId = teamId;
        UserId = userId;
    }

    public Guid TeamId { get; private set; }
    public Guid UserId { get; private set; }
}

/// <summary>A queue a team covers.</summary>
public sealed class TeamQueue
{
    private TeamQueue()
    {
    }

    internal TeamQueue(Guid teamId, Guid queueId)
    {
        TeamId = teamId;
        QueueId = queueId;
    }

    public Guid TeamId { get; private set; }
    public Guid QueueId { get; private set; }
}

internal sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.ToTable("Teams");
        b.Property(t => t.Id).ValueGeneratedNever();
        b.Property(t => t.Name).HasMaxLength(Team.NameMaxLength);
        b.HasIndex(t => t.Name).IsUnique();
        b.HasMany(t => t.Members).WithOne().HasForeignKey(m => m.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(t => t.Queues).WithOne().HasForeignKey(q => q.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(t => t.Members).UsePropertyAccessMode(PropertyAccessMode.Field);
        b.Navigation(t => t.Queues).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.ToTable("TeamMembers");
        b.HasKey(m => new { m.TeamId, m.UserId });
        b.HasIndex(m => m.UserId);
    }
}

internal sealed class TeamQueueConfiguration : IEntityTypeConfiguration<TeamQueue>
{
    public void Configure(EntityTypeBuilder<TeamQueue> b)
    {
        b.ToTable("TeamQueues");
        b.HasKey(q => new { q.TeamId, q.QueueId });
        b.HasIndex(q => q.QueueId);
    }
}
