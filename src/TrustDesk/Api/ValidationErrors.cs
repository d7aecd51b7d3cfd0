using System.Text.Json;

namespace TrustDesk.Api;

/// <summary>Collects what is wrong with a request, keyed by the JSON path of the field (<c>subject.kind</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    /// <summary>Checks a required string: present, not blank, at most <paramref name="maxLength"/> characters.</summary>
    public void Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
        }
        else
        {
            MaxLength(field, value, maxLength);
        }
    }

    public void MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters (got {value.Length}).");
        }

        if (value is not null && value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            Add(field, "Control characters are not allowed.");
        }
    }

    /// <summary>An identifier-like string: printable, no spaces at either end, no control characters.</summary>
    public void Identifier(string field, string? value, int maxLength)
    {
        Required(field, value, maxLength);
        if (value is not null && value.Length > 0 && (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])))
        {
            Add(field, "Must not start or end with white space.");
        }
    }

    public void JsonObject(string field, JsonElement? value, int maxBytes)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Add(field, "Must be a JSON object.");
            return;
        }

        if (element.GetRawText().Length > maxBytes)
        {
            Add(field, $"At most {maxBytes} bytes of JSON.");
        }
        else if (StrictJson.FirstNonFiniteNumber(element, field) is { } path)
        {
            Add(path, "Not a finite number: numbers must fit a 64-bit floating point value.");
        }
    }

    public void Count<T>(string field, IReadOnlyCollection<T>? items, int min, int max)
    {
        var count = items?.Count ?? 0;
        if (count < min)
        {
            Add(field, min == 1 ? "At least one item is required." : $"At least {min} items are required.");
        }
        else if (count > max)
        {
            Add(field, $"At most {max} items (got {count}).");
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
