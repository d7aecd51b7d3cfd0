using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Identity;

/// <summary>
/// Every endpoint the app maps, called as every kind of caller, against a table written here by hand. An endpoint
/// that declares no policy, or that is missing from the table, fails the test: nothing can be added unprotected.
/// </summary>
public sealed class AuthorizationMatrixTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private enum Who
    {
        Anonymous,
        Agent,
        Specialist,
        Lead,
        Admin,
        DepartmentMember,
        Auditor,
        Platform,
    }

    private static readonly Who[] Everyone = Enum.GetValues<Who>();
    private static readonly Who[] People = [Who.Agent, Who.Specialist, Who.Lead, Who.Admin, Who.DepartmentMember, Who.Auditor];
    private static readonly Who[] Signed = [.. People, Who.Platform];
    private static readonly Who[] CaseWorkers = [Who.Agent, Who.Specialist, Who.Lead];

    /// <summary>Who sees teams, shifts, coverage and routing (and sets their own availability): the desk and its auditors.</summary>
    private static readonly Who[] ShiftReaders = [Who.Agent, Who.Specialist, Who.Lead, Who.Auditor];

    /// <summary>
    /// Chat visitors are not TrustDesk users: their endpoints are anonymous to ASP.NET and prove the session with the
    /// visitor token issued when the chat started. No caller of this matrix holds one, so each is refused: 401 without a
    /// bearer token, 404 with one that is not this session's (which does not reveal whether the session exists). The
    /// WebSocket authenticates in its first frame, after the upgrade, so a plain request is refused with 400 before that.
    /// </summary>
    private static readonly Who[] VisitorTokenHolders = [];

    private static readonly HashSet<string> VisitorTokenEndpoints =
        ["GetChatSession", "PostChatMessage", "StreamChatEvents", "ChatVisitorTyping", "ChatVisitorRead", "ChatWebSocket", "RateChat"];

    /// <summary>Who may call each endpoint (by its name, or "METHOD pattern" when it has none). Everyone else is refused.</summary>
    private static readonly Dictionary<string, Who[]> Expected = new()
    {
        ["Health"] = Everyone,
        ["Ready"] = Everyone,
        ["GET /openapi/{documentName}.json"] = Everyone,
        ["GET /api/reference/{documentName?}"] = Everyone,
        ["GET /api/reference/scalar.js"] = Everyone,
        ["GET /api/reference/scalar.aspnetcore.js"] = Everyone,
        ["GET /api/reference/favicon.svg"] = Everyone,
        ["SignIn"] = Everyone,
        ["SubmitReport"] = [Who.Platform],
        ["RecordEvents"] = [Who.Platform],
        ["ReceiveRawEmail"] = [Who.Platform],
        ["GetInboundEmail"] = [Who.Platform],
        ["UpsertSubject"] = [Who.Platform],
        ["UpsertSubjects"] = [Who.Platform],
        ["GetSubject"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["RevealSubjectIdentifiers"] = CaseWorkers,
        ["GetSubjectSignals"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["GetLinkedAccounts"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["ListRules"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["GetRule"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["BacktestRule"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["CreateRule"] = [Who.Lead, Who.Platform],
        ["EditRule"] = [Who.Lead, Who.Platform],
        ["ChangeRuleState"] = [Who.Lead, Who.Platform],
        ["GetTriageModel"] = [.. CaseWorkers, Who.Auditor, Who.Platform],
        ["EvaluateTriage"] = [Who.Lead, Who.Platform],
        ["ListCases"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["GetCase"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["CreateCase"] = [.. CaseWorkers, Who.Platform],
        ["UpdateCase"] = [.. CaseWorkers, Who.Platform],
        ["DownloadMessageAttachment"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["AddCaseMessage"] = [.. CaseWorkers, Who.DepartmentMember, Who.Platform],
        ["EscalateCase"] = [.. CaseWorkers, Who.Platform],
        ["ListEscalations"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["RespondToEscalation"] = [.. CaseWorkers, Who.DepartmentMember, Who.Platform],
        ["ListNotifications"] = People,
        ["MarkNotificationRead"] = People,
        ["MarkAllNotificationsRead"] = People,
        ["MergeCase"] = [.. CaseWorkers, Who.Platform],
        ["RevealCasePersonalData"] = CaseWorkers,
        ["DownloadAttachment"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["ListCategories"] = Signed,
        ["ListQueues"] = Signed,
        ["ListDepartments"] = Signed,
        ["SignOut"] = People,
        ["GetMe"] = People,
        ["ChangePassword"] = People,
        ["StartMfaEnrolment"] = People,
        ["ConfirmMfaEnrolment"] = People,
        ["RegenerateRecoveryCodes"] = People,
        ["CreatePersonalAccessToken"] = People,
        ["ListPersonalAccessTokens"] = People,
        ["RevokePersonalAccessToken"] = People,
        ["ListUsers"] = [Who.Admin],
        ["CreateUser"] = [Who.Admin],
        ["UpdateUser"] = [Who.Admin],
        ["ResetUserMfa"] = [Who.Admin],
        ["ResetUserPassword"] = [Who.Admin],
        ["ListApiKeys"] = [Who.Admin],
        ["CreateApiKey"] = [Who.Admin],
        ["RevokeApiKey"] = [Who.Admin],
        ["ListAuditEntries"] = [Who.Admin, Who.Auditor],
        ["ConsoleSignOut"] = Everyone,
        ["GET /chat/widget.js"] = Everyone,
        ["GET /chat/console.js"] = Everyone,
        ["GET /chat/demo"] = Everyone,
        ["StartChatSession"] = Everyone,
        ["GetChatSession"] = VisitorTokenHolders,
        ["PostChatMessage"] = VisitorTokenHolders,
        ["StreamChatEvents"] = VisitorTokenHolders,
        ["ChatVisitorTyping"] = VisitorTokenHolders,
        ["ChatVisitorRead"] = VisitorTokenHolders,
        ["ChatWebSocket"] = VisitorTokenHolders,
        ["RateChat"] = VisitorTokenHolders,
        ["DescribeCategory"] = [Who.Lead, Who.Admin],
        ["CreateQueue"] = [Who.Lead, Who.Admin],
        ["EditQueue"] = [Who.Lead, Who.Admin],
        ["ListTeams"] = ShiftReaders,
        ["GetTeam"] = ShiftReaders,
        ["ListScheduleExceptions"] = ShiftReaders,
        ["GetMyAvailability"] = ShiftReaders,
        ["SetMyAvailability"] = ShiftReaders,
        ["ListAgentsOnShift"] = ShiftReaders,
        ["GetCoverage"] = ShiftReaders,
        ["ListQueueRouting"] = ShiftReaders,
        ["ListAgentSkills"] = ShiftReaders,
        ["CreateTeam"] = [Who.Lead],
        ["UpdateTeam"] = [Who.Lead],
        ["DeleteTeam"] = [Who.Lead],
        ["AddShift"] = [Who.Lead],
        ["UpdateShift"] = [Who.Lead],
        ["DeleteShift"] = [Who.Lead],
        ["CreateScheduleException"] = [Who.Lead],
        ["DeleteScheduleException"] = [Who.Lead],
        ["SetQueueRouting"] = [Who.Lead],
        ["SetAgentSkills"] = [Who.Lead],
        ["TakeAction"] = CaseWorkers,
        ["GetActionCatalogue"] = [.. CaseWorkers, Who.Admin, Who.Auditor, Who.Platform],
        ["GetAction"] = [.. CaseWorkers, Who.Admin, Who.Auditor, Who.Platform],
        ["GetStatementOfReasons"] = [.. CaseWorkers, Who.Admin, Who.Auditor, Who.Platform],
        ["GetStanding"] = [.. CaseWorkers, Who.Admin, Who.Auditor, Who.Platform],
        ["ListPendingActions"] = [Who.Lead, Who.Admin],
        ["ApproveAction"] = [Who.Lead, Who.Admin],
        ["RejectAction"] = [Who.Lead, Who.Admin],
        ["ConfirmAction"] = [Who.Platform],
        ["ForwardAppeal"] = [Who.Platform],
        ["GetCaseEnforcement"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["AcceptProposal"] = CaseWorkers,
        ["DeclineProposal"] = CaseWorkers,
        ["DecideAppeal"] = [Who.Specialist, Who.Lead],
        ["RegisterWebhookEndpoint"] = [Who.Admin],
        ["ListWebhookEndpoints"] = [Who.Admin],
        ["DeleteWebhookEndpoint"] = [Who.Admin],
        ["RotateWebhookSecret"] = [Who.Admin],
        ["ListWebhookDeadLetters"] = [Who.Admin],
        ["ReplayWebhookDelivery"] = [Who.Admin],
        ["AppealPage"] = Everyone,
        ["SubmitAppealByLink"] = Everyone,
        ["GetMetricsOverview"] = [Who.Lead, Who.Admin, Who.Platform],
        ["ScrapeMetrics"] = [Who.Lead, Who.Admin, Who.Platform],
        ["ExportMetricsOverview"] = [Who.Lead, Who.Admin, Who.Platform],
        ["ExportTrustSafety"] = [Who.Lead, Who.Admin, Who.Platform],
        ["ListMetricCases"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["ExportMetricCases"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["ExportRatings"] = [.. CaseWorkers, Who.DepartmentMember, Who.Auditor, Who.Platform],
        ["CsatAnswer"] = Everyone,
        ["CsatComment"] = Everyone,
    };

    private sealed record MappedEndpoint(string Key, string Method, string Pattern, bool Anonymous, bool HasPolicy);

    private List<MappedEndpoint> MappedEndpoints()
    {
        var source = fixture.Factory.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>().Where(endpoint => !IsConsolePageOrAsset(endpoint)).SelectMany(endpoint =>
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var hasPolicy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy));
            return methods.Select(m => new MappedEndpoint(name ?? $"{m} {(pattern.StartsWith('/') ? pattern : "/" + pattern)}", m, pattern, anonymous, hasPolicy));
        }).ToList();
    }

    /// <summary>
    /// The console's pages, its circuit hub and static files are anonymous endpoints by design: the layout sends anyone
    /// without a session to the sign-in page, and each use case checks the caller per record (the browser tests pin both).
    /// </summary>
    private static bool IsConsolePageOrAsset(RouteEndpoint endpoint) =>
        // The static-file fallback (outside Production) answers files missing from the manifest: not found either way.
        (endpoint.RoutePattern.RawText ?? "").TrimStart('/') == "{**path:file}" ||
        endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
        && (endpoint.Metadata.Any(m => m is Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata || m.GetType().Name == "StaticAssetDescriptor")
            || (endpoint.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("_blazor", StringComparison.Ordinal)
            || (endpoint.RoutePattern.RawText ?? "").TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal));

    [Fact]
    public void ConsoleEndpoints_AreOnlyPagesHubAndFiles()
    {
        var source = fixture.Factory.Services.GetRequiredService<EndpointDataSource>();

        var console = source.Endpoints.OfType<RouteEndpoint>().Where(IsConsolePageOrAsset).Select(e => e.RoutePattern.RawText ?? "").ToList();

        Assert.Contains(console, p => p.Contains("_blazor", StringComparison.Ordinal));
        Assert.DoesNotContain(console, p => p.Contains("api/", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryEndpoint_DeclaresAPolicyOrAnonymity_AndIsInTheMatrix()
    {
        var endpoints = MappedEndpoints();

        var undeclared = endpoints.Where(e => !e.Anonymous && !e.HasPolicy).Select(e => e.Key).ToList();
        var missing = endpoints.Where(e => !Expected.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        var stale = Expected.Keys.Except(endpoints.Select(e => e.Key)).ToList();

        Assert.True(undeclared.Count == 0, "Endpoints without .RequirePermission(...) or .AllowAnonymous(): " + string.Join(", ", undeclared));
        Assert.True(missing.Count == 0, "Endpoints missing from the authorisation matrix: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Matrix rows for endpoints that no longer exist: " + string.Join(", ", stale));
        Assert.True(endpoints.Count >= 38, $"{endpoints.Count} endpoints");
    }

    [Fact]
    public async Task EveryEndpoint_AsEveryCaller_AllowsOrRefusesAsTheMatrixSays()
    {
        var factory = fixture.Factory;
        var platform = await factory.CreateApiClientAsync();
        var subject = "matrix-" + Guid.NewGuid().ToString("N")[..8];
        var report = await (await platform.PostJsonAsync("/api/v1/reports", new { subject = new { kind = "account", externalId = subject }, category = "order.not_received", text = "Never arrived." }))
            .ExpectAsync(HttpStatusCode.Created);
        var caseId = report.Long("caseId");
        await (await platform.PostJsonAsync($"/api/v1/cases/{caseId}/escalations", new { department = "payments" })).ExpectAsync(HttpStatusCode.Created);
        var users = new Dictionary<Who, Guid>();
        foreach (var who in People)
        {
            users[who] = (await factory.CreateUserAsync(Enum.Parse<UserRole>(who.ToString()), who == Who.DepartmentMember ? "payments" : null)).Id;
        }

        var failures = new List<string>();
        foreach (var endpoint in MappedEndpoints().Where(e => Expected.ContainsKey(e.Key)))
        {
            var path = endpoint.Pattern
                .Replace("{id:long}", caseId.ToString(), StringComparison.Ordinal)
                .Replace("{id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{messageId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{sessionId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{userId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{attachmentId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                .Replace("{kind}", "account", StringComparison.Ordinal)
                .Replace("{externalId}", subject, StringComparison.Ordinal)
                .Replace("{name}", "self-harm%20disclosure", StringComparison.Ordinal)
                .Replace("{documentName}", "v1", StringComparison.Ordinal)
                .Replace("{documentName?}", "", StringComparison.Ordinal);
            path = path.StartsWith('/') ? path : "/" + path;
            foreach (var who in Everyone)
            {
                using var client = who switch
                {
                    Who.Anonymous => factory.CreateClient(),
                    Who.Platform => await factory.CreateApiClientAsync(),
                    _ => await factory.CreateSessionClientAsync(users[who]),
                };
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
                if (endpoint.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var status = (int)response.StatusCode;
                var allowed = Expected[endpoint.Key].Contains(who);
                var refused = status is 401 or 403;
                if (status >= 500)
                {
                    failures.Add($"{endpoint.Method} {path} as {who}: {status} (a server error, whatever the caller may do)");
                }
                else if (VisitorTokenEndpoints.Contains(endpoint.Key))
                {
                    if (status is not (401 or 404) && !(endpoint.Key == "ChatWebSocket" && status == 400))
                    {
                        failures.Add($"{endpoint.Method} {path} as {who}: {status}, expected 401 or 404 (only the chat's visitor token opens it)");
                    }
                }
                else if (allowed == refused || (!allowed && status != (who == Who.Anonymous ? 401 : 403)))
                {
                    failures.Add($"{endpoint.Method} {path} as {who}: {status}, expected {(allowed ? "allowed" : who == Who.Anonymous ? "401" : "403")}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
