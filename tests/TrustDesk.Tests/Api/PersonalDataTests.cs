using System.Net;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Api;

/// <summary>Personal data comes masked; a reveal needs a reason and is audited; none of it reaches the logs.</summary>
public sealed class PersonalDataTests : IAsyncDisposable
{
    private const string CanaryEmail = "canary.q7x3@leak-test.example";
    private const string CanaryPhone = "+1 (555) 019-7788";
    private const string CanaryPhoneDigits = "15550197788";

    private readonly TrustDeskFactory _app = new(Provider.Sqlite, null, captureLogs: true);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<(long CaseId, string Subject)> PlantCanaryAsync()
    {
        var platform = await _app.CreateApiClientAsync();
        var subject = "canary-" + Guid.NewGuid().ToString("N")[..8];
        await (await platform.PutJsonAsync($"/api/v1/subjects/account/{subject}", new
        {
            displayName = "canary account",
            identifiers = new object[]
            {
                new { type = "email", value = CanaryEmail }, new { type = "phone", value = CanaryPhone }, new { type = "ip", value = "198.51.100.23" },
            },
        })).ExpectAsync(HttpStatusCode.OK);
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new
        {
            title = "Buyer writes about a missing parcel",
            requester = new { email = CanaryEmail },
            subjects = new[] { new { kind = "account", externalId = subject, role = "reported" } },
            text = "Where is my parcel?",
        })).ExpectAsync(HttpStatusCode.Created);
        return (created.Long("id"), subject);
    }

    [Fact]
    public async Task CaseAndSubject_ComeMasked_RevealNeedsAReason_AndIsAudited()
    {
        var (caseId, subject) = await PlantCanaryAsync();
        var agent = await _app.CreateUserAsync(UserRole.Agent);
        var client = await _app.CreateSessionClientAsync(agent.Id);

        var detail = await client.GetJsonAsync($"/api/v1/cases/{caseId}");
        var identifiers = (await client.GetJsonAsync($"/api/v1/subjects/account/{subject}")).GetProperty("identifiers").EnumerateArray()
            .ToDictionary(i => i.Str("type"), i => i.Str("value"));
        await (await client.PostJsonAsync($"/api/v1/cases/{caseId}/reveal", new { })).ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await client.PostJsonAsync($"/api/v1/cases/{caseId}/reveal", new { reason = "ok" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "reason");
        var revealed = await (await client.PostJsonAsync($"/api/v1/cases/{caseId}/reveal", new { reason = "Calling back about the parcel" })).ExpectAsync(HttpStatusCode.OK);
        var revealedIdentifiers = await (await client.PostJsonAsync($"/api/v1/subjects/account/{subject}/reveal", new { reason = "Linked-accounts check" }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("c***@leak-test.example", detail.GetProperty("requester").Str("email"));
        Assert.Equal("c***@leak-test.example", identifiers["email"]);
        Assert.Equal("+*********88", identifiers["phone"]);
        Assert.Equal("198.51.*.*", identifiers["ip"]);
        Assert.Equal(CanaryEmail, revealed.GetProperty("requester").Str("email"));
        Assert.Contains(revealedIdentifiers.EnumerateArray(), i => i.Str("value") == "+15550197788");
        var reveals = await _app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Where(e => e.Action == "personal_data.revealed" && e.ActorId == agent.Id.ToString()).ToList()));
        Assert.Equal(2, reveals.Count);
        Assert.Contains(reveals, r => r.TargetType == "case" && r.TargetId == caseId.ToString() && r.Detail!.Contains("Calling back", StringComparison.Ordinal));
        Assert.Contains(reveals, r => r.TargetType == "subject" && r.TargetId == $"account:{subject}");
    }

    [Fact]
    public async Task Auditor_SeesMaskedDataAndCannotReveal()
    {
        var (caseId, subject) = await PlantCanaryAsync();
        var auditor = await _app.CreateUserClientAsync(UserRole.Auditor);

        var detail = await auditor.GetJsonAsync($"/api/v1/cases/{caseId}");

        Assert.Equal("c***@leak-test.example", detail.GetProperty("requester").Str("email"));
        await (await auditor.PostJsonAsync($"/api/v1/subjects/account/{subject}/reveal", new { reason = "curious auditor" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CanaryEmailAndPhone_NeverReachTheLogs_NorTheAuditTrail()
    {
        var (caseId, subject) = await PlantCanaryAsync();
        var agent = await _app.CreateUserAsync(UserRole.Agent);
        var client = await _app.CreateSessionClientAsync(agent.Id);
        var anonymous = _app.CreateClient();

        await client.GetJsonAsync($"/api/v1/cases/{caseId}");
        await client.GetJsonAsync($"/api/v1/subjects/account/{subject}");
        await (await client.PostJsonAsync($"/api/v1/cases/{caseId}/reveal", new { reason = "Calling back about the parcel" })).ExpectAsync(HttpStatusCode.OK);
        await (await client.PostJsonAsync($"/api/v1/subjects/account/{subject}/reveal", new { reason = "Linked-accounts check" })).ExpectAsync(HttpStatusCode.OK);
        await (await anonymous.PostJsonAsync("/api/v1/auth/signin", new { email = CanaryEmail, password = CanaryPhone + " is my password" })).ExpectAsync(HttpStatusCode.Unauthorized);
        await (await client.PatchJsonAsync($"/api/v1/cases/{caseId}", new { assignee = agent.Email, status = "open" })).ExpectAsync(HttpStatusCode.OK);
        await (await (await _app.CreateApiClientAsync()).PostJsonAsync("/api/v1/cases",
            new { title = "x", requester = new { email = CanaryEmail + " broken" } })).ExpectAsync(HttpStatusCode.BadRequest);

        var logs = _app.Logs.ToArray();
        Assert.True(logs.Length > 20, $"only {logs.Length} log lines captured");
        // The capture sees request detail (the subject id is in a logged URL), so a leaked canary would show.
        Assert.Contains(logs, line => line.Contains(subject, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, line => line.Contains(CanaryEmail, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs, line => line.Contains(CanaryPhone, StringComparison.Ordinal) || line.Contains(CanaryPhoneDigits, StringComparison.Ordinal));
        var audit = await _app.WithDbAsync(db => Task.FromResult(db.AuditEntries.Select(e => e.ActorName + e.Detail + e.TargetId).ToList()));
        Assert.DoesNotContain(audit, text => text.Contains(CanaryEmail, StringComparison.OrdinalIgnoreCase) || text.Contains(CanaryPhoneDigits, StringComparison.Ordinal));
    }
}
