using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;

namespace TrustDesk.Api;

/// <summary>
/// Turns every exception into a problem document. Bad JSON names the field it broke at; anything unexpected is a
/// plain 500 with a trace id to find it in the logs, never a stack trace.
/// </summary>
public sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => JsonProblem(json),
            BadHttpRequestException bad => UnreadableProblem(bad),
            StepUpThrottledException throttled => Throttled(httpContext, throttled),
            DomainRuleException rule => new ValidationProblemDetails(new Dictionary<string, string[]> { [rule.Field] = [rule.Message] })
            {
                Status = StatusCodes.Status409Conflict,
                Title = rule.Title,
                Detail = rule.Message,
            },
            // A precondition can only fail for a request that stated one; any other conflict the server could not
            // resolve by trying again is its own trouble, answered as "busy, try again".
            DbUpdateConcurrencyException when httpContext.Request.Headers.IfMatch.Count > 0 => new ProblemDetails
            {
                Status = StatusCodes.Status412PreconditionFailed,
                Title = "The record changed while you were changing it.",
                Detail = "Fetch it again and retry with the new ETag.",
            },
            _ when DatabaseErrors.IsTransient(exception) => Unavailable(httpContext),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };

        if (problem?.Status == StatusCodes.Status503ServiceUnavailable)
        {
            logger.LogWarning(exception, "{Method} {Path} answered 503: the database was busy or out of reach", httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }

            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on our side.",
                Detail = "The error was logged. Retrying with the same Idempotency-Key is safe.",
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Unavailable(HttpContext httpContext)
    {
        httpContext.Response.OnStarting(() =>
        {
            httpContext.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        });
        return new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database is busy or out of reach.",
            Detail = "Try again shortly; a retry with the same Idempotency-Key is never stored twice.",
        };
    }

    private static ProblemDetails Throttled(HttpContext httpContext, StepUpThrottledException throttled)
    {
        httpContext.Response.OnStarting(() =>
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(throttled.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many attempts.", Detail = throttled.Message };
    }

    private static ValidationProblemDetails UnreadableProblem(BadHttpRequestException bad)
    {
        var (status, title, field, message) = StrictJson.DescribeUnreadableRequest(bad);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Status = status, Title = title, Detail = message };
    }

    private static ValidationProblemDetails JsonProblem(JsonException json)
    {
        var field = JsonPathToField(json.Path);
        var message = DescribeJsonError(json, field);
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this endpoint.",
        };
    }

    // Values the API takes as names, by the field that carries them: a wrong one is answered with the list.
    private static readonly Dictionary<string, string> AllowedByField = new(StringComparer.Ordinal)
    {
        ["kind"] = "account, livestream, listing, order, shipment, payment",
        ["severity"] = "S1, S2, S3, S4",
        ["role"] = "reported, reporter, involved",
        ["state"] = "draft, shadow, active",
        ["type"] = "device, ip, payment_fingerprint, address_hash, phone, email, tracking_number",
    };

    /// <summary>The parser's message without .NET type names, which mean nothing to an API caller.</summary>
    internal static string DescribeJsonError(JsonException json, string field)
    {
        var message = json.Message.Split(" Path:", 2)[0];
        if (message.StartsWith("The JSON property", StringComparison.Ordinal))
        {
            return "Unknown property: check its spelling against the API reference.";
        }

        if (!message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return message.StartsWith('\'') || message.Contains("invalid", StringComparison.OrdinalIgnoreCase)
                ? "Malformed JSON: " + message
                : message;
        }

        var last = field.Split('.')[^1];
        var bracket = last.IndexOf('[', StringComparison.Ordinal);
        last = bracket > 0 ? last[..bracket] : last;
        return AllowedByField.TryGetValue(last, out var allowed)
            ? $"Not a valid value here. Allowed: {allowed}."
            : "Not a valid value for this field (wrong type or format).";
    }

    /// <summary><c>$.subject.kind</c> becomes <c>subject.kind</c>; <c>$</c> (the whole body) becomes <c>body</c>.</summary>
    internal static string JsonPathToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
