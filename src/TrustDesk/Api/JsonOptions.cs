using System.Text.Json;
using System.Text.Json.Serialization;

namespace TrustDesk.Api;

public static class JsonOptions
{
    /// <summary>
    /// The API's JSON: camelCase, and strict about unknown properties, so a misspelt field is an error that names it
    /// instead of being silently ignored.
    /// </summary>
    public static readonly JsonSerializerOptions Api = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.MaxDepth = 32;
        // {"amount": 1, "amount": 1e6}: which one counts would depend on the reader; refuse instead.
        options.AllowDuplicateProperties = false;
        return options;
    }
}
