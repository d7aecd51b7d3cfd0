using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Api;
using TrustDesk.Data;

namespace TrustDesk.Shifts;

/// <param name="Name">What people call the shift: "Evening", "Weekend cover".</param>
/// <param name="TimeZone">A tzdb zone, e.g. America/Los_Angeles: the hours are its wall-clock times.</param>
/// <param name="Days">The weekdays the shift starts on: monday ... sunday.</param>
/// <param name="Start">HH:mm, local.</param>
/// <param name="End">HH:mm, local; at or before the start means the next day (22:00–06:00).</param>
public sealed record ShiftRequest(string? Name, string? TimeZone, IReadOnlyList<string>? Days, string? Start, string? End);

/// <summary>Adds, changes and deletes a team's shift patterns; every change is audited.</summary>
public sealed class ManageShiftPatterns(TrustDeskDb db, TimeProvider time)
{
    public const int MaxShiftsPerTeam = 20;

    public abstract record Result;
    public sealed record Done(ShiftView Shift) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;
    public sealed record NotFound : Result;

    public static ShiftView View(ShiftPattern s) =>
        new(s.Id, s.TeamId, s.Name, s.TimeZone, s.Days.Names(), s.Start.ToString("HH:mm", CultureInfo.InvariantCulture), s.End.ToString("HH:mm", CultureInfo.InvariantCulture));

    public async Task<Result> AddAsync(Guid teamId, ShiftRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
        {
            return new NotFound();
        }

        var errors = Validate(request, out var days, out var start, out var end);
        if (!errors.Any && await db.ShiftPatterns.CountAsync(s => s.TeamId == teamId, cancellationToken) >= MaxShiftsPerTeam)
        {
            errors.Add("name", $"At most {MaxShiftsPerTeam} shifts per team.");
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        var shift = new ShiftPattern(teamId, request.Name!.Trim(), request.TimeZone!, days, start, end, now);
        db.ShiftPatterns.Add(shift);
        db.Audit(AuditRecords.By(caller, now, "shift.created", "shift", shift.Id.ToString(), Describe(shift), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return new Done(View(shift));
    }

    public async Task<Result> UpdateAsync(Guid id, ShiftRequest request, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var shift = await db.ShiftPatterns.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shift is null)
        {
            return new NotFound();
        }

        var errors = Validate(request, out var days, out var start, out var end);
        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var now = time.GetUtcNow().UtcDateTime;
        shift.Change(request.Name!.Trim(), request.TimeZone!, days, start, end);
        db.Audit(AuditRecords.By(caller, now, "shift.changed", "shift", shift.Id.ToString(), Describe(shift), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return new Done(View(shift));
    }

    public async Task<bool> DeleteAsync(Guid id, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        var shift = await db.ShiftPatterns.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (shift is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        db.ShiftPatterns.Remove(shift);
        db.Audit(AuditRecords.By(caller, now, "shift.deleted", "shift", shift.Id.ToString(), Describe(shift), db.RequestIp));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static ValidationErrors Validate(ShiftRequest request, out ShiftDays days, out TimeOnly start, out TimeOnly end)
    {
        var errors = new ValidationErrors();
        errors.Identifier("name", request.Name, ShiftPattern.NameMaxLength);
        if (!ShiftRoster.IsZone(request.TimeZone))
        {
            errors.Add("timeZone", "A tzdb time zone such as America/Los_Angeles or Europe/Berlin.");
        }

        days = ShiftDays.None;
        if (request.Days is null || !ShiftDaysExtensions.TryParse(request.Days, out days))
        {
            errors.Add("days", "One or more of monday, tuesday, wednesday, thursday, friday, saturday, sunday.");
        }

        if (!TimeOnly.TryParseExact(request.Start ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out start))
        {
            errors.Add("start", "A local time as HH:mm (13:00).");
        }

        if (!TimeOnly.TryParseExact(request.End ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out end))
        {
            errors.Add("end", "A local time as HH:mm (22:00); at or before the start means the next day.");
        }

        return errors;
    }

    private static string Describe(ShiftPattern s) =>
        $"{s.Name} {string.Join(",", s.Days.Names())} {s.Start:HH\\:mm}-{s.End:HH\\:mm} {s.TimeZone} team {s.TeamId}";
}
