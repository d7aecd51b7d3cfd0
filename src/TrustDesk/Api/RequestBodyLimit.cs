using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace TrustDesk.Api;

/// <summary>
/// Refuses bodies over the limit with a 413 problem before anything reads them. Kestrel enforces the same limit on
/// streamed bodies; this answers early and identically on every server (the in-process test server included).
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next, long maxBytes)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var endpointLimit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (endpointLimit is not null && feature is { IsReadOnly: false })
        {
            // An endpoint that takes larger bodies (raw email) says so; the rest keep the global limit.
            feature.MaxRequestBodySize = endpointLimit;
        }

        var limit = endpointLimit ?? (feature is { IsReadOnly: false, MaxRequestBodySize: { } configured } ? configured : maxBytes);
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "The request body is too large.",
                    Detail = $"At most {limit} bytes.",
                },
            });
            return;
        }

        await next(context);
    }
}
