using Microsoft.EntityFrameworkCore.Infrastructure;

namespace TrustDesk.Data;

/// <summary>
/// Work a feature does inside every save, before it is written (Cases hands new case events to the SLA clocks): a
/// feature registers an <see cref="ISavingHook"/> and Data runs it without knowing what it is.
/// </summary>
public interface ISavingHook
{
    Task OnSavingAsync(TrustDeskDb db, CancellationToken cancellationToken);
}

public static class SavingHooks
{
    /// <summary>
    /// False for a context built without the application's services (a batch writer's own, <see cref="SingleWriterContexts"/>):
    /// its saves run no hooks, and the writer shows its changes to the features itself.
    /// </summary>
    public static bool Run(TrustDeskDb db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider is not null;

    public static async Task RunAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        // The context is pooled and built by EF Core, so the hooks come from the application's provider, not the constructor.
        var services = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        if (services?.GetService<IEnumerable<ISavingHook>>() is not { } hooks)
        {
            return;
        }

        foreach (var hook in hooks)
        {
            await hook.OnSavingAsync(db, cancellationToken);
        }
    }
}
