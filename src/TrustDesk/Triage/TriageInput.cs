using System.Text.Json;
using TrustDesk.Triage.Classifier;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Triage;

/// <summary>
/// The item being triaged: a report, a message or a platform event, with the subjects it involves by role.
/// Build it with <see cref="ForReport"/>, <see cref="ForMessage"/> or <see cref="ForEvent"/>.
/// </summary>
public sealed class TriageInput
{
    public const string ReportReceived = "report.received";
    public const string MessageReceived = "message.received";
    public const string EventPrefix = "event.";

    private TriageInput(string trigger, DateTimeOffset at, string text, string? category, string? reason, string? eventType, JsonElement? eventData, Dictionary<string, SubjectFacts> roles)
    {
        Trigger = trigger;
        At = at;
        Text = text;
        Category = category;
        Reason = reason;
        EventType = eventType;
        EventData = eventData;
        RoleMap = roles;
    }

    /// <summary><c>report.received</c>, <c>message.received</c> or <c>event.</c> followed by the event type.</summary>
    public string Trigger { get; }

    /// <summary>When the item happened; every signal window ends here.</summary>
    public DateTimeOffset At { get; }

    /// <summary>What the user wrote; empty for events.</summary>
    public string Text { get; }

    /// <summary>The user's own words in <see cref="Text"/> (<see cref="OwnWords.Of(string, string?)"/>): what rules' regex and contains read.</summary>
    public string OwnText => field ??= OwnWords.Of(Text, SenderAddress);

    /// <summary>The own words with identifiers blanked (<see cref="OwnWords.ForMatching(string, string?)"/>): what lexicons and the classifier read.</summary>
    public string ScanText
    {
        get => field ??= OwnWords.ForMatching(Text, SenderAddress);
        private set;
    }

    /// <summary>The address the message came from (an email's From): not the user's words when they write it in the body.</summary>
    public string? SenderAddress { get; private init; }

    /// <summary>The classifier's suggestion, when the caller asked it ahead of triage (off the intake writer's thread).</summary>
    public TriageSuggestion? Suggested { get; init; }

    /// <summary>The taxonomy code the reporter chose or the case has, when there is one.</summary>
    public string? Category { get; }

    /// <summary>The platform's reason code of a report.</summary>
    public string? Reason { get; }

    /// <summary>
    /// The text's lexicon matches, found ahead of triage by the caller (used when the rules' lexicons are the scan's).
    /// </summary>
    public TextScan? Scanned { get; private set; }

    /// <summary>The platform event type (<c>bid.placed</c>) for events.</summary>
    public string? EventType { get; }

    /// <summary>The event's free fields (a JSON object), read by <c>event.data.name</c>.</summary>
    public JsonElement? EventData { get; }

    /// <summary>Subjects by role name: <c>subject</c>, <c>author</c>, and the roles of an event (<c>seller</c>, <c>bidder</c>...).</summary>
    public IReadOnlyDictionary<string, SubjectFacts> Roles => RoleMap;

    /// <summary>The roles as their dictionary, enumerated by the engine without boxing an enumerator.</summary>
    internal Dictionary<string, SubjectFacts> RoleMap { get; }

    /// <summary>
    /// A user report about <paramref name="subject"/>. <c>author</c> is the reporter, or an anonymous contact when the
    /// report has none, so rules about the author's words still run.
    /// </summary>
    public static TriageInput ForReport(
        DateTimeOffset at, SubjectFacts subject, SubjectFacts? reporter, string text, string? category = null, string? reason = null, TextScan? scanned = null,
        TriageSuggestion? suggested = null)
    {
        var roles = new Dictionary<string, SubjectFacts>(StringComparer.Ordinal)
        {
            ["subject"] = subject,
            ["author"] = reporter ?? SubjectFacts.Anonymous,
        };
        if (reporter is not null)
        {
            roles["reporter"] = reporter;
        }

        AddKindRole(roles, subject);
        var input = new TriageInput(ReportReceived, at, text, category, reason, null, null, roles) { Suggested = suggested };
        // A scan of the own words is used as it is: the frame compares the very string.
        if (scanned is not null && scanned.Text == input.ScanText)
        {
            input.Scanned = scanned;
            input.ScanText = scanned.Text;
        }

        return input;
    }

    /// <summary>
    /// A message on a case (email, chat) from <paramref name="author"/>; <paramref name="subject"/> is the case's main
    /// subject, when it has one; <paramref name="senderAddress"/> the address it came from, which the own words leave out.
    /// </summary>
    public static TriageInput ForMessage(DateTimeOffset at, SubjectFacts author, string text, SubjectFacts? subject = null, string? category = null, string? senderAddress = null)
    {
        var roles = new Dictionary<string, SubjectFacts>(StringComparer.Ordinal) { ["author"] = author };
        if (subject is not null)
        {
            roles["subject"] = subject;
            AddKindRole(roles, subject);
        }

        return new TriageInput(MessageReceived, at, text, category, null, null, null, roles) { SenderAddress = senderAddress };
    }

    /// <summary>
    /// A platform event. Each subject is reachable by its role in the event (<c>seller</c>) and, when no role has that
    /// name, by its kind (<c>shipment</c>). <c>subject</c> is the one with role <c>subject</c>, else the first one.
    /// </summary>
    public static TriageInput ForEvent(DateTimeOffset at, string eventType, IEnumerable<KeyValuePair<string, SubjectFacts>> subjects, JsonElement? data = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        var roles = new Dictionary<string, SubjectFacts>(StringComparer.Ordinal);
        SubjectFacts? first = null;
        foreach (var (role, facts) in subjects)
        {
            first ??= facts;
            roles.TryAdd(role, facts);
        }

        if (first is not null)
        {
            roles.TryAdd("subject", first);
        }

        foreach (var facts in roles.Values.ToList())
        {
            AddKindRole(roles, facts);
        }

        var payload = data is { ValueKind: JsonValueKind.Object } ? data : null;
        return new TriageInput(EventPrefix + eventType, at, "", null, null, eventType, payload, roles);
    }

    /// <summary>A copy with one more (or a replaced) role.</summary>
    public TriageInput WithRole(string role, SubjectFacts facts)
    {
        var roles = new Dictionary<string, SubjectFacts>(RoleMap, StringComparer.Ordinal) { [role] = facts };
        return new TriageInput(Trigger, At, Text, Category, Reason, EventType, EventData, roles) { Suggested = Suggested, SenderAddress = SenderAddress };
    }

    private static void AddKindRole(Dictionary<string, SubjectFacts> roles, SubjectFacts facts) =>
        roles.TryAdd(facts.Handle.Kind, facts);
}
