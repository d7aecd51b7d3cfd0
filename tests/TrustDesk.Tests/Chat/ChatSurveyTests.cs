using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Cases;
using TrustDesk.Chat;
using TrustDesk.Identity;
using TrustDesk.Metrics;
using TrustDesk.Taxonomy;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Chat;

/// <summary>The satisfaction question at the end of a chat: asked when it may be, answered once, counted like the email survey.</summary>
public sealed class ChatSurveyTests(ChatApp app) : IClassFixture<ChatApp>
{
    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EndedChat_VisitorRates_ScoreOnSurveyCaseAndAgentOnce()
    {
        var email = $"rita-{Guid.NewGuid():N}@buyers.example";
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient(), new { visitor = new { name = "Rita Rater", email } });
        var caseId = (await visitor.SendAsync("My refund for the sneakers has not arrived yet.")).GetProperty("caseId").GetInt64();
        var agent = await app.Factory.CreatePrincipalAsync(UserRole.Agent);

        await AnswerAndEndAsync(visitor, caseId, agent);

        var asked = await app.Factory.WithDbAsync(db => db.ChatEvents.Where(e => e.SessionId == visitor.SessionId && e.Type == ChatEvent.SurveyType).ToListAsync(Cancel));
        Assert.Equal(RateChat.Question, Assert.Single(asked).Text);

        var first = await (await RateAsync(visitor, new { score = 4, comment = "Quick and kind." })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, first.GetProperty("score").GetInt32());
        Assert.False(first.GetProperty("alreadyAnswered").GetBoolean());
        // A second tap (another tab) changes nothing and is told the first score.
        var second = await (await RateAsync(visitor, new { score = 1 })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, second.GetProperty("score").GetInt32());
        Assert.True(second.GetProperty("alreadyAnswered").GetBoolean());

        var agentName = agent.Identity!.Name!;
        var (survey, events, rated, rollup) = await app.Factory.WithDbAsync(async db => (
            await db.CsatSurveys.AsNoTracking().SingleAsync(s => s.CaseId == caseId, Cancel),
            await db.CaseEvents.AsNoTracking().Where(e => e.CaseId == caseId && e.Kind.StartsWith("csat_")).ToListAsync(Cancel),
            await db.ChatEvents.CountAsync(e => e.SessionId == visitor.SessionId && e.Type == ChatEvent.SurveyAnsweredType, Cancel),
            await db.MetricRollups.AsNoTracking().Where(r => r.Grain == (int)RollupGrain.Agent && r.Agent == agentName).ToListAsync(Cancel)));
        Assert.Equal((CsatChannels.Chat, CsatStatuses.Answered, 4, "Quick and kind.", agentName), (survey.Channel, survey.Status, survey.Score, survey.Comment, survey.Agent));
        Assert.Equal(1, events.Count(e => e.Kind == MetricEventKinds.CsatSent));
        Assert.Equal("4", Assert.Single(events, e => e.Kind == MetricEventKinds.CsatReceived).To);
        Assert.Equal(1, rated);
        Assert.Equal((1, 4), (rollup.Sum(r => r.CsatResponses), rollup.Sum(r => r.CsatScoreSum)));

        // The same person chatting again within the quiet period is not asked again.
        var again = await ChatVisitor.StartAsync(app.Factory.CreateClient(), new { visitor = new { name = "Rita Rater", email } });
        var againCase = (await again.SendAsync("One more question about the refund.")).GetProperty("caseId").GetInt64();
        await AnswerAndEndAsync(again, againCase, agent);
        Assert.False(await app.Factory.WithDbAsync(db => db.ChatEvents.AnyAsync(e => e.SessionId == again.SessionId && e.Type == ChatEvent.SurveyType, Cancel)));
        await (await RateAsync(again, new { score = 5 })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task CrisisChat_Ended_IsNotAskedToRate()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        var caseId = (await visitor.SendAsync("I can't do this anymore, I want to end my life tonight.")).GetProperty("caseId").GetInt64();
        var lead = await app.Factory.CreatePrincipalAsync(UserRole.Lead);

        await AnswerAndEndAsync(visitor, caseId, lead);

        Assert.Equal(Severity.S1, await app.Factory.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Severity).SingleAsync(Cancel)));
        Assert.False(await app.Factory.WithDbAsync(db => db.ChatEvents.AnyAsync(e => e.SessionId == visitor.SessionId && e.Type == ChatEvent.SurveyType, Cancel)));
        Assert.False(await app.Factory.WithDbAsync(db => db.CsatSurveys.AnyAsync(s => s.CaseId == caseId, Cancel)));
        await (await RateAsync(visitor, new { score = 5 })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Rate_BadScoreOrAnotherVisitorsToken_IsProblem()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        var stranger = await ChatVisitor.StartAsync(app.Factory.CreateClient());

        await (await RateAsync(visitor, new { score = 9 })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await RateAsync(visitor, new { score = 3, comment = new string('x', RateChat.CommentMaxLength + 1) })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await RateAsync(visitor, new { score = 3 }, stranger.Token)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await RateAsync(visitor, new { score = 3 }, token: "")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        // Not asked (the chat has not even started): nothing to answer.
        await (await RateAsync(visitor, new { score = 3 })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    // The agent answers through the cases API as the console does, then ends the chat.
    private async Task AnswerAndEndAsync(ChatVisitor visitor, long caseId, System.Security.Claims.ClaimsPrincipal agent)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var actions = scope.ServiceProvider.GetRequiredService<ChatAgentActions>();
        Assert.True(await actions.AcceptAsync(visitor.SessionId, agent, Cancel));
        var reply = await scope.ServiceProvider.GetRequiredService<AddMessage>().HandleAsync(caseId,
            new AddMessageRequest("reply", "It is on its way: you will see it within three days.", null), agent, null, Cancel);
        Assert.IsType<AddMessage.Added>(reply);
        Assert.True(await actions.EndAsync(visitor.SessionId, agent, Cancel));
    }

    private Task<HttpResponseMessage> RateAsync(ChatVisitor visitor, object body, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/chat/sessions/{visitor.SessionId}/satisfaction")
        {
            Content = System.Net.Http.Json.JsonContent.Create(body),
        };
        if (token != "")
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token ?? visitor.Token);
        }

        return visitor.Http.SendAsync(request, Cancel);
    }
}
