using TrustDesk.Cases;

namespace TrustDesk.Email;

public static class EmailServices
{
    /// <summary>The email channel: the three ways in, processing into cases, and the reply outbox.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        // Once at start-up: mail arrives in Windows-1252, GB2312, Shift_JIS, … which .NET reads only with this provider.
        EmailCharsets.Register();
        services.Configure<EmailOptions>(configuration.GetSection(EmailOptions.Section));
        services.AddSingleton<Data.BlobStore>();
        services.AddSingleton<ComposeEmail>();
        services.AddScoped<StoreInboundEmail>();
        services.AddScoped<ReceiveEmail>();
        services.AddReplyChannel<QueueEmailReply>();
        services.AddScoped<QueueNoticeEmail>();
        services.AddSingleton<ProcessInboundEmails>();
        services.AddHostedService(sp => sp.GetRequiredService<ProcessInboundEmails>());
        services.AddSingleton<DispatchEmailReplies>();
        services.AddHostedService(sp => sp.GetRequiredService<DispatchEmailReplies>());
        services.AddSingleton<SmtpListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpListener>());
        services.AddSingleton<ImapPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapPoller>());
        return services;
    }

}
