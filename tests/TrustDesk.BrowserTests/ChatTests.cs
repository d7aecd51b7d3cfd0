using Microsoft.Playwright;
using TrustDesk.BrowserTests.Infrastructure;
using TrustDesk.Identity;
using static Microsoft.Playwright.Assertions;

namespace TrustDesk.BrowserTests;

/// <summary>A user on the demo marketplace and an agent in the console, each in their own Chromium context.</summary>
public sealed class ChatTests(ConsoleServer server)
{
    [Fact]
    public async Task Chat_UserInCrisisAndAgent_ExchangeMessagesTypingShows_ReloadResumes()
    {
        await using var visitorContext = await server.NewContextAsync();
        var visitor = await visitorContext.NewPageAsync();
        var agent = await server.SignedInPageAsync(UserRole.Lead);
        await agent.GotoAsync("/chats");
        await Expect(agent.GetByRole(AriaRole.Heading, new() { Name = "Live chats" })).ToBeVisibleAsync();

        await visitor.GotoAsync("/chat/demo");
        await visitor.Locator("#trustdesk-chat .launcher").ClickAsync();
        var text = visitor.Locator("#trustdesk-chat textarea");
        // Typed at once, while the widget is still starting the session: the message waits and is sent, not dropped.
        await text.FillAsync("I can't take it anymore, I'm going to end it tonight");
        await text.PressAsync("Enter");

        // Crisis resources reach the user before anyone answers; the agent's list flags the chat.
        await Expect(visitor.Locator("#trustdesk-chat .msg.system.crisis")).ToContainTextAsync("988", new() { Timeout = 10_000 });
        await Expect(visitor.Locator("#trustdesk-chat .msg.visitor .meta")).ToHaveTextAsync("Sent");
        await Expect(agent.Locator("#crisis-badge")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await agent.Locator("#chat-list a", new() { HasText = "Dana Demo" }).First.ClickAsync();
        await Expect(agent.Locator("#chat-log")).ToContainTextAsync("end it tonight");
        await agent.Locator("#chat-accept").ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .log")).ToContainTextAsync("joined the chat");

        await agent.Locator("#chat-reply").PressSequentiallyAsync("I'm here with you.", new() { Delay = 30 });
        await Expect(visitor.Locator("#trustdesk-chat .typing")).ToContainTextAsync("is typing");
        await agent.Locator("#chat-send").ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .msg.agent")).ToContainTextAsync("I'm here with you.");
        await text.PressSequentiallyAsync("thank you", new() { Delay = 30 });
        await Expect(agent.Locator("#visitor-typing")).ToContainTextAsync("is typing");
        await text.PressAsync("Enter");
        await Expect(agent.Locator("#chat-log")).ToContainTextAsync("thank you");
        await Expect(agent.Locator("#chat-log .td-chat-read").First).ToBeVisibleAsync();

        await visitor.ReloadAsync();
        await visitor.Locator("#trustdesk-chat .launcher").ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .log")).ToContainTextAsync("I'm here with you.");
        await Expect(visitor.Locator("#trustdesk-chat .msg.visitor")).ToHaveCountAsync(2);
        await visitor.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("chat-visitor.png") });
        await agent.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("chat-agent.png") });
    }

    [Fact]
    public async Task Chat_EndedByAgent_VisitorRatesIt_RatingOnTheAgentsPage()
    {
        await using var visitorContext = await server.NewContextAsync();
        var visitor = await visitorContext.NewPageAsync();
        var agent = await server.SignedInPageAsync(UserRole.Lead);
        await agent.GotoAsync("/chats");
        await visitor.GotoAsync("/chat/demo");
        await visitor.Locator("#trustdesk-chat .launcher").ClickAsync();
        var text = visitor.Locator("#trustdesk-chat textarea");
        await text.FillAsync("Hi, the tracking for my card order has not moved in five days.");
        await text.PressAsync("Enter");
        await Expect(visitor.Locator("#trustdesk-chat .msg.visitor .meta")).ToHaveTextAsync("Sent", new() { Timeout = 10_000 });

        // The agent opens this conversation (the demo buyer may have others open from earlier tests).
        var sessionId = await visitor.EvaluateAsync<string>(
            "() => Object.keys(localStorage).filter(k => k.startsWith('trustdesk.chat.')).map(k => JSON.parse(localStorage.getItem(k)).sessionId)[0]");
        await agent.GotoAsync($"/chats/{sessionId}");
        await agent.Locator("#chat-accept").ClickAsync();
        await agent.Locator("#chat-reply").FillAsync("I have asked the carrier; it will move today.");
        await agent.Locator("#chat-send").ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .msg.agent")).ToContainTextAsync("asked the carrier");
        await agent.Locator("#chat-end").ClickAsync();

        // The question arrives in the conversation; a score, a comment, and the first answer is thanked.
        var survey = visitor.Locator("#trustdesk-chat .survey");
        await Expect(survey).ToContainTextAsync("How did we do?", new() { Timeout = 10_000 });
        await survey.GetByRole(AriaRole.Button, new() { Name = "4 of 5, good" }).ClickAsync();
        await survey.Locator("textarea").FillAsync("Fast answer, thanks.");
        await visitor.ScreenshotAsync(new() { Path = ConsoleServer.ScreenshotPath("chat-rating.png") });
        await survey.GetByRole(AriaRole.Button, new() { Name = "Send rating" }).ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .log")).ToContainTextAsync("You rated this chat 4 of 5");
        await Expect(survey).ToHaveCountAsync(0);
        await Expect(agent.Locator("#chat-log")).ToContainTextAsync("You rated this chat 4 of 5");

        // Reloaded, the conversation stays answered: no question asked twice.
        await visitor.ReloadAsync();
        await visitor.Locator("#trustdesk-chat .launcher").ClickAsync();
        await Expect(visitor.Locator("#trustdesk-chat .log")).ToContainTextAsync("You rated this chat 4 of 5");
        await Expect(visitor.Locator("#trustdesk-chat .survey")).ToHaveCountAsync(0);

        await agent.GotoAsync("/dashboard/me");
        await Expect(agent.Locator("#ratings tr", new() { HasText = "Fast answer, thanks." })).ToContainTextAsync("4 of 5");
    }
}
