using System.Globalization;
using System.Text.Json;

namespace TrustDesk.Api;

/// <summary>
/// What the API refuses in JSON beyond the parser's own rules: numbers that do not fit a double (<c>1e99999</c> would
/// become Infinity and compare greater than every threshold a rule sets), and bodies that do not say they are JSON.
/// Duplicate keys are refused by the serializer (<c>AllowDuplicateProperties = false</c> in <c>JsonOptions</c>).
/// </summary>
public static class StrictJson
{
    /// <summary>The path (<c>data.amount</c>, <c>data.items[2]</c>) of the first number that is not a finite double, or null.</summary>
    public static string? FirstNonFiniteNumber(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                return element.TryGetDouble(out var value) && double.IsFinite(value) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (FirstNonFiniteNumber(property.Value, path + "." + property.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstNonFiniteNumber(item, path + "[" + index.ToString(CultureInfo.InvariantCulture) + "]") is { } found)
                    {
                        return found;
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// A request the framework could not bind, in words for the caller: which field, and what to send. The framework's
    /// own messages ("Implicit body inferred for parameter ...") speak of C# parameters, not of the API.
    /// </summary>
    public static (int Status, string Title, string Field, string Message) DescribeUnreadableRequest(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status415UnsupportedMediaType =>
            (bad.StatusCode, "Unsupported content type.", "body", "Send the body as JSON with Content-Type: application/json."),
        StatusCodes.Status413PayloadTooLarge =>
            (bad.StatusCode, "The request body is too large.", "body", "The body is larger than this server accepts."),
        _ when bad.Message.Contains("no body was provided", StringComparison.Ordinal) || bad.Message.Contains("Required parameter", StringComparison.Ordinal)
               && bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) =>
            (StatusCodes.Status400BadRequest, "The request body is missing.", "body", "A JSON object is required."),
        _ when bad.Message.Contains("from the request body", StringComparison.Ordinal) =>
            (StatusCodes.Status400BadRequest, "The request body could not be read.", "body", "The body is not valid JSON for this endpoint."),
        _ => (bad.StatusCode, "The request could not be read.", ParameterOf(bad.Message) ?? "request", "A parameter is missing or has the wrong format."),
    };

    // "Required parameter "int limit" was not provided from query string." names the parameter after its C# type.
    private static string? ParameterOf(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        if (end <= start)
        {
            return null;
        }

        var inside = message[(start + 1)..end];
        var space = inside.LastIndexOf(' ');
        return space >= 0 ? inside[(space + 1)..] : inside;
    }
}
