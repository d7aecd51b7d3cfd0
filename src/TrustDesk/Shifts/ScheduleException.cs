using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TrustDesk.Api;

namespace TrustDesk.Shifts;

/// <summary>What changes an agent's usual shifts for a while.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ScheduleExceptionKind>))]
public enum ScheduleExceptionKind
{
    /// <summary>The agent is off for the window, whatever their shifts say.</summary>
    TimeOff,

    /// <summary>The agent is on for the window, for one team, outside their shifts.</summary>
    ExtraShift,

    /// <summary>The agent is off and another works their shifts in the window, for the agent's teams.</summary>
    Swap,
}

/// <summary>An exception to an agent's schedule, for a window of UTC time.</summary>
public sealed class ScheduleException
{
    public const int NoteMaxLength = 400;

    private ScheduleException()
    {
    }

    public ScheduleException(Guid userId, ScheduleExceptionKind kind, DateTime startsAt, DateTime endsAt, Guid? teamId, Guid? coveredByUserId, string? note, string createdBy, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        UserId = userId;
        Kind = kind;
        StartsAt = startsAt;
        EndsAt = endsAt;
        TeamId = teamId;
        CoveredByUserId = coveredByUserId;
        Note = note;
        CreatedBy = createdBy;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public ScheduleExceptionKind Kind { get; private set; }
    public DateTime StartsAt { get; private set; }
    public DateTime EndsAt { get; private set; }

    /// <summary>The team an extra shift is worked for.</summary>
    public Guid? TeamId { get; private set; }

    /// <summary>Who works the shifts of a swap.</summary>
    public Guid? CoveredByUserId { get; private set; }
    public string? Note { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

internal sealed class ScheduleExceptionConfiguration : IEntityTypeConfiguration<ScheduleException>
{
    public void Configure(EntityTypeBuilder<ScheduleException> b)
    {
        b.ToTable("ScheduleExceptions");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(e => e.Note).HasMaxLength(ScheduleException.NoteMaxLength);
        b.Property(e => e.CreatedBy).HasMaxLength(256);
        b.HasIndex(e => e.EndsAt);
        b.HasOne<Team>().WithMany().HasForeignKey(e => e.TeamId).OnDelete(DeleteBehavior.Cascade);
    }
}
