using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Email;
using TrustDesk.Enforcement;

namespace TrustDesk.Metrics;

/// <summary>
/// Sends the surveys that are due: by email through the outbox (the case gets the note of what was sent and a
/// <c>csat_sent</c> event), with a signed one-click link per score. Skips a survey whose case was reopened since, and one
/// to a person surveyed within the quiet period. One node at a time (<see cref="ClusterLock"/>).
/// </summary>
public sealed class SendCsatSurveys(IServiceScopeFactory scopes, TimeProvider time, IOptions<MetricsOptions> options,
    IOptions<EnforcementOptions> enforcement, ILogger<SendCsatSurveys> logger) : BackgroundService
{
    private const long LockKey = 0x7D_C5A7_0001;
    private const int BatchSize = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Csat.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await SendDueAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sending satisfaction surveys failed; trying again at the next tick");
            }
        }
    }

    /// <summary>Sends (or skips) up to a batch of due surveys; returns how many it looked at.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var csat = options.Value.Csat;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var notices = scope.ServiceProvider.GetRequiredService<QueueNoticeEmail>();
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await ClusterLock.TryTakeForTransactionAsync(db, LockKey, cancellationToken))
        {
            return 0;
        }

        var due = await db.CsatSurveys.Where(s => s.Status == CsatStatuses.Scheduled && s.SendAt <= now).OrderBy(s => s.SendAt).Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var key = await CsatKeys.GetAsync(db, now, cancellationToken);
        var caseIds = due.Select(s => s.CaseId).Distinct().ToList();
        var contactIds = due.Select(s => s.ContactId).Distinct().ToList();
        var cases = await db.Cases.Where(c => caseIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var contacts = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
        var quietSince = now - csat.QuietPeriod;
        var recentlyAsked = (await db.CsatSurveys.AsNoTracking()
            .Where(s => contactIds.Contains(s.ContactId) && s.SentAt != null && s.SentAt > quietSince).Select(s => s.ContactId).ToListAsync(cancellationToken))
            .ToHashSet();
        var baseUrl = csat.PublicUrl ?? enforcement.Value.PublicBaseUrl;
        var sent = 0;
        foreach (var survey in due)
        {
            var @case = cases[survey.CaseId];
            var contact = contacts.GetValueOrDefault(survey.ContactId);
            if (@case.Status != CaseStatus.Solved || @case.SolvedAt != survey.SolvedAt)
            {
                // Reopened (and perhaps solved again, with a survey of its own), or closed: nothing to ask about now.
                survey.Skip(CsatStatuses.Cancelled, @case.Status == CaseStatus.Closed ? "the case was closed" : "the case was reopened");
            }
            else if (!QueueNoticeEmail.IsAddress(contact?.Email))
            {
                survey.Skip(CsatStatuses.Skipped, "no email address for the requester");
            }
            else if (!recentlyAsked.Add(survey.ContactId))
            {
                survey.Skip(CsatStatuses.Skipped, "surveyed within the quiet period");
            }
            else
            {
                var expires = now + csat.LinkLifetime;
                var text = Text(@case, contact!, baseUrl, key, survey.Id, new DateTimeOffset(expires).ToUnixTimeSeconds(), expires);
                notices.Enqueue(db, @case, contact!.Email!, contact.Name, $"How did we do? ({@case.Number})", text, Actor.System, now);
                @case.RecordActivity(MetricEventKinds.CsatSent, Actor.System, null, null, "Satisfaction survey sent to the requester", now);
                survey.Sent(now, expires);
                sent++;
            }

            OpsMeters.Survey(survey.Status);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (sent > 0)
        {
            notices.Delivered();
        }

        return due.Count;
    }

    private static readonly (int Score, string Label)[] Scores =
        [(5, "Very satisfied"), (4, "Satisfied"), (3, "Neither satisfied nor dissatisfied"), (2, "Dissatisfied"), (1, "Very dissatisfied")];

    public static string Text(Case @case, Contact contact, string baseUrl, byte[] key, Guid surveyId, long expiresUnix, DateTime expires)
    {
        var lines = new List<string>
        {
            $"Hello{(string.IsNullOrWhiteSpace(contact.Name) ? "" : " " + contact.Name)},",
            "",
            $"Your case {@case.Number} was solved. How satisfied are you with the help you received? One click answers:",
            "",
        };
        lines.AddRange(Scores.Select(s => $"  {s.Score} - {s.Label}: {CsatLinks.Link(baseUrl, key, surveyId, s.Score, expiresUnix)}"));
        lines.Add("");
        lines.Add($"You can add a comment on the page that opens. The links work until {expires.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}.");
        return string.Join("\n", lines);
    }
}

/// <summary>The survey link key, made on first use (two nodes racing: the second finds the first's).</summary>
internal static class CsatKeys
{
    public static async Task<byte[]> GetAsync(TrustDeskDb db, DateTime now, CancellationToken cancellationToken)
    {
        var key = await db.CsatLinkKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == CsatLinkKey.SingletonId, cancellationToken);
        if (key is null)
        {
            // Inside the sender's transaction (one node at a time), so no race here; readers only verify.
            key = new CsatLinkKey(now);
            db.CsatLinkKeys.Add(key);
        }

        return Convert.FromBase64String(key.Key);
    }

    /// <summary>For verifying: null when no survey was ever sent (then no link can be valid).</summary>
    public static async Task<byte[]?> FindAsync(TrustDeskDb db, CancellationToken cancellationToken) =>
        await db.CsatLinkKeys.AsNoTracking().Where(k => k.Id == CsatLinkKey.SingletonId).Select(k => k.Key).FirstOrDefaultAsync(cancellationToken) is { } text
            ? Convert.FromBase64String(text)
            : null;
}
