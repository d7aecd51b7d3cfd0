namespace TrustDesk.Shifts;

/// <summary>Settings of section <c>Shifts</c>.</summary>
public sealed class ShiftOptions
{
    public const string Section = "Shifts";

    /// <summary>How often unanswered routed cases are looked for.</summary>
    public TimeSpan ReturnInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The zone the coverage page shows its hours in unless the Lead picks another.</summary>
    public string CoverageTimeZone { get; set; } = "America/Los_Angeles";
}
