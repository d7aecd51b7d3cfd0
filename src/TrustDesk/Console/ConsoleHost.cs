using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using MudBlazor.Services;
using TrustDesk.Identity;
using TrustDesk.AgentConsole.Shell;

namespace TrustDesk.AgentConsole;

/// <summary>
/// The agent console: Blazor with interactive server rendering over the same use cases the API calls, in-process.
/// Pages are anonymous at the endpoint; the layout sends anyone without a session to the sign-in page, and every
/// use case still checks the caller per record.
/// </summary>
public static class ConsoleHost
{
    public const string SignInPath = "/signin";

    public static WebApplicationBuilder AddConsole(this WebApplicationBuilder builder)
    {
        // Serves MudBlazor's files from the build output too, not only from a publish folder.
        builder.WebHost.UseStaticWebAssets();

        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, ConsoleAuthenticationStateProvider>();
        services.AddScoped<ConsoleSession>();

        services.AddSingleton<CasePresence>();
        // Presence too crosses nodes on PostgreSQL (its own channel, with expiry); on SQLite it stays in process.
        services.Configure<PresenceOptions>(builder.Configuration.GetSection(PresenceOptions.Section));
        services.AddSingleton<PostgresPresenceRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresPresenceRelay>());
        services.AddSingleton<Macros>();
        services.AddSingleton<ConsoleAlerts>();
        services.AddScoped<LoadInbox>();
        services.AddScoped<LoadInvestigation>();
        services.AddScoped<ListSavedViews>().AddScoped<SaveView>().AddScoped<DeleteSavedView>();
        services.AddScoped<StoreUpload>();
        services.AddScoped<ListMacros>().AddScoped<SaveMacro>().AddScoped<DeleteMacro>().AddScoped<ApplyMacro>();
        services.AddScoped<RecordHandleTime>();
        return builder;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.UseAntiforgery();
        // Named, not inferred from the entry assembly: hosts other than trustdesk itself (tests, tools) serve the same assets.
        app.MapStaticAssets("trustdesk.staticwebassets.endpoints.json").AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous();

        app.MapPost("/console/signout", async Task<Results<RedirectHttpResult, ProblemHttpResult>> (
                HttpContext http, ManageAccount account, IAntiforgery antiforgery, CancellationToken cancellationToken) =>
            {
                // The form carries an antiforgery token: another site cannot sign a person out (or in) behind their back.
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form has expired.", detail: "Reload the page and try again.");
                }

                if (http.User.Identity?.IsAuthenticated == true && Permissions.UserIdOf(http.User) is not null)
                {
                    await account.SignOutAsync(http.User, cancellationToken);
                }

                http.Response.Cookies.Delete(SessionAuthenticationHandler.CookieName);
                return TypedResults.Redirect(SignInPath + "?signedOut=1");
            })
            .AllowAnonymous()
            .ExcludeFromDescription()
            .WithName("ConsoleSignOut");
        return app;
    }
}
