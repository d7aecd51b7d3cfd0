using System.Text.Json;
using TrustDesk.Subjects;

namespace TrustDesk.Intake;

/// <summary>
/// The platform event types TrustDesk understands, with the subjects (by role) and data fields each carries. Intake
/// validates every event against it, so rules and signals can rely on what they read.
/// </summary>
public static class EventCatalog
{
    public enum FieldType
    {
        Number,
        String,
        Boolean,
    }

    /// <summary>A role a subject plays in an event: its kind, and whether the event must name it.</summary>
    public sealed record Role(string Name, SubjectKind Kind, bool Required);

    public sealed record Field(string Name, FieldType Type, bool Required);

    public sealed record EventType(string Name, string Description, IReadOnlyList<Role> Roles, IReadOnlyList<Field> Fields);

    private static Role R(string name, SubjectKind kind, bool required = false) => new(name, kind, required);

    private static Field F(string name, FieldType type, bool required = false) => new(name, type, required);

    public static readonly IReadOnlyDictionary<string, EventType> Types = new[]
    {
        new EventType("order.placed", "A buyer placed an order",
            [R("order", SubjectKind.Order, true), R("buyer", SubjectKind.Account), R("seller", SubjectKind.Account), R("stream", SubjectKind.Livestream), R("listing", SubjectKind.Listing)],
            [F("amount", FieldType.Number), F("currency", FieldType.String)]),
        new EventType("order.cancelled", "An order was cancelled",
            [R("order", SubjectKind.Order, true), R("buyer", SubjectKind.Account), R("seller", SubjectKind.Account)],
            [F("reason", FieldType.String), F("by", FieldType.String)]),
        new EventType("bid.placed", "A bid on an auction",
            [R("bidder", SubjectKind.Account, true), R("seller", SubjectKind.Account), R("listing", SubjectKind.Listing), R("stream", SubjectKind.Livestream)],
            [F("amount", FieldType.Number), F("currency", FieldType.String)]),
        new EventType("auction.won", "An auction ended with a winner",
            [R("winner", SubjectKind.Account, true), R("seller", SubjectKind.Account), R("listing", SubjectKind.Listing), R("stream", SubjectKind.Livestream), R("order", SubjectKind.Order)],
            [F("amount", FieldType.Number), F("currency", FieldType.String)]),
        new EventType("shipment.label_created", "A shipping label was bought",
            [R("shipment", SubjectKind.Shipment, true), R("order", SubjectKind.Order), R("seller", SubjectKind.Account)],
            [F("trackingNumber", FieldType.String), F("carrier", FieldType.String)]),
        new EventType("shipment.scanned", "The carrier scanned the parcel",
            [R("shipment", SubjectKind.Shipment, true), R("order", SubjectKind.Order), R("seller", SubjectKind.Account)],
            [F("location", FieldType.String)]),
        new EventType("shipment.delivered", "The carrier delivered the parcel",
            [R("shipment", SubjectKind.Shipment, true), R("order", SubjectKind.Order), R("seller", SubjectKind.Account), R("buyer", SubjectKind.Account)],
            []),
        new EventType("shipment.late", "The parcel missed its ship-by date",
            [R("shipment", SubjectKind.Shipment, true), R("order", SubjectKind.Order), R("seller", SubjectKind.Account)],
            [F("daysLate", FieldType.Number)]),
        new EventType("chargeback.opened", "A buyer's bank opened a chargeback",
            [R("buyer", SubjectKind.Account), R("seller", SubjectKind.Account), R("order", SubjectKind.Order), R("payment", SubjectKind.Payment)],
            [F("amount", FieldType.Number), F("currency", FieldType.String), F("reason", FieldType.String)]),
        new EventType("refund.issued", "A refund was paid out",
            [R("buyer", SubjectKind.Account), R("seller", SubjectKind.Account), R("order", SubjectKind.Order), R("payment", SubjectKind.Payment)],
            [F("amount", FieldType.Number), F("currency", FieldType.String)]),
        new EventType("login.new_device", "An account signed in from a device it had not used",
            [R("account", SubjectKind.Account, true)],
            [F("device", FieldType.String), F("ip", FieldType.String)]),
        new EventType("payout.bank_changed", "An account changed the bank account its payouts go to",
            [R("account", SubjectKind.Account, true)],
            []),
        new EventType("stream.started", "A livestream went live",
            [R("stream", SubjectKind.Livestream, true), R("host", SubjectKind.Account)],
            []),
        new EventType("stream.ended", "A livestream ended",
            [R("stream", SubjectKind.Livestream, true), R("host", SubjectKind.Account)],
            []),
        new EventType("message.flagged", "The platform's own filter flagged a chat message",
            [R("author", SubjectKind.Account, true), R("stream", SubjectKind.Livestream), R("recipient", SubjectKind.Account)],
            [F("text", FieldType.String), F("reason", FieldType.String)]),
        new EventType("listing.created", "A seller listed an item",
            [R("listing", SubjectKind.Listing, true), R("seller", SubjectKind.Account)],
            [F("price", FieldType.Number), F("currency", FieldType.String), F("category", FieldType.String)]),
    }.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Checks one event's subjects and data against its type.</summary>
    public static void Validate(Api.ValidationErrors errors, string prefix, EventRequest item)
    {
        if (item.Type is null || !Types.TryGetValue(item.Type, out var type))
        {
            if (item.Type is not null)
            {
                errors.Add($"{prefix}type", $"Unknown event type. Known: {string.Join(", ", Types.Keys.Order(StringComparer.Ordinal))}.");
            }

            return;
        }

        var subjects = item.Subjects ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i];
            var role = type.Roles.FirstOrDefault(r => r.Name == subject.Role);
            if (role is null)
            {
                errors.Add($"{prefix}subjects[{i}].role", $"{type.Name} takes the roles {string.Join(", ", type.Roles.Select(r => r.Name))}.");
            }
            else if (subject.Kind is { } kind && kind != role.Kind)
            {
                errors.Add($"{prefix}subjects[{i}].kind", $"The {role.Name} of {type.Name} is a {role.Kind.ToString().ToLowerInvariant()}.");
            }
        }

        foreach (var required in type.Roles.Where(r => r.Required && subjects.All(s => s.Role != r.Name)))
        {
            errors.Add($"{prefix}subjects", $"{type.Name} needs a subject with role {required.Name}.");
        }

        if (item.Data is not { ValueKind: JsonValueKind.Object } data)
        {
            foreach (var required in type.Fields.Where(f => f.Required))
            {
                errors.Add($"{prefix}data.{required.Name}", "Required.");
            }

            return;
        }

        foreach (var field in type.Fields)
        {
            if (!data.TryGetProperty(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (field.Required)
                {
                    errors.Add($"{prefix}data.{field.Name}", "Required.");
                }

                continue;
            }

            var ok = field.Type switch
            {
                FieldType.Number => value.ValueKind == JsonValueKind.Number,
                FieldType.String => value.ValueKind == JsonValueKind.String,
                _ => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            };
            if (!ok)
            {
                errors.Add($"{prefix}data.{field.Name}", $"Must be a {field.Type.ToString().ToLowerInvariant()}.");
            }
        }
    }
}
