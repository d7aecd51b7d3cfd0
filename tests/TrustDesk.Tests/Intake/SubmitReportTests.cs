using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Data;

namespace TrustDesk.Tests.Intake;

public sealed class SubmitReportTests
{
    [Fact]
    public async Task SubmitReport_SameSubjectAndCategory_JoinsTheOpenCase()
    {
        await using var trustDesk = await RunningTrustDesk.StartAsync();

        var first = await PostReportAsync(trustDesk, "u-1", "u-10");
        var second = await PostReportAsync(trustDesk, "u-1", "u-11");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, second.Status);
        Assert.True(first.Body.GetProperty("caseCreated").GetBoolean());
        Assert.False(second.Body.GetProperty("caseCreated").GetBoolean());
        Assert.Equal(first.Body.GetProperty("caseId").GetInt64(), second.Body.GetProperty("caseId").GetInt64());
        Assert.Equal(2, second.Body.GetProperty("reportCount").GetInt32());
    }

    [Fact]
    public async Task SubmitReport_SameReporterTwice_JoinsTheCaseOnce()
    {
        await using var trustDesk = await RunningTrustDesk.StartAsync();

        await PostReportAsync(trustDesk, "u-1", "u-10");
        var again = await PostReportAsync(trustDesk, "u-1", "u-10");

        Assert.Equal(HttpStatusCode.Created, again.Status);
        Assert.Equal(2, again.Body.GetProperty("reportCount").GetInt32());
        await using var scope = trustDesk.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var caseId = again.Body.GetProperty("caseId").GetInt64();
        Assert.Equal(2, await db.CaseSubjects.CountAsync(s => s.CaseId == caseId, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SubmitReport_ManyAtOnce_EveryAcknowledgedReportIsStored()
    {
        await using var trustDesk = await RunningTrustDesk.StartAsync();

        // Enough at once that the writer commits them in groups, with new and existing cases in the same group.
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => PostReportAsync(trustDesk, $"u-{i % 25}", $"u-r{i}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        await using var scope = trustDesk.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.Equal(25, await db.Cases.CountAsync(cancellationToken));
        Assert.Equal(200, await db.Reports.CountAsync(cancellationToken));
        Assert.Equal(200, await db.Cases.SumAsync(c => c.ReportCount, cancellationToken));
        Assert.Equal(200, await db.Messages.CountAsync(cancellationToken));
        Assert.Equal(225, await db.CaseEvents.CountAsync(cancellationToken));
        var reportIds = responses.Select(r => r.Body.GetProperty("reportId").GetGuid()).ToList();
        Assert.Equal(200, await db.Reports.CountAsync(r => reportIds.Contains(r.Id), cancellationToken));
        foreach (var response in responses)
        {
            var reportId = response.Body.GetProperty("reportId").GetGuid();
            var report = await db.Reports.SingleAsync(r => r.Id == reportId, cancellationToken);
            Assert.Equal(response.Body.GetProperty("caseId").GetInt64(), report.CaseId);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostReportAsync(RunningTrustDesk trustDesk, string subject, string reporter)
    {
        using var response = await trustDesk.Client.PostAsJsonAsync("/api/v1/reports", new
        {
            subject = new { kind = "account", externalId = subject },
            reporter = new { kind = "account", externalId = reporter },
            category = "order.not_received",
            text = $"My order from {subject} never arrived.",
        }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode, body);
    }
}
