using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TrustDesk.Identity;

namespace TrustDesk.Triage.Classifier;

/// <summary>The classifier for Leads: which model is in force with its figures, and scoring the desk on their own labelled texts.</summary>
public static class ClassifierEndpoints
{
    public static IEndpointRouteBuilder MapClassifierEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/triage").WithTags("Triage");

        api.MapGet("/model", GetModelAsync)
            .RequirePermission(Permissions.RulesRead)
            .WithName("GetTriageModel")
            .WithSummary("The classifier model in force (version, held-out figures, thresholds), the one in shadow and what the shadow did on live traffic");

        api.MapPost("/evaluations", EvaluateAsync)
            .RequirePermission(Permissions.RulesManage)
            .WithMetadata(new RequestSizeLimitAttribute(LabelledCsv.MaxBytes))
            .WithName("EvaluateTriage")
            .WithSummary("Score the desk (rules in force with the active model) on labelled texts sent as CSV: the same figures as `trustdesk triage train`")
            .WithDescription("The body is a CSV file (Content-Type: text/csv, UTF-8) with a header row naming the columns text, category (a taxonomy code, or none) and, optionally, " +
                $"severity (S1–S4; empty: the category's default) and language. At most {LabelledCsv.MaxRows} rows, {LabelledCsv.MaxTextLength} characters a text, {LabelledCsv.MaxBytes} bytes. " +
                "Each text is triaged as a report without a category, as intake would; nothing is stored. Errors name the row (rows[3].category; row 1 is the one under the header).");

        return app;
    }

    private static async Task<Ok<TriageModelView>> GetModelAsync(DescribeTriageModel describe, CancellationToken cancellationToken) =>
        TypedResults.Ok(await describe.HandleAsync(cancellationToken));

    private static async Task<Results<Ok<LabelledEvaluation>, ValidationProblem, ProblemHttpResult>> EvaluateAsync(
        HttpRequest request, EvaluateLabelledTexts evaluate, CancellationToken cancellationToken)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), LabelledCsv.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be a CSV file.",
                detail: $"Send it with Content-Type: {LabelledCsv.MediaType}.", extensions: new Dictionary<string, object?>
                {
                    ["errors"] = new Dictionary<string, string[]> { ["Content-Type"] = [$"Must be {LabelledCsv.MediaType}."] },
                });
        }

        // Read with the limit enforced as it streams: a chunked body has no Content-Length for the early check to refuse.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > LabelledCsv.MaxBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", detail: $"At most {LabelledCsv.MaxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return await evaluate.HandleAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken) switch
        {
            EvaluateLabelledTexts.Scored scored => TypedResults.Ok(scored.Evaluation),
            EvaluateLabelledTexts.Invalid invalid => TypedResults.ValidationProblem(new Dictionary<string, string[]>(invalid.Errors, StringComparer.Ordinal), title: "The file cannot be scored."),
            _ => throw new InvalidOperationException("Unexpected evaluation result."),
        };
    }
}
