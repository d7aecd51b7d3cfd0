using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Cases;
using TrustDesk.Chat;
using TrustDesk.Identity;

namespace TrustDesk.Tests.Chat;

/// <summary>An email copy of a chat, sent on the visitor's request by an agent who may see it.</summary>
public sealed class ChatTranscriptTests(ChatApp app) : IClassFixture<ChatApp>
{
    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailTranscript_ByAnAgent_QueuesTheConversationToTheVisitorAndNotesItOnTheCase()
    {
        var email = $"tom-{Guid.NewGuid():N}@buyers.example";
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient(), new { visitor = new { name = "Tom Buyer", email } });
        var caseId = (await visitor.SendAsync("Can I get a copy of this chat for my records?")).GetProperty("caseId").GetInt64();
        var agent = await app.Factory.CreatePrincipalAsync(UserRole.Agent);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<ChatAgentActions>().AcceptAsync(visitor.SessionId, agent, Cancel));
        await scope.ServiceProvider.GetRequiredService<AddMessage>().HandleAsync(caseId,
            new AddMessageRequest("reply", "Of course, sending it now.", null), agent, null, Cancel);
        await scope.ServiceProvider.GetRequiredService<AddMessage>().HandleAsync(caseId,
            new AddMessageRequest("note", "Internal: buyer seems fine.", null), agent, null, Cancel);

        var result = await scope.ServiceProvider.GetRequiredService<EmailChatTranscript>().HandleAsync(visitor.SessionId, agent, Cancel);

        Assert.Equal(email, Assert.IsType<EmailChatTranscript.Sent>(result).To);
        var copy = await app.Factory.WithDbAsync(db => db.Messages.AsNoTracking()
            .SingleAsync(m => m.CaseId == caseId && m.Channel == Channel.Email && m.Direction == MessageDirection.Internal, Cancel));
        Assert.Contains("You: Can I get a copy of this chat for my records?", copy.Text);
        Assert.Contains("Of course, sending it now.", copy.Text);
        Assert.DoesNotContain("Internal: buyer seems fine.", copy.Text);
        Assert.Equal(Message.Queued, copy.DeliveryState);
    }

    [Fact]
    public async Task EmailTranscript_ByAUserWhoMayNotWriteOnTheCase_IsNotFoundAndSendsNothing()
    {
        var visitor = await ChatVisitor.StartAsync(app.Factory.CreateClient());
        var caseId = (await visitor.SendAsync("Hello?")).GetProperty("caseId").GetInt64();
        var auditor = await app.Factory.CreatePrincipalAsync(UserRole.Auditor);
        await using var scope = app.Factory.Services.CreateAsyncScope();

        var result = await scope.ServiceProvider.GetRequiredService<EmailChatTranscript>().HandleAsync(visitor.SessionId, auditor, Cancel);

        Assert.IsType<EmailChatTranscript.NotFound>(result);
        Assert.False(await app.Factory.WithDbAsync(db => db.Messages.AnyAsync(m => m.CaseId == caseId && m.Channel == Channel.Email, Cancel)));
    }
}
