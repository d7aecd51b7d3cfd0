using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Api;

/// <summary>The Idempotency-Key header on creating POSTs.</summary>
public static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";

    public enum Check
    {
        /// <summary>No key, or a key never seen: go ahead.</summary>
        Proceed,

        /// <summary>Same key, same body: answer with the resource the first request made.</summary>
        Replay,

        /// <summary>Same key, another body: refuse.</summary>
        Mismatch,
    }

    /// <summary>Reads and validates the header; null when absent.</summary>
    public static string? ReadKey(HttpRequest request, ValidationErrors errors)
    {
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return null;
        }

        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > IdempotencyRecord.KeyMaxLength || key.Any(c => c < 0x21 || c > 0x7e))
        {
            errors.Add(HeaderName, $"One printable ASCII value of 1 to {IdempotencyRecord.KeyMaxLength} characters.");
            return null;
        }

        return key;
    }

    /// <summary>Hash of the operation and the body as bound, so formatting differences do not count as another body.</summary>
    public static string HashRequest<T>(string operation, T body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonOptions.Api);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes(operation), 0, .. bytes]);
        return Convert.ToHexStringLower(hash);
    }

    public static async Task<(Check Check, string? ResourceId)> CheckAsync(
        TrustDeskDb db, string clientId, string? key, string requestHash, CancellationToken cancellationToken)
    {
        if (key is null)
        {
            return (Check.Proceed, null);
        }

        var record = await db.IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ClientId == clientId && r.Key == key, cancellationToken);
        return Compare(record, requestHash);
    }

    public static (Check Check, string? ResourceId) Compare(IdempotencyRecord? record, string requestHash) =>
        record is null ? (Check.Proceed, null)
        : record.RequestHash == requestHash ? (Check.Replay, record.ResourceId)
        : (Check.Mismatch, null);

    public static IResult MismatchProblem() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "This Idempotency-Key was used with another request body.",
        detail: "Use a new key for a new request; reuse a key only to retry the very same request.");
}
