using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Api;

namespace TrustDesk.Shifts;

/// <summary>What an agent says about themselves in the console: only <c>online</c> agents are routed cases.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Availability>))]
public enum Availability
{
    Offline,
    Away,
    Online,
}

/// <summary>An agent's availability and when they set it. No row is <see cref="Availability.Offline"/>.</summary>
public sealed class AgentAvailability
{
    private AgentAvailability()
    {
    }

    public AgentAvailability(Guid userId, Availability status, DateTime now)
    {
        UserId = userId;
        Status = status;
        ChangedAt = now;
    }

    public Guid UserId { get; private set; }
    public Availability Status { get; private set; }
    public DateTime ChangedAt { get; private set; }

    public void Set(Availability status, DateTime now)
    {
        Status = status;
        ChangedAt = now;
    }
}

internal sealed class AgentAvailabilityConfiguration : IEntityTypeConfiguration<AgentAvailability>
{
    public void Configure(EntityTypeBuilder<AgentAvailability> b)
    {
        b.ToTable("AgentAvailabilities");
        b.HasKey(a => a.UserId);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(10);
    }
}
