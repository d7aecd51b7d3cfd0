using TrustDesk.Triage;
using System.Text.Json;
using System.Text.RegularExpressions;
using TrustDesk.Cases;
using TrustDesk.Signals;
using TrustDesk.Subjects;
using TrustDesk.Api;

namespace TrustDesk.Intake;

/// <summary>A subject an event involves, and in which role (buyer, seller, host, stream, order...).</summary>
public sealed record EventSubjectRef(SubjectKind? Kind, string? ExternalId, string? Role);

/// <summary>One platform event.</summary>
/// <param name="Id">The platform's event id: sending the same id again is harmless.</param>
/// <param name="Type">Dotted event type, such as <c>order.placed</c> or <c>stream.started</c>.</param>
/// <param name="OccurredAt">When it happened on the platform (UTC).</param>
/// <param name="Subjects">The subjects it involves.</param>
/// <param name="Data">Free fields of the event (JSON object).</param>
public sealed record EventRequest(string? Id, string? Type, DateTimeOffset? OccurredAt, IReadOnlyList<EventSubjectRef>? Subjects, JsonElement? Data);

public sealed record RecordEventsResponse(int Accepted, int Duplicates, IReadOnlyList<RecordedEvent> Items);

/// <summary>What happened to one event: <c>created</c>, or <c>duplicate</c> when its id was seen before.</summary>
public sealed record RecordedEvent(string Id, string Status);

/// <summary>Records platform events on the timeline of their subjects, once per platform event id.</summary>
public sealed partial class RecordEvents(IntakeWriter writer)
{
    public const string StreamStarted = PlatformEvent.StreamStarted;
    public const string StreamEnded = PlatformEvent.StreamEnded;

    public const int MaxBatch = 500;
    public const int MaxSubjectsPerEvent = 20;
    public const int MaxDataBytes = 16_384;

    public abstract record Result;
    public sealed record Recorded(RecordEventsResponse Response) : Result;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : Result;

    public async Task<Result> HandleAsync(IReadOnlyList<EventRequest> events, string fieldPrefix, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Count(fieldPrefix.Length == 0 ? "body" : fieldPrefix.TrimEnd('.'), events, 1, MaxBatch);
        for (var i = 0; i < events.Count && i < MaxBatch; i++)
        {
            Validate(errors, fieldPrefix.Length == 0 && events.Count == 1 ? "" : $"{fieldPrefix}[{i}].", events[i]);
        }

        if (errors.Any)
        {
            return new Invalid(errors.ToDictionary());
        }

        var outcome = await writer.SubmitAsync(new EventsWork(events), cancellationToken);
        return new Recorded(new RecordEventsResponse(outcome.Count(o => o.Status == "created"), outcome.Count(o => o.Status == "duplicate"), outcome));
    }

