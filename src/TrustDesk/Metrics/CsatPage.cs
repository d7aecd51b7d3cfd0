using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TrustDesk.Metrics;

/// <summary>
/// The page a survey link opens (<c>GET /csat</c>): it records the score and thanks the user, with a box for an optional
/// comment (<c>POST /csat</c>, the same signed parameters). Public: the signature is the credential, and the page shows
/// nothing of the case but its score.
/// </summary>
internal static class CsatPage
{
    private static readonly string[] Labels = ["", "Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied"];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/csat", async Task<ContentHttpResult> (string? survey, int? score, long? expires, string? signature, AnswerCsatSurvey answer, CancellationToken cancellationToken) =>
            {
                var link = new AnswerCsatSurvey.Link(survey, score, expires, signature);
                return Render(link, await answer.AnswerAsync(link, cancellationToken));
            })
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("CsatAnswer");

        app.MapPost("/csat", async Task<ContentHttpResult> ([FromForm] string? survey, [FromForm] int? score, [FromForm] long? expires, [FromForm] string? signature,
                [FromForm] string? comment, AnswerCsatSurvey answer, CancellationToken cancellationToken) =>
            {
                var link = new AnswerCsatSurvey.Link(survey, score, expires, signature);
                return Render(link, await answer.CommentAsync(link, comment, cancellationToken), commented: true);
            })
            .AllowAnonymous()
            // The signed link is the proof of who writes; there is no session whose cookie a forged form could borrow.
            .DisableAntiforgery()
            .ExcludeFromDescription()
            .WithName("CsatComment");
    }

    private static ContentHttpResult Render(AnswerCsatSurvey.Link link, AnswerCsatSurvey.Result result, bool commented = false) => result switch
    {
        AnswerCsatSurvey.Recorded { Commented: true } recorded => Page(HttpStatusCode.OK, "Thank you",
            $"<p id=\"csat-recorded\">Your rating: <strong>{recorded.Score} of 5</strong> ({Labels[recorded.Score]}).</p>" +
            (commented ? "<p id=\"csat-comment-saved\">Your comment was saved.</p>" : "<p>Your comment was saved earlier.</p>")),
        AnswerCsatSurvey.Recorded recorded => Page(HttpStatusCode.OK, "Thank you",
            $"<p id=\"csat-recorded\">Your rating: <strong>{recorded.Score} of 5</strong> ({Labels[recorded.Score]}).</p>" +
            (recorded.AlreadyAnswered ? "<p id=\"csat-already\">This survey was answered before: the first answer is the one that counts.</p>" : "") +
            $"""
            <form method="post" action="/csat">
              <input type="hidden" name="survey" value="{WebUtility.HtmlEncode(link.Survey)}">
              <input type="hidden" name="score" value="{link.Score}">
              <input type="hidden" name="expires" value="{link.Expires}">
              <input type="hidden" name="signature" value="{WebUtility.HtmlEncode(link.Signature)}">
              <p><label for="comment">Anything you would like to add? (optional)</label></p>
              <textarea id="comment" name="comment" rows="5" maxlength="{CsatSurvey.CommentMaxLength}"></textarea>
              <p><button type="submit">Send comment</button></p>
            </form>
            """),
        AnswerCsatSurvey.Expired => Page(HttpStatusCode.Gone, "This survey has closed", "<p>Thank you all the same.</p>"),
        _ => Page(HttpStatusCode.BadRequest, commented ? "The comment was not saved" : "This survey link is not valid",
            commented ? $"<p>A comment needs some text (at most {CsatSurvey.CommentMaxLength:N0} characters), after a rating.</p>" : "<p>Use the link in the email exactly as it is.</p>"),
    };

    private static ContentHttpResult Page(HttpStatusCode status, string title, string body) => TypedResults.Content(
        $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}textarea{width:100%}</style></head>
        <body><h1>{{title}}</h1>{{body}}</body></html>
        """, "text/html; charset=utf-8", statusCode: (int)status);
}
