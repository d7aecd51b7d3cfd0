using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Data;
using TrustDesk.Identity;
using TrustDesk.Signals;
using TrustDesk.Subjects;

namespace TrustDesk.AgentConsole;

/// <summary>
/// The subjects of one case with what an agent looks at: prior cases with outcomes, signals, linked accounts with the
/// identifier that links them, orders, the livestream or order itself, and the event timeline. Only for a case the
/// caller may see (null otherwise); every case it mentions — prior cases, a linked account's cases, a stream's cases —
/// goes through <see cref="CaseAccess"/>, so a case the caller may not see is neither listed nor counted.
/// </summary>
public sealed class LoadInvestigation(TrustDeskDb db, CaseAccess access, GetSubjectSignals signals, FindLinkedAccounts linkedAccounts)
{
    public const int MaxPriorCases = 10;
    public const int MaxRecentOrders = 5;
    public const int MaxEvents = 25;
    public const int LinkedHops = 2;
    public const int MaxLinkedAccounts = 25;

    // Platforms name their links; these are the relations the platform API documents for orders and streams.
    public const string BoughtBy = "bought_by";
    public const string SoldBy = "sold_by";
    public const string SoldOn = "sold_on";
    public const string HostedBy = "hosted_by";
    public const string ShipsAs = "ships_as";

    /// <param name="includeDetails">
    /// False gives each subject's summary only (one short round of queries), for the panel to show at once and fill in
    /// subject by subject with <see cref="DetailsAsync"/>: a mass-reported stream has dozens of reporters.
    /// </param>
    public async Task<IReadOnlyList<SubjectFile>?> HandleAsync(long caseId, ClaimsPrincipal caller, CancellationToken cancellationToken, bool includeDetails = true)
    {
        if (!await access.CanSeeAsync(caseId, caller, cancellationToken))
        {
            return null;
        }

        var caseSubjects = await db.CaseSubjects.AsNoTracking().Where(s => s.CaseId == caseId).Select(s => new { s.SubjectId, s.Role })
            .ToListAsync(cancellationToken);
        var ids = caseSubjects.Select(s => s.SubjectId).ToList();
        var subjects = await db.Subjects.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Include(s => s.Identifiers).Include(s => s.Links).ThenInclude(l => l.To).AsSplitQuery()
            .ToListAsync(cancellationToken);
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        // Department members see a case escalated to them, not the platform's records around it.
        var mayReadSubjects = caller.Has(Permissions.SubjectsRead);
        var files = new List<SubjectFile>();
        foreach (var link in caseSubjects.OrderBy(s => s.Role))
        {
            var subject = subjects.FirstOrDefault(s => s.Id == link.SubjectId);
            if (subject is null)
            {
                continue;
            }

            var prior = await visible.Where(c => c.Id != caseId && db.Set<CaseSubject>().Any(s => s.CaseId == c.Id && s.SubjectId == subject.Id))
                .OrderByDescending(c => c.Id).Take(MaxPriorCases)
                .Select(c => new { c.Id, c.Title, c.Status, c.Resolution }).ToListAsync(cancellationToken);
            var reports = await db.Reports.AsNoTracking().CountAsync(r => r.SubjectId == subject.Id, cancellationToken);
            files.Add(new SubjectFile(subject.Id, subject.Kind, subject.ExternalId, subject.DisplayName, link.Role, subject.Status, subject.CreatedOnPlatformAt,
                subject.Identifiers.Select(i => new SubjectIdentifierView(i.Type, SubjectEndpoints.Mask(i.Type, i.Value))).ToList(),
                subject.Links.Where(l => l.To is not null).Select(l => new SubjectLinkView(l.Relation, l.To!.Kind, l.To.ExternalId)).ToList(),
                reports,
                prior.Select(c => new PriorCase(c.Id, Case.FormatNumber(c.Id), c.Title, CaseStatusRules.ToCode(c.Status), c.Resolution)).ToList(),
                mayReadSubjects && includeDetails ? await LoadDetailsAsync(subject, reports, visible, cancellationToken) : null));
        }

        return files;
    }

    /// <summary>One subject's details, when it is a subject of a case the caller may see and the caller may read subjects.</summary>
    public async Task<SubjectDetails?> DetailsAsync(long caseId, Guid subjectId, ClaimsPrincipal caller, CancellationToken cancellationToken)
    {
        if (!caller.Has(Permissions.SubjectsRead) || !await access.CanSeeAsync(caseId, caller, cancellationToken)
            || !await db.CaseSubjects.AnyAsync(s => s.CaseId == caseId && s.SubjectId == subjectId, cancellationToken))
        {
            return null;
        }

        var subject = await db.Subjects.AsNoTracking().Where(s => s.Id == subjectId)
            .Include(s => s.Links).ThenInclude(l => l.To).AsSplitQuery().FirstAsync(cancellationToken);
        var reports = await db.Reports.AsNoTracking().CountAsync(r => r.SubjectId == subjectId, cancellationToken);
        var visible = await access.VisibleToAsync(db.Cases.AsNoTracking(), caller, cancellationToken);
        return await LoadDetailsAsync(subject, reports, visible, cancellationToken);
    }

