namespace TrustDesk.Security;

/// <summary>
/// 415 for a body of the wrong content type, before authentication. Routing answers such a request with an endpoint of
/// its own that only sets 415; that endpoint carries no metadata, so the fallback policy (sign in first) turned it into
/// a 401 on anonymous endpoints such as sign-in, which told the caller the wrong thing.
/// </summary>
public sealed class UnsupportedMediaType(RequestDelegate next)
{
    // The display name ASP.NET Core's AcceptsMatcherPolicy gives its rejection endpoint (Http415EndpointDisplayName).
    private const string RejectionEndpoint = "415 HTTP Unsupported Media Type";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.DisplayName != RejectionEndpoint)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported content type.",
                Detail = "Send the body as JSON with Content-Type: application/json.",
            },
        }).AsTask();
    }
}
