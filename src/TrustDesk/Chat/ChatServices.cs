using System.Security.Cryptography;
using TrustDesk.Cases;

namespace TrustDesk.Chat;

public static class ChatServices
{
    public const string CorsPolicy = "chat-widget";

    /// <summary>The chat channel: visitor API and streams, the reply channel, and the relay between nodes.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ChatOptions>(configuration.GetSection(ChatOptions.Section));
        services.PostConfigure<ChatOptions>(options =>
        {
            // The demo page signs its buyer's token itself; without a configured secret it gets one for this process only.
            if (options.DemoEnabled && !options.Platforms.ContainsKey(ChatWidget.DemoPlatform))
            {
                options.Platforms[ChatWidget.DemoPlatform] = new ChatPlatform { Secret = DemoSecret };
            }
        });
        services.AddSingleton<IdentityTokens>();
        services.AddSingleton<ChatHub>();
        services.AddSingleton<ChatAgents>();
        services.AddSingleton<ChatRateLimits>();
        services.AddScoped<StartChatSession>();
        services.AddSingleton<ChatWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ChatWriter>());
        services.AddScoped<PostChatMessage>();
        services.AddScoped<MarkChatRead>();
        services.AddScoped<StreamChatEvents>();
        services.AddScoped<ChatAgentActions>();
        services.AddScoped<RateChat>();
        services.AddScoped<EmailChatTranscript>();
        services.AddReplyChannel<DeliverChatReply>();
        services.AddSingleton<DispatchChatReplies>();
        services.AddHostedService(sp => sp.GetRequiredService<DispatchChatReplies>());
        services.AddSingleton<PostgresChatRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresChatRelay>());

        var origins = configuration.GetSection(ChatOptions.Section + ":AllowedOrigins").Get<string[]>() ?? [];
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            // Platforms embed the widget on their own pages: those origins may call the visitor API (bearer tokens, no cookies).
            policy.WithOrigins(origins).WithHeaders("Authorization", "Content-Type", "Last-Event-ID").WithMethods("GET", "POST");
        }));
        return services;
    }

    private static readonly string DemoSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
