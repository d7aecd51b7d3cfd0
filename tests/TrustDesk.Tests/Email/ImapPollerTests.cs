using System.Text;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>TrustDesk reading a mailbox on a private Dovecot, with the SMTP listener beside it.</summary>
public sealed class ImapApp : EmailApp
{
    public DovecotServer Dovecot { get; } = new();

    protected override async ValueTask PrepareAsync(Dictionary<string, string?> settings)
    {
        await Dovecot.InitializeAsync();
        settings["TrustDesk:Email:Imap:0:Name"] = "support-inbox";
        settings["TrustDesk:Email:Imap:0:Host"] = "127.0.0.1";
        settings["TrustDesk:Email:Imap:0:Port"] = Dovecot.Port.ToString();
        settings["TrustDesk:Email:Imap:0:Security"] = "none";
        settings["TrustDesk:Email:Imap:0:Username"] = DovecotServer.User;
        settings["TrustDesk:Email:Imap:0:Password"] = DovecotServer.Password;
        settings["TrustDesk:Email:Imap:0:PollSeconds"] = "2";
    }

    protected override ValueTask CleanUpAsync() => Dovecot.DisposeAsync();

    protected override Task<TrustDeskFactory> CreateFactoryAsync(Dictionary<string, string?> settings) =>
        Task.FromResult(new TrustDeskFactory(Provider.Sqlite, null, settings));

    /// <summary>Delivers a message into the mailbox (IMAP APPEND), as the mail server in front of it would.</summary>
    public async Task<UniqueId> AppendAsync(string raw)
    {
        using var client = await ConnectAsync();
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)), TestContext.Current.CancellationToken);
        var uid = await client.Inbox.AppendAsync(message, MessageFlags.None, TestContext.Current.CancellationToken);
        await client.DisconnectAsync(true, TestContext.Current.CancellationToken);
        return uid!.Value;
    }

    /// <summary>Waits until the message carries the keyword and returns its flags.</summary>
    public async Task<IMessageSummary> WaitForKeywordAsync(UniqueId uid, string keyword)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        using var client = await ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly, TestContext.Current.CancellationToken);
        while (true)
        {
            var summary = (await client.Inbox.FetchAsync([uid], MessageSummaryItems.Flags, TestContext.Current.CancellationToken)).Single();
            if (summary.Keywords.Contains(keyword))
            {
                return summary;
            }

            Assert.True(DateTime.UtcNow < deadline, $"UID {uid} never got {keyword}.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
            await client.NoOpAsync(TestContext.Current.CancellationToken);
        }
    }

    private async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Dovecot.Port, MailKit.Security.SecureSocketOptions.None, TestContext.Current.CancellationToken);
        await client.AuthenticateAsync(DovecotServer.User, DovecotServer.Password, TestContext.Current.CancellationToken);
        return client;
    }
}

public sealed class ImapPollerTests(ImapApp app) : IClassFixture<ImapApp>
{
    [Fact]
    public async Task NewMessageInMailbox_BecomesCaseAndIsFlagged_AndUserReplyByImapJoinsIt()
    {
        var first = Mail.NewId();
        var uid = await app.AppendAsync(Mail.Text("Imogen <imogen.imap@example.com>", "Stream host was abusive", "He insulted me on stream.", first));

        var caseId = await app.CaseOfAsync(first);
        var summary = await app.WaitForKeywordAsync(uid, ImapPoller.StoredKeyword);
        Assert.True(summary.Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.Equal("email", (await app.GetCaseAsync(caseId)).Str("channel"));

        var reply = await app.ReplyAsync(caseId, "Sorry to hear that. Which stream was it?");
        Assert.Equal(first, reply.InReplyTo);

        var answer = Mail.NewId();
        await app.AppendAsync(Mail.Text("Imogen <imogen.imap@example.com>", "Re: " + reply.Subject, "The Sunday break stream.", answer, reply.MessageId,
            $"<{first}> <{reply.MessageId}>"));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
        Assert.Equal(3, (await app.GetCaseAsync(caseId)).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task SameMessage_BySmtpAndByImap_IsOneMessageOnOneCase()
    {
        var id = Mail.NewId();
        var raw = Mail.Text("twice@example.com", "Arrived twice", "This one comes by two roads.", id);

        await app.SendSmtpAsync(raw);
        var caseId = await app.CaseOfAsync(id);
        var uid = await app.AppendAsync("Received: from mx.example.com by imap.example.com; Sat, 28 Nov 2026 12:00:01 +0000\r\n" + raw);
        await app.WaitForKeywordAsync(uid, ImapPoller.StoredKeyword);

        var rows = await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync(e => e.MessageIdHeader == id));
        Assert.Equal(1, rows);
        Assert.Single((await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task HugeMessageInMailbox_IsSetAside_AndTheNextOneStillArrives()
    {
        var huge = Mail.NewId();
        var hugeUid = await app.AppendAsync(Mail.Text("huge@example.com", "Huge", new string('x', 400_000), huge));
        var next = Mail.NewId();
        await app.AppendAsync(Mail.Text("after.huge@example.com", "After the huge one", "Still here.", next));

        await app.CaseOfAsync(next);
        var summary = await app.WaitForKeywordAsync(hugeUid, ImapPoller.SetAsideKeyword);
        Assert.DoesNotContain(ImapPoller.StoredKeyword, summary.Keywords);
        Assert.Equal(0, await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync(e => e.MessageIdHeader == huge)));
    }
}