    private static void Validate(ValidationErrors errors, string prefix, EventRequest item)
    {
        errors.Identifier($"{prefix}id", item.Id, Subject.ExternalIdMaxLength);
        errors.Required($"{prefix}type", item.Type, PlatformEvent.TypeMaxLength);
        if (item.Type is not null && !EventTypePattern().IsMatch(item.Type))
        {
            errors.Add($"{prefix}type", "Lower-case dotted name such as order.placed.");
        }

        if (item.OccurredAt is null)
        {
            errors.Add($"{prefix}occurredAt", "Required (ISO 8601 with offset).");
        }

        errors.Count($"{prefix}subjects", item.Subjects, 1, MaxSubjectsPerEvent);
        for (var j = 0; item.Subjects is not null && j < item.Subjects.Count && j < MaxSubjectsPerEvent; j++)
        {
            var subject = item.Subjects[j];
            if (subject.Kind is null)
            {
                errors.Add($"{prefix}subjects[{j}].kind", "Required.");
            }

            errors.Identifier($"{prefix}subjects[{j}].externalId", subject.ExternalId, Subject.ExternalIdMaxLength);
            errors.MaxLength($"{prefix}subjects[{j}].role", subject.Role, PlatformEventSubject.RoleMaxLength);
        }

        errors.JsonObject($"{prefix}data", item.Data, MaxDataBytes);
        EventCatalog.Validate(errors, prefix, item);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$")]
    private static partial Regex EventTypePattern();

    private sealed class EventsWork(IReadOnlyList<EventRequest> events) : IntakeWork<IReadOnlyList<RecordedEvent>>
    {
        private List<RecordedEvent> _recorded = [];

        internal override void Collect(IntakeBatch.Needs needs)
        {
            foreach (var item in events)
            {
                needs.Event(item.Id!);
                foreach (var subject in item.Subjects!)
                {
                    if (item.Type is StreamStarted or StreamEnded && subject.Kind == SubjectKind.Livestream)
                    {
                        // Tracked (loaded with its graph): its live state changes.
                        needs.SubjectWithGraph(subject.Kind.Value, subject.ExternalId!);
                        needs.OpenCasesAbout(subject.Kind.Value, subject.ExternalId!);
                    }
                    else if (item.Type == "shipment.label_created" && subject.Kind == SubjectKind.Shipment)
                    {
                        // Loaded with its identifiers, so a label sent twice does not add the number twice.
                        needs.SubjectWithGraph(subject.Kind.Value, subject.ExternalId!);
                    }
                    else
                    {
                        needs.Subject(subject.Kind!.Value, subject.ExternalId!);
                    }
                }
            }
        }

        internal override void Apply(IntakeBatch batch)
        {
            _recorded = new List<RecordedEvent>(events.Count);
            foreach (var item in events)
            {
                if (!batch.ClaimEventId(item.Id!))
                {
                    _recorded.Add(new RecordedEvent(item.Id!, "duplicate"));
                    continue;
                }

                var data = item.Data is { ValueKind: JsonValueKind.Object } element ? element.GetRawText() : null;
                var platformEvent = new PlatformEvent(item.Id!, item.Type!, item.OccurredAt!.Value.UtcDateTime, data, batch.Now);
                var occurredAt = item.OccurredAt!.Value.UtcDateTime;
                var roles = new List<KeyValuePair<string, Triage.SubjectFacts>>();
                foreach (var subjectRef in item.Subjects!)
                {
                    var subject = batch.GetOrCreateSubject(subjectRef.Kind!.Value, subjectRef.ExternalId!);
                    var role = subjectRef.Role!;
                    platformEvent.Involve(subject.Id, role);
                    batch.Signals.Increment(subject.Id, SignalResolutions.Name(item.Type!, role), occurredAt);
                    if (item.Type is StreamStarted or StreamEnded && subject.Kind == SubjectKind.Livestream)
                    {
                        ApplyLiveState(batch, subject, item.Type == StreamStarted, occurredAt);
                    }

                    roles.Add(new(role, TriageFacts.Of(subject)));
                }

                RecordTrackingNumber(batch, item);
                batch.Db.Events.Add(platformEvent);
                Triage(batch, item, roles);
                _recorded.Add(new RecordedEvent(item.Id!, "created"));
            }
        }

        /// <summary>
        /// Runs the event's rules. An active rule that asks for something opens (or joins) a case about the subject it
        /// targets — its proposal's target, else the event's main subject — filed under the rule's category.
        /// </summary>
        private static void Triage(IntakeBatch batch, EventRequest item, List<KeyValuePair<string, Triage.SubjectFacts>> roles)
        {
            var input = TrustDesk.Triage.TriageInput.ForEvent(item.OccurredAt!.Value, item.Type!, roles, item.Data);
            var outcome = ApplyTriage.Evaluate(batch, input);
            if (outcome.Hits.Count == 0)
            {
                return;
            }

            var targetId = outcome.Proposals.Count > 0 ? outcome.Proposals[0].Target.Id : input.Roles["subject"].Handle.Id;
            var target = batch.TrackedSubject(targetId);
            if (!ApplyTriage.NeedsCase(outcome) || target is null)
            {
                ApplyTriage.Record(batch, outcome, input.Trigger, target?.Id ?? targetId, null);
                return;
            }

            var (@case, created) = ApplyTriage.OpenOrJoin(batch, target, outcome.Category, outcome, Channel.System, ApplyTriage.RulesActor);
            var why = string.Join("; ", outcome.ActiveHits.Select(h => $"rule \"{h.Rule}\" ({string.Join(", ", h.Values)})"));
            @case.AddMessage(MessageDirection.Inbound, Channel.System, $"Platform event {item.Type} ({item.Id}) at {item.OccurredAt:u}: {why}.",
                ApplyTriage.RulesActor, batch.Now);
            ApplyTriage.ApplyTo(batch, @case, created, outcome, input.Trigger, target.Id);
        }

        /// <summary>A label's tracking number identifies its shipment: one number on two shipments is fake or recycled tracking.</summary>
        private static void RecordTrackingNumber(IntakeBatch batch, EventRequest item)
        {
            if (item.Type != "shipment.label_created"
                || item.Data is not { ValueKind: JsonValueKind.Object } data
                || !data.TryGetProperty("trackingNumber", out var tracking) || tracking.GetString() is not { Length: > 0 } number
                || item.Subjects!.FirstOrDefault(s => s.Role == "shipment") is not { } shipmentRef)
            {
                return;
            }

            batch.GetOrCreateSubject(SubjectKind.Shipment, shipmentRef.ExternalId!).Identify(IdentifierType.TrackingNumber, number, batch.Now);
        }

        /// <summary>A stream went live or ended: its state, and the live-now flag of every open case about it.</summary>
        private static void ApplyLiveState(IntakeBatch batch, Subject stream, bool live, DateTime occurredAt)
        {
            stream.SetLive(live, occurredAt, batch.Now);
            foreach (var @case in batch.OpenCasesAbout(stream.Id))
            {
                @case.SetLiveNow(stream.IsLive, Cases.Actor.System, batch.Now);
            }
        }

        protected override IReadOnlyList<RecordedEvent> BuildOutcome() => _recorded;
    }
}
