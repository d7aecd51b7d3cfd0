using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Escalations;

/// <summary>An app whose clock the tests move (escalations fall due).</summary>
public sealed class EscalationSqliteApp : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Sqlite, null, time: Time);
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <inheritdoc cref="EscalationSqliteApp"/>
public sealed class EscalationPostgresApp(PostgresServer server) : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 2, 18, 0, 0, TimeSpan.Zero));

    public TrustDeskFactory Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory = new TrustDeskFactory(Provider.Postgres, await server.CreateDatabaseAsync(), time: Time);
        _ = Factory.Server;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}

/// <summary>Departments as collaborators through the API: escalate, answer, ask back, reply, close; who may do what.</summary>
public abstract class EscalationApiTests(TrustDeskFactory app, FakeTimeProvider time)
{
    private async Task<long> CreateCaseAsync(string title = "Charged twice")
    {
        using var platform = await app.CreateApiClientAsync();
        var created = await (await platform.PostJsonAsync("/api/v1/cases",
                new { title, category = "payments.chargeback_abuse", text = "I was charged twice for order 1001.", requester = new { email = $"payer.{Guid.NewGuid():N}@example.com", name = "A buyer" } }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.Long("id");
    }

    private static async Task<JsonElement> EscalateAsync(HttpClient agent, long caseId, string department = "payments", string note = "Was the second charge refunded?", DateTime? dueAt = null) =>
        await (await agent.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department, note, dueAt })).ExpectAsync(HttpStatusCode.Created);

    private static JsonElement[] Items(JsonElement list) => [.. list.EnumerateArray()];

