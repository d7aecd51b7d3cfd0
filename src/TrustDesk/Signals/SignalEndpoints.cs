using Microsoft.AspNetCore.Http.HttpResults;
using TrustDesk.Identity;
using TrustDesk.Subjects;

namespace TrustDesk.Signals;

public static class SignalEndpoints
{
    public static IServiceCollection AddSignals(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignalOptions>(configuration.GetSection("TrustDesk:Signals"));
        services.AddHostedService<PruneSignalBuckets>();
        return services.AddScoped<GetSubjectSignals>();
    }

    public static IEndpointRouteBuilder MapSignalEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/subjects").WithTags("Subjects")
            .MapGet("/{kind}/{externalId}/signals", GetSignalsAsync)
            .RequirePermission(Permissions.SubjectsRead)
            .WithName("GetSubjectSignals")
            .WithSummary("The subject's signals: windowed counts, ratios and shared-identifier counts, as defined");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<SignalValue>>, NotFound, ValidationProblem>> GetSignalsAsync(
        string kind, string externalId, GetSubjectSignals getSignals, CancellationToken cancellationToken)
    {
        if (SubjectEndpoints.ParseKind(kind) is not { } parsedKind)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["route.kind"] = ["One of account, livestream, listing, order, shipment, payment."] });
        }

        var signals = await getSignals.HandleAsync(parsedKind, externalId, cancellationToken);
        return signals is null ? TypedResults.NotFound() : TypedResults.Ok(signals);
    }
}
