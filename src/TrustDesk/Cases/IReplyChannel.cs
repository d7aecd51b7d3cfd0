using TrustDesk.Data;

namespace TrustDesk.Cases;

/// <summary>
/// How an agent's reply reaches the requester of a case that came in on <see cref="Channel"/>. Each channel (email,
/// chat...) registers one (<c>services.AddReplyChannel&lt;T&gt;()</c>); <see cref="AddMessage"/> picks the one for the
/// case's channel, so Cases never names a channel. A case whose channel has none keeps the reply on the case only.
/// </summary>
public interface IReplyChannel
{
    Channel Channel { get; }

    /// <summary>The external id the reply carries from the start (an email's Message-ID), or null.</summary>
    string? NewExternalId();

    /// <summary>
    /// Adds what delivers <paramref name="message"/> (an outbox row, a chat event) to <paramref name="db"/>'s unit of
    /// work, before the caller's SaveChanges; or records on the case why it cannot be delivered.
    /// </summary>
    Task EnqueueAsync(TrustDeskDb db, Case @case, Message message, DateTime now, CancellationToken cancellationToken);

    /// <summary>Called after the commit: deliver now rather than at the next poll.</summary>
    void Delivered();
}

public static class ReplyChannelRegistration
{
    public static IServiceCollection AddReplyChannel<T>(this IServiceCollection services) where T : class, IReplyChannel
    {
        services.AddScoped<T>();
        services.AddScoped<IReplyChannel>(provider => provider.GetRequiredService<T>());
        return services;
    }
}
