namespace TrustDesk.Chat;

/// <summary><c>TrustDesk:Chat</c>: the platforms that sign identity tokens, what a user in crisis is told, and limits.</summary>
public sealed class ChatOptions
{
    public const string Section = "TrustDesk:Chat";

    /// <summary>Platform id (the token's <c>iss</c>) to its signing secret. Secrets shorter than 32 bytes are refused.</summary>
    public Dictionary<string, ChatPlatform> Platforms { get; set; } = [];

    /// <summary>Shown to the user the moment triage sees a risk to life, before any agent answers.</summary>
    public string CrisisResources { get; set; } =
        "If you are thinking about ending your life or are in danger, please reach out now: in the US call or text 988 "
        + "(Suicide & Crisis Lifeline), in the UK and Ireland call 116 123 (Samaritans), elsewhere your local emergency number. "
        + "A member of our safety team has been alerted and will be with you shortly.";

    /// <summary>Shown when nobody is on shift: the conversation continues by email on the same case.</summary>
    public string NoAgentText { get; set; } =
        "No agent is available right now. We keep your messages on your case and will answer by email at the address you gave.";

    public int TextMaxLength { get; set; } = 4_000;

    /// <summary>Messages a visitor may send per minute, and the same per IP address (several visitors behind one NAT).</summary>
    public int MessagesPerMinutePerVisitor { get; set; } = 30;
    public int MessagesPerMinutePerIp { get; set; } = 120;
    public int SessionsPerHourPerIp { get; set; } = 30;

    /// <summary>How long an agent takes per chat on average; the wait estimate a queued visitor sees is built from it.</summary>
    public int MinutesPerChat { get; set; } = 6;

    /// <summary>Chats an agent holds at once.</summary>
    public int AgentCapacity { get; set; } = 3;

    /// <summary>Serve <c>/chat/demo</c> (a mock marketplace signed in as a demo buyer).</summary>
    public bool DemoEnabled { get; set; } = true;

    /// <summary>Origins of platform pages allowed to embed the widget (CORS and the WebSocket's Origin check).</summary>
    public List<string> AllowedOrigins { get; set; } = [];
}

public sealed class ChatPlatform
{
    public string Secret { get; set; } = "";
}
