using Scalar.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using TrustDesk.Access;
using TrustDesk.AgentConsole;
using TrustDesk.Api;
using TrustDesk.Audit;
using TrustDesk.Cases;
using TrustDesk.Chat;
using TrustDesk.Enforcement;
using TrustDesk.Webhooks;
using TrustDesk.Data;
using TrustDesk.Escalations;
using TrustDesk.Notifications;
using TrustDesk.Email;
using TrustDesk.Health;
using TrustDesk.Identity;
using TrustDesk.Intake;
using TrustDesk.Metrics;
using TrustDesk.Security;
using TrustDesk.Shifts;
using TrustDesk.Signals;
using TrustDesk.Sla;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;

namespace TrustDesk;

/// <summary>Builds the one web application every command runs: services, middleware and endpoints.</summary>
public static class TrustDeskApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const long DefaultMaxBodyBytes = 1_048_576;
    public const string CallerScheme = "Caller";

    /// <param name="args">Host arguments (<c>--urls</c>, <c>--TrustDesk:...</c>).</param>
    /// <param name="oneShot">
    /// For commands that print a result and exit: logs go to stderr, so stdout holds only what the command prints
    /// (<c>apikey create</c> promises the key alone on the last line).
    /// </param>
    /// <param name="defaults">Settings that apply unless configured anywhere else (the demo's SMTP listener).</param>
    public static WebApplication Build(string[] args, bool oneShot = false, IReadOnlyDictionary<string, string?>? defaults = null)
    {
        // appsettings.json ships beside the binary: find it there whatever the working directory (the data directory,
        // by contrast, is relative to where the user runs the command).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (defaults is not null)
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        }

        if (oneShot)
        {
            builder.Logging.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var maxBodyBytes = builder.Configuration.GetValue("TrustDesk:Api:MaxBodyBytes", DefaultMaxBodyBytes);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxBodyBytes);

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.ConfigureHttpJsonOptions(options => JsonOptions.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);

        // The migrator is the first hosted service, so the database is ready before anything else starts.
        services.AddData(builder.Configuration);
        services.AddTaxonomy();
        services.AddIntake(builder.Configuration);
        services.AddSubjects();
        services.AddSignals(builder.Configuration);
        services.AddCases();
        services.AddSla(builder.Configuration);
        services.AddShifts(builder.Configuration);
        services.AddMetrics(builder.Configuration);
        services.AddRules();
        services.AddEmail(builder.Configuration);
        services.AddChat(builder.Configuration);
        services.AddWebhooks(builder.Configuration);
        services.AddEnforcement(builder.Configuration);
        services.AddEscalations();
        services.AddNotifications();
        services.AddScoped<CreateApiKey>().AddScoped<RevokeApiKey>();
        services.AddApiKeyRevocation();
        services.AddWebSecurity(builder.Configuration);
        services.AddAuditCheckpoints(builder.Configuration);
        services.AddIdentityAndAccess(builder.Configuration);
        builder.AddConsole();

        // A bearer header means a platform API key or a personal access token; otherwise the console's session cookie.
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthenticationHandler.SchemeName : SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPermissionPolicies();
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "TrustDesk API";
            document.Info.Description = "Push platform objects, events and user reports; read and work cases. Authenticate with `Authorization: Bearer <api key or personal access token>`, or the console's session cookie from POST /api/v1/auth/signin.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.UseWebSecurity();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Client errors we answered on purpose are not server errors: keep them out of the error log.
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException or DomainRuleException or StepUpThrottledException,
        });
        app.UseStatusCodePages();
        app.UseMiddleware<RequestBodyLimit>(maxBodyBytes);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthEndpoints();
        app.MapIntakeEndpoints();
        app.MapSubjectEndpoints();
        app.MapSubjectIntakeEndpoints();
        app.MapSignalEndpoints();
        app.MapCaseEndpoints();
        app.MapInboundEmailEndpoints();
        app.MapChatEndpoints();
        app.MapTaxonomyEndpoints();
        app.MapRuleEndpoints();
        app.MapIdentityEndpoints();
        app.MapApiKeyEndpoints();
        app.MapAuditEndpoints();
        app.MapWebhookEndpoints();
        app.MapEnforcementEndpoints();
        app.MapEscalationEndpoints();
        app.MapNotificationEndpoints();
        app.MapMetricsEndpoints();
        app.MapShiftEndpoints();
        app.MapConsole();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/api/reference", options => options.WithTitle("TrustDesk API")).AllowAnonymous();
        return app;
    }
}
