using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>TrustDesk with its SMTP listener on a free port and its relay pointed at an <see cref="SmtpSink"/>.</summary>
public abstract class EmailApp : IAsyncLifetime
{
    public const string Support = "support@test.trustdesk.test";

    public SmtpSink Sink { get; private set; } = null!;
    public TrustDeskFactory Factory { get; private set; } = null!;
    public int SmtpPort { get; private set; }
    public HttpClient Api { get; private set; } = null!;

    protected abstract Task<TrustDeskFactory> CreateFactoryAsync(Dictionary<string, string?> settings);

    public static Dictionary<string, string?> Settings(int smtpPort, int relayPort) => new()
    {
        ["TrustDesk:Email:Smtp:Port"] = smtpPort.ToString(),
        ["TrustDesk:Email:Smtp:Addresses:0"] = Support,
        ["TrustDesk:Email:Relay:Host"] = "127.0.0.1",
        ["TrustDesk:Email:Relay:Port"] = relayPort.ToString(),
        ["TrustDesk:Email:Relay:PollSeconds"] = "0.2",
        ["TrustDesk:Email:Relay:RetryBaseSeconds"] = "0.2",
        ["TrustDesk:Email:Relay:MaxAttempts"] = "2",
        // Small, so a test can pass it with a few hundred kilobytes of files.
        ["TrustDesk:Email:Relay:MaxMessageBytes"] = "1000000",
        ["TrustDesk:Email:MaxMessageBytes"] = "300000",
        ["TrustDesk:Email:FloodMaxPerSender"] = "5",
        ["TrustDesk:Email:ReopenWindowDays"] = "7",
    };

    /// <summary>Runs before the app starts (a peer it needs) and may add settings.</summary>
    protected virtual ValueTask PrepareAsync(Dictionary<string, string?> settings) => ValueTask.CompletedTask;

    protected virtual ValueTask CleanUpAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        Sink = new SmtpSink();
        SmtpPort = SmtpSink.FreePort();
        var settings = Settings(SmtpPort, Sink.Port);
        await PrepareAsync(settings);
        Factory = await CreateFactoryAsync(settings);
        _ = Factory.Server;
        await Factory.Services.GetRequiredService<SmtpListener>().Started;
        Api = await Factory.CreateApiClientAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Sink.DisposeAsync();
        await CleanUpAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Sends through the listener with MailKit, as a mail server would.</summary>
    public async Task SendSmtpAsync(string raw)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", SmtpPort, MailKit.Security.SecureSocketOptions.None, TestContext.Current.CancellationToken);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)), TestContext.Current.CancellationToken);
        await client.SendAsync(message, MailboxAddress.Parse("sender@example.com"), [MailboxAddress.Parse(Support)], TestContext.Current.CancellationToken);
        await client.DisconnectAsync(true, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> PostRawAsync(string raw, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(raw));
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        var response = await Api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken);
        return await response.ExpectAsync(expected);
    }

    /// <summary>Waits until the stored email with this Message-ID has been processed, and returns its row.</summary>
    public async Task<InboundEmail> WaitProcessedAsync(string messageId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var row = await Factory.WithDbAsync(db => db.InboundEmails.AsNoTracking().FirstOrDefaultAsync(e => e.MessageIdHeader == messageId));
            if (row is not null && row.State != InboundEmailStates.Received)
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The email {messageId} was not processed in time (row: {row?.State ?? "none"}).");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async Task<long> CaseOfAsync(string messageId)
    {
        var row = await WaitProcessedAsync(messageId);
        Assert.True(row.CaseId is not null, $"{messageId} went to no case: {row.State} {row.Outcome} {row.Error}");
        return row.CaseId!.Value;
    }

    public Task<JsonElement> GetCaseAsync(long id) => Api.GetJsonAsync($"/api/v1/cases/{id}");

    /// <summary>An agent's reply through the API; returns the email the sink received for it.</summary>
    public async Task<MimeMessage> ReplyAsync(long caseId, string text, string? status = null)
    {
        var json = await (await Api.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "reply", text, status })).ExpectAsync(HttpStatusCode.Created);
        var messageId = json.Str("externalId");
        return await Sink.WaitForAsync(m => m.MessageId == messageId);
    }
}

public sealed class SqliteEmailApp : EmailApp
{
    protected override Task<TrustDeskFactory> CreateFactoryAsync(Dictionary<string, string?> settings) =>
        Task.FromResult(new TrustDeskFactory(Provider.Sqlite, null, settings));
}

public sealed class PostgresEmailApp(PostgresServer server) : EmailApp
{
    protected override async Task<TrustDeskFactory> CreateFactoryAsync(Dictionary<string, string?> settings) =>
        new(Provider.Postgres, await server.CreateDatabaseAsync(), settings);
}

/// <summary>Raw messages as clients write them.</summary>
public static class Mail
{
    public static string NewId(string domain = "mail.example.com") => $"{Guid.NewGuid():N}@{domain}";

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20];

    /// <summary>A multipart/mixed message; each part is its header lines, a blank line and its body.</summary>
    public static string Multipart(string from, string messageId, string subject, params string[] parts)
    {
        var builder = new StringBuilder($"From: {from}\r\nTo: {EmailApp.Support}\r\nSubject: {subject}\r\nMessage-ID: <{messageId}>\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n");
        foreach (var part in parts)
        {
            builder.Append("--XYZ\r\n").Append(part.ReplaceLineEndings("\r\n")).Append("\r\n");
        }

        return builder.Append("--XYZ--\r\n").ToString();
    }

    /// <summary>A plain text message; <paramref name="headers"/> are extra header lines, written as given.</summary>
    public static string Text(string from, string subject, string body, string? messageId = null, string? inReplyTo = null, string? references = null,
        params string[] headers)
    {
        var builder = new StringBuilder();
        builder.Append($"From: {from}\r\n");
        builder.Append($"To: {EmailApp.Support}\r\n");
        builder.Append($"Subject: {subject}\r\n");
        builder.Append("Date: Sat, 28 Nov 2026 12:00:00 +0000\r\n");
        if (messageId is not null)
        {
            builder.Append($"Message-ID: <{messageId}>\r\n");
        }

        if (inReplyTo is not null)
        {
            builder.Append($"In-Reply-To: <{inReplyTo}>\r\n");
        }

        if (references is not null)
        {
            builder.Append($"References: {references}\r\n");
        }

        foreach (var header in headers)
        {
            builder.Append(header).Append("\r\n");
        }

        builder.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        builder.Append(body.Replace("\n", "\r\n", StringComparison.Ordinal)).Append("\r\n");
        return builder.ToString();
    }
}
