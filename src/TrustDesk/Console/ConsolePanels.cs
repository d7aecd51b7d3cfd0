using Microsoft.AspNetCore.Components;

namespace TrustDesk.AgentConsole;

/// <summary>
/// A panel another feature adds to the case page's side column, without the console naming that feature (the console
/// is used by features; it uses none of them). The component receives the parameters <c>CaseId</c> (long),
/// <c>Version</c> (int, changes whenever the case changes), <c>Category</c> (string?), <c>Subjects</c>
/// (<c>IReadOnlyList&lt;CaseSubjectView&gt;</c>), <c>OnChanged</c> and <c>OnSessionEnded</c> (<c>EventCallback</c>).
/// </summary>
public sealed record CaseSidePanel(Type Component, int Order);

/// <summary>
/// A panel another feature adds under each subject of the investigation. The component receives <c>Kind</c>
/// (<c>SubjectKind</c>), <c>ExternalId</c> (string) and <c>Version</c> (int, changes whenever the case changes).
/// </summary>
public sealed record SubjectPanel(Type Component, int Order);

/// <summary>
/// Something another feature shows in the shell's header for every signed-in person (the agent's availability switch, the notification bell),
/// without the shell naming that feature. The component takes no parameters and decides itself whom it shows to.
/// </summary>
public sealed record HeaderItem(Type Component, int Order);

public static class ConsolePanels
{
    /// <summary>Adds <typeparamref name="T"/> to the shell's header, before the user's name (lower order first).</summary>
    public static IServiceCollection AddHeaderItem<T>(this IServiceCollection services, int order = 0)
        where T : IComponent =>
        services.AddSingleton(new HeaderItem(typeof(T), order));

    /// <summary>Adds <typeparamref name="T"/> to every case page's side column, above the case's fields (lower order first).</summary>
    public static IServiceCollection AddCaseSidePanel<T>(this IServiceCollection services, int order = 0)
        where T : IComponent =>
        services.AddSingleton(new CaseSidePanel(typeof(T), order));

    /// <summary>Adds <typeparamref name="T"/> under each subject of the investigation panel (lower order first).</summary>
    public static IServiceCollection AddSubjectPanel<T>(this IServiceCollection services, int order = 0)
        where T : IComponent =>
        services.AddSingleton(new SubjectPanel(typeof(T), order));
}