    [Fact]
    public async Task Escalate_ThenDepartmentAnswers_AgentSeesTheAnswerAndANotification()
    {
        var agentUser = await app.CreateUserAsync(UserRole.Agent);
        using var agent = await app.CreateSessionClientAsync(agentUser.Id);
        using var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");
        using var logistics = await app.CreateUserClientAsync(UserRole.DepartmentMember, "logistics");
        var caseId = await CreateCaseAsync();
        var due = time.GetUtcNow().UtcDateTime.AddHours(4);

        var escalation = await EscalateAsync(agent, caseId, dueAt: due);
        var inbox = Items(await payments.GetJsonAsync("/api/v1/escalations"));
        var otherInbox = Items(await logistics.GetJsonAsync("/api/v1/escalations"));
        var answered = await (await payments.PostJsonAsync($"/api/v1/escalations/{escalation.Str("id")}/responses",
            new { kind = "answer", text = "Yes, refund R-77 went out yesterday." })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(due, escalation.GetProperty("dueAt").GetDateTime().ToUniversalTime());
        var mine = Assert.Single(inbox, i => i.GetProperty("escalation").Str("id") == escalation.Str("id"));
        Assert.Equal("Was the second charge refunded?", mine.GetProperty("escalation").Str("note"));
        Assert.DoesNotContain(otherInbox, i => i.GetProperty("escalation").Long("caseId") == caseId);
        Assert.Equal("answered", answered.Str("status"));
        var thread = await agent.GetJsonAsync($"/api/v1/cases/{caseId}");
        var notes = thread.GetProperty("messages").EnumerateArray().Where(m => m.Str("direction") == "internal").Select(m => m.Str("text")).ToList();
        Assert.Contains("Question for Payments: Was the second charge refunded?", notes);
        Assert.Contains("Answer from Payments: Yes, refund R-77 went out yesterday.", notes);
        Assert.Contains(thread.GetProperty("timeline").EnumerateArray(), e => e.Str("kind") == "escalation_answered");
        var notifications = await agent.GetJsonAsync("/api/v1/notifications");
        var told = Assert.Single(notifications.GetProperty("items").EnumerateArray(), n => n.Long("caseId") == caseId);
        Assert.Equal("department_answered", told.Str("kind"));
        Assert.Equal(1, notifications.Int("unread"));
    }

    [Fact]
    public async Task AskBack_ThenDeskReplies_EscalationIsOpenAgain_AndEachSideIsTold()
    {
        var agentUser = await app.CreateUserAsync(UserRole.Agent);
        using var agent = await app.CreateSessionClientAsync(agentUser.Id);
        var memberUser = await app.CreateUserAsync(UserRole.DepartmentMember, "payments");
        using var payments = await app.CreateSessionClientAsync(memberUser.Id);
        var caseId = await CreateCaseAsync();
        var id = (await EscalateAsync(agent, caseId)).Str("id");

        var asked = await (await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "ask_back", text = "Which card?" })).ExpectAsync(HttpStatusCode.Created);
        var replied = await (await agent.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "reply", text = "The Visa ending 4242." })).ExpectAsync(HttpStatusCode.Created);
        var closed = await (await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "close" })).ExpectAsync(HttpStatusCode.Created);
        var afterClose = await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "answer", text = "Late." });

        Assert.Equal("asked_back", asked.Str("status"));
        Assert.Equal("open", replied.Str("status"));
        Assert.Equal("closed", closed.Str("status"));
        await afterClose.ExpectProblemAsync(HttpStatusCode.Conflict, "escalation");
        var agentKinds = (await agent.GetJsonAsync("/api/v1/notifications")).GetProperty("items").EnumerateArray().Select(n => n.Str("kind")).ToList();
        Assert.Contains("department_asked", agentKinds);
        var memberKinds = (await payments.GetJsonAsync("/api/v1/notifications")).GetProperty("items").EnumerateArray().Select(n => n.Str("kind")).ToList();
        Assert.Equal(2, memberKinds.Count(k => k == "escalated_to_department"));
    }

    [Fact]
    public async Task Respond_ByTheWrongPerson_IsRefused()
    {
        using var agent = await app.CreateUserClientAsync(UserRole.Agent);
        using var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");
        using var logistics = await app.CreateUserClientAsync(UserRole.DepartmentMember, "logistics");
        var caseId = await CreateCaseAsync();
        var id = (await EscalateAsync(agent, caseId)).Str("id");

        var agentAnswers = await agent.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "answer", text = "I answer myself." });
        var otherDepartment = await logistics.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "answer", text = "Not ours." });
        var memberReplies = await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "reply", text = "Desk's step." });
        var replyUnasked = await agent.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "reply", text = "Nothing was asked." });
        var unknown = await payments.PostJsonAsync($"/api/v1/escalations/{Guid.NewGuid()}/responses", new { kind = "answer", text = "?" });
        var badKind = await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "reply_to_user", text = "Hello user" });

        await agentAnswers.ExpectProblemAsync(HttpStatusCode.Forbidden);
        await otherDepartment.ExpectAsync(HttpStatusCode.NotFound);
        await memberReplies.ExpectProblemAsync(HttpStatusCode.Forbidden);
        await replyUnasked.ExpectProblemAsync(HttpStatusCode.Conflict, "kind");
        await unknown.ExpectAsync(HttpStatusCode.NotFound);
        await badKind.ExpectProblemAsync(HttpStatusCode.BadRequest, "kind");
    }

    [Fact]
    public async Task DepartmentMember_PublicReply_Is403ProblemJson_ButANoteIsAllowed()
    {
        using var agent = await app.CreateUserClientAsync(UserRole.Agent);
        using var payments = await app.CreateUserClientAsync(UserRole.DepartmentMember, "payments");
        var caseId = await CreateCaseAsync();
        await EscalateAsync(agent, caseId);

        var reply = await payments.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "reply", text = "We refunded you." });
        var note = await payments.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "note", text = "Refund issued." });

        Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        await note.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Escalation_PastItsDueDate_IsOverdue_UntilAnswered()
    {
        var agentUser = await app.CreateUserAsync(UserRole.Agent);
        var member = await app.CreateUserAsync(UserRole.DepartmentMember, "payments");
        var agent = await app.CreateSessionClientAsync(agentUser.Id);
        var caseId = await CreateCaseAsync();
        var id = (await EscalateAsync(agent, caseId, dueAt: time.GetUtcNow().UtcDateTime.AddHours(2))).Str("id");

        var before = Overdue(await agent.GetJsonAsync($"/api/v1/escalations?caseId={caseId}"));
        time.Advance(TimeSpan.FromHours(3));
        // Sessions idle for three hours have ended: both sign in again.
        agent.Dispose();
        agent = await app.CreateSessionClientAsync(agentUser.Id);
        using var payments = await app.CreateSessionClientAsync(member.Id);
        var after = Overdue(await payments.GetJsonAsync("/api/v1/escalations?open=true"));
        await (await payments.PostJsonAsync($"/api/v1/escalations/{id}/responses", new { kind = "answer", text = "Done." })).ExpectAsync(HttpStatusCode.Created);
        var answered = Overdue(await agent.GetJsonAsync($"/api/v1/escalations?caseId={caseId}"));

        Assert.False(before);
        Assert.True(after);
        Assert.False(answered);
        agent.Dispose();

        bool Overdue(JsonElement list) => Items(list).Single(i => i.GetProperty("escalation").Str("id") == id).GetProperty("escalation").GetProperty("overdue").GetBoolean();
    }

    [Fact]
    public async Task Escalate_WithBadInput_AnswersFieldErrors()
    {
        using var agent = await app.CreateUserClientAsync(UserRole.Agent);
        var caseId = await CreateCaseAsync();

        var past = await agent.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department = "payments", note = "Q", dueAt = time.GetUtcNow().UtcDateTime.AddHours(-1) });
        var foreignFile = await agent.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department = "payments", note = "Q", attachments = new[] { Guid.NewGuid() } });
        var department = await agent.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department = "marketing", note = "Q" });
        var list = await agent.GetAsync("/api/v1/escalations?department=marketing", TestContext.Current.CancellationToken);

        await past.ExpectProblemAsync(HttpStatusCode.BadRequest, "dueAt");
        await foreignFile.ExpectProblemAsync(HttpStatusCode.BadRequest, "attachments");
        await department.ExpectProblemAsync(HttpStatusCode.BadRequest, "department");
        await list.ExpectProblemAsync(HttpStatusCode.BadRequest, "department");
    }
}

public sealed class SqliteEscalationApiTests(EscalationSqliteApp app) : EscalationApiTests(app.Factory, app.Time), IClassFixture<EscalationSqliteApp>;

public sealed class PostgresEscalationApiTests(EscalationPostgresApp app) : EscalationApiTests(app.Factory, app.Time), IClassFixture<EscalationPostgresApp>;
