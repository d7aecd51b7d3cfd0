using TrustDesk.Subjects;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Signals;

/// <summary>
/// How many times something happened to one subject in one time bucket. Counters are kept at three resolutions so a
/// window of any length is a sum over a bounded number of rows: minutes (kept 2 hours), hours (kept 3 days), days
/// (kept 400 days).
/// </summary>
public sealed class SignalBucket
{
    private SignalBucket()
    {
    }

    /// <summary>An increment of <paramref name="count"/> to the bucket (written as an upsert that adds it).</summary>
    internal SignalBucket(Guid subjectId, string name, SignalResolution resolution, DateTime bucketStart, int count)
    {
        SubjectId = subjectId;
        Name = name;
        Resolution = resolution;
        BucketStart = bucketStart;
        Count = count;
    }

    public Guid SubjectId { get; private set; }

    /// <summary><c>eventType|role</c>, such as <c>shipment.late|seller</c> or <c>report|reported</c>.</summary>
    public string Name { get; private set; } = "";
    public SignalResolution Resolution { get; private set; }
    public DateTime BucketStart { get; private set; }
    public int Count { get; private set; }
}

public enum SignalResolution
{
    Minute = 0,
    Hour = 1,
    Day = 2,
}

public static class SignalResolutions
{
    public static readonly TimeSpan MinuteRetention = TimeSpan.FromHours(2);
    public static readonly TimeSpan HourRetention = TimeSpan.FromDays(3);
    public static readonly TimeSpan DayRetention = TimeSpan.FromDays(400);

    public static readonly SignalResolution[] All = [SignalResolution.Minute, SignalResolution.Hour, SignalResolution.Day];

    public static DateTime BucketStart(DateTime at, SignalResolution resolution) => resolution switch
    {
        SignalResolution.Minute => new DateTime(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, DateTimeKind.Utc),
        SignalResolution.Hour => new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc),
        _ => new DateTime(at.Year, at.Month, at.Day, 0, 0, 0, DateTimeKind.Utc),
    };

    public static TimeSpan Retention(SignalResolution resolution) => resolution switch
    {
        SignalResolution.Minute => MinuteRetention,
        SignalResolution.Hour => HourRetention,
        _ => DayRetention,
    };

    /// <summary>
    /// The finest resolution whose retention covers the window. A window is then counted from the start of the bucket
    /// holding its start: up to one bucket longer than asked (at most a minute for windows up to 2 hours, an hour up to
    /// 3 days, a day beyond), never shorter.
    /// </summary>
    public static SignalResolution For(TimeSpan window) =>
        window <= MinuteRetention ? SignalResolution.Minute : window <= HourRetention ? SignalResolution.Hour : SignalResolution.Day;

    public static string Name(string eventType, string role) => $"{eventType}|{role}";
}

/// <summary>How <see cref="SignalBucket"/> is stored.</summary>
internal sealed class SignalBucketConfiguration : IEntityTypeConfiguration<SignalBucket>
{
    public void Configure(EntityTypeBuilder<SignalBucket> b)
    {
        b.ToTable("SignalBuckets");
        b.HasKey(x => new { x.SubjectId, x.Name, x.Resolution, x.BucketStart });
        b.Property(x => x.Name).HasMaxLength(120);
        b.Property(x => x.Resolution).HasConversion<int>();
        b.HasOne<Subject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.Resolution, x.BucketStart });
    }
}