    private async Task<SubjectDetails> LoadDetailsAsync(Subject subject, int reports, IQueryable<Case> visible, CancellationToken cancellationToken)
    {
        var signalValues = await signals.HandleAsync(subject.Kind, subject.ExternalId, cancellationToken) ?? [];
        IReadOnlyList<LinkedAccountView> linked = [];
        IReadOnlyList<string> skipped = [];
        AccountOrders? orders = null;
        LivestreamView? stream = null;
        OrderView? order = null;
        switch (subject.Kind)
        {
            case SubjectKind.Account:
                (linked, skipped) = await LinkedAsync(subject, visible, cancellationToken);
                orders = await OrdersAsync(subject.Id, cancellationToken);
                break;
            case SubjectKind.Livestream:
                stream = await LivestreamAsync(subject, reports, visible, cancellationToken);
                break;
            case SubjectKind.Order:
                order = await OrderAsync(subject, cancellationToken);
                break;
        }

        return new SubjectDetails(signalValues, linked, skipped, orders, stream, order, await EventsAsync(subject.Id, cancellationToken));
    }

    private async Task<(IReadOnlyList<LinkedAccountView>, IReadOnlyList<string>)> LinkedAsync(Subject account, IQueryable<Case> visible, CancellationToken cancellationToken)
    {
        var found = await linkedAccounts.HandleAsync(account.ExternalId, LinkedHops, cancellationToken);
        if (found is null || found.Linked.Count == 0)
        {
            return ([], found?.SkippedCommonIdentifiers ?? []);
        }

        var shown = found.Linked.Take(MaxLinkedAccounts).ToList();
        var ids = shown.Select(l => l.Id).ToList();
        var caseCounts = await visible.SelectMany(c => db.Set<CaseSubject>().Where(s => s.CaseId == c.Id && ids.Contains(s.SubjectId)))
            .GroupBy(s => s.SubjectId).Select(g => new { g.Key, Count = g.Select(s => s.CaseId).Distinct().Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var views = shown.Select(l =>
        {
            // The last step names what this account shares with the one before it on the path.
            var step = l.Path[^1];
            return new LinkedAccountView(l.ExternalId, l.DisplayName, l.Status, l.Hops, step.Via, SubjectEndpoints.Mask(step.Via, step.Value),
                caseCounts.GetValueOrDefault(l.Id));
        }).ToList();
        return (views, found.SkippedCommonIdentifiers);
    }

    private async Task<AccountOrders> OrdersAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var links = db.SubjectLinks.AsNoTracking()
            .Where(l => l.ToSubjectId == accountId && (l.Relation == BoughtBy || l.Relation == SoldBy));
        var counts = await links.GroupBy(l => l.Relation).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var recent = await links
            .Join(db.Subjects.Where(s => s.Kind == SubjectKind.Order), l => l.FromSubjectId, s => s.Id, (l, s) => new { l.Relation, Order = s })
            .OrderByDescending(x => x.Order.CreatedOnPlatformAt).ThenByDescending(x => x.Order.Id).Take(MaxRecentOrders)
            .Select(x => new { x.Relation, x.Order.Id, x.Order.ExternalId, x.Order.DisplayName, x.Order.Attributes, x.Order.CreatedOnPlatformAt })
            .ToListAsync(cancellationToken);
        var orderIds = recent.Select(o => o.Id).ToList();
        var shipments = await db.SubjectLinks.AsNoTracking().Where(l => orderIds.Contains(l.FromSubjectId) && l.Relation == ShipsAs)
            .Select(l => new { l.FromSubjectId, l.ToSubjectId }).ToListAsync(cancellationToken);
        var states = await ShipmentStatesAsync(shipments.Select(s => s.ToSubjectId).ToList(), cancellationToken);
        var lines = recent.Select(o =>
        {
            var shipment = shipments.FirstOrDefault(s => s.FromSubjectId == o.Id)?.ToSubjectId;
            return new OrderLine(o.ExternalId, o.DisplayName, o.Relation == BoughtBy ? "bought" : "sold", Amount(o.Attributes), o.CreatedOnPlatformAt,
                shipment is { } id ? states.GetValueOrDefault(id) : null);
        }).ToList();
        return new AccountOrders(counts.GetValueOrDefault(BoughtBy), counts.GetValueOrDefault(SoldBy), lines);
    }

    private async Task<LivestreamView> LivestreamAsync(Subject stream, int reports, IQueryable<Case> visible, CancellationToken cancellationToken)
    {
        var host = stream.Links.FirstOrDefault(l => l.Relation == HostedBy)?.To;
        var times = await db.EventSubjects.AsNoTracking().Where(s => s.SubjectId == stream.Id)
            .Join(db.Events.Where(e => e.Type == "stream.started" || e.Type == "stream.ended"), s => s.EventId, e => e.Id, (s, e) => new { e.Type, e.OccurredAt })
            .GroupBy(e => e.Type).Select(g => new { g.Key, Last = g.Max(e => e.OccurredAt) })
            .ToDictionaryAsync(g => g.Key, g => g.Last, cancellationToken);
        var cases = await visible.CountAsync(c => db.Set<CaseSubject>().Any(s => s.CaseId == c.Id && s.SubjectId == stream.Id), cancellationToken);
        var started = stream.LiveSince ?? (times.TryGetValue("stream.started", out var s) ? s : null);
        DateTime? ended = stream.IsLive ? null : times.TryGetValue("stream.ended", out var e) ? e : null;
        return new LivestreamView(host?.DisplayName, host?.ExternalId, stream.IsLive, started, ended, reports, cases);
    }

    private async Task<OrderView> OrderAsync(Subject order, CancellationToken cancellationToken)
    {
        Subject? To(string relation) => order.Links.FirstOrDefault(l => l.Relation == relation)?.To;
        var buyer = To(BoughtBy);
        var seller = To(SoldBy);
        var streamSubject = To(SoldOn);
        var shipment = To(ShipsAs);
        string? tracking = null;
        string? state = null;
        if (shipment is not null)
        {
            tracking = await db.SubjectIdentifiers.AsNoTracking().Where(i => i.SubjectId == shipment.Id && i.Type == IdentifierType.TrackingNumber)
                .Select(i => i.Value).FirstOrDefaultAsync(cancellationToken) ?? shipment.DisplayName;
            state = (await ShipmentStatesAsync([shipment.Id], cancellationToken)).GetValueOrDefault(shipment.Id);
        }

        return new OrderView(buyer?.DisplayName, buyer?.ExternalId, seller?.DisplayName, seller?.ExternalId, streamSubject?.DisplayName,
            Amount(order.Attributes), shipment?.ExternalId, tracking, state);
    }

    /// <summary>The latest <c>shipment.*</c> event of each shipment, without its prefix: <c>delivered</c>, <c>late</c>...</summary>
    private async Task<Dictionary<Guid, string>> ShipmentStatesAsync(List<Guid> shipmentIds, CancellationToken cancellationToken)
    {
        if (shipmentIds.Count == 0)
        {
            return [];
        }

        var events = await db.EventSubjects.AsNoTracking().Where(s => shipmentIds.Contains(s.SubjectId))
            .Join(db.Events.Where(e => e.Type.StartsWith("shipment.")), s => s.EventId, e => e.Id, (s, e) => new { s.SubjectId, e.Type, e.OccurredAt })
            .ToListAsync(cancellationToken);
        return events.GroupBy(e => e.SubjectId)
            .ToDictionary(g => g.Key, g => g.MaxBy(e => e.OccurredAt)!.Type["shipment.".Length..].Replace('_', ' '));
    }

    private async Task<IReadOnlyList<SubjectEvent>> EventsAsync(Guid subjectId, CancellationToken cancellationToken) =>
        await db.EventSubjects.AsNoTracking().Where(s => s.SubjectId == subjectId)
            .Join(db.Events, s => s.EventId, e => e.Id, (s, e) => new { e.OccurredAt, e.Type, s.Role })
            .OrderByDescending(e => e.OccurredAt).Take(MaxEvents)
            .Select(e => new SubjectEvent(e.OccurredAt, e.Type, e.Role))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The order's amount from its free attributes: the platform API's examples send <c>amount</c> (with
    /// <c>currency</c>) or a currency-suffixed field such as <c>amountUsd</c>.
    /// </summary>
    public static string? Amount(string? attributesJson)
    {
        if (attributesJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(attributesJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? currency = document.RootElement.TryGetProperty("currency", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Name.StartsWith("amount", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var suffix = property.Name["amount".Length..].TrimStart('_');
                var unit = suffix.Length > 0 ? suffix.ToUpperInvariant() : currency?.ToUpperInvariant();
                var value = property.Value.GetDecimal().ToString("0.00", CultureInfo.InvariantCulture);
                return unit is null ? value : $"{value} {unit}";
            }
        }
        catch (JsonException)
        {
            // Attributes are the platform's free JSON; one that is not valid simply has no amount to show.
        }

        return null;
    }
}
