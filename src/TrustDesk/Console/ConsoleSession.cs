using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using TrustDesk.Identity;

namespace TrustDesk.AgentConsole;

/// <summary>The session has ended (signed out elsewhere, timed out, user disabled): the action did not run.</summary>
public sealed class SessionEndedException() : Exception("The session has ended. Sign in again.");

/// <summary>
/// How console components run a use case: as the signed-in user, in a fresh scope (a circuit lives for hours; a
/// DbContext should not), after checking the session is still good and counting the action as activity.
/// </summary>
public sealed class ConsoleSession(AuthenticationStateProvider authentication, IServiceScopeFactory scopes)
{
    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    public async Task<string> DisplayNameAsync() => (await UserAsync()).Identity?.Name ?? "";

    public async Task<bool> HasAsync(string permission) => (await UserAsync()).Has(permission);

    /// <summary>Runs an action of the user. Throws <see cref="SessionEndedException"/> when the session is over.</summary>
    public Task<T> RunAsync<T>(Func<IServiceProvider, ClaimsPrincipal, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunCoreAsync(work, touch: true, cancellationToken);

    /// <summary>Reads for the screen (a refresh pushed by another agent's change): not activity of this user.</summary>
    public Task<T> ReadAsync<T>(Func<IServiceProvider, ClaimsPrincipal, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunCoreAsync(work, touch: false, cancellationToken);

    private async Task<T> RunCoreAsync<T>(Func<IServiceProvider, ClaimsPrincipal, Task<T>> work, bool touch, CancellationToken cancellationToken)
    {
        var user = await UserAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new SessionEndedException();
        }

        await using var scope = scopes.CreateAsyncScope();
        if (!await SessionCheck.IsActiveAsync(scope.ServiceProvider, user, touch, cancellationToken))
        {
            (authentication as ConsoleAuthenticationStateProvider)?.MarkSignedOut();
            throw new SessionEndedException();
        }

        return await work(scope.ServiceProvider, user);
    }
}
