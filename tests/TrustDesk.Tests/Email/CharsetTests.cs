using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using MimeKit;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>
/// Mail in the charsets clients really send, through the real ways in (raw MIME over HTTP and SMTP): the case title and
/// message text read right in the API, and the agent's reply goes out with the right Subject.
/// </summary>
public sealed class CharsetTests(SqliteEmailApp app) : IClassFixture<SqliteEmailApp>
{
    static CharsetTests() => EmailCharsets.Register();

    /// <summary>How a sample is written: encoded-word subject and a labelled body, or the corpus's broken shapes.</summary>
    public enum Shape
    {
        /// <summary>Subject as an RFC 2047 encoded word in the charset; body 8-bit (7-bit for ISO-2022-JP) labelled with it.</summary>
        Labelled,

        /// <summary>Subject as raw 8-bit bytes in the charset (no encoded word); body labelled with the charset.</summary>
        RawHeader,

        /// <summary>Raw 8-bit subject and body in the charset, the body labelled iso-8859-1 (the corpus's mislabelled GB2312).</summary>
        Mislabelled,

        /// <summary>Body in the charset without any charset label.</summary>
        Unlabelled,
    }

    public static TheoryData<string, string, string, string, Shape> Samples => new()
    {
        { "windows-1252", "windows-1252", "He said \u201cship it\u201d \u2014 50\u20ac", "He said \u201cship it\u201d \u2014 it cost 50\u20ac and it\u2019s still not here.", Shape.Labelled },
        { "windows-1251", "windows-1251", "Заказ не пришёл", "Здравствуйте! Мой заказ так и не пришёл, продавец не отвечает.", Shape.Labelled },
        { "gb2312", "gb2312", "订单没有到达", "你好，我的订单还没有到达，卖家也不回复。请帮助我。", Shape.Labelled },
        { "gbk", "gbk", "訂單没有到达", "你好，我的訂單还没有到达，賣家也不回复。", Shape.Labelled },
        { "big5", "big5", "訂單沒有到達", "您好，我的訂單還沒有到達，賣家也沒有回覆。", Shape.Labelled },
        { "shift_jis", "shift_jis", "注文が届きません", "こんにちは。注文した商品がまだ届きません。販売者も返信しません。", Shape.Labelled },
        { "euc-kr", "euc-kr", "주문이 도착하지 않았습니다", "안녕하세요, 주문한 상품이 아직 도착하지 않았습니다. 판매자도 답이 없습니다.", Shape.Labelled },
        { "iso-2022-jp", "iso-2022-jp", "注文が届きません", "こんにちは。注文した商品がまだ届きません。販売者も返信しません。", Shape.Labelled },
        { "raw-1251-header", "windows-1251", "Заказ не пришёл, верните деньги", "Здравствуйте! Мой заказ так и не пришёл, продавец не отвечает уже неделю.", Shape.RawHeader },
        { "raw-gb2312-header", "gb2312", "订单没有到达，请帮助", "你好，我的订单还没有到达，卖家也不回复。请帮助我。谢谢。", Shape.RawHeader },
        { "mislabelled-gb2312", "gb2312", "关于订单的问题",
            "你好，我在你们的网站上买了一张球星卡，已经两个星期了还没有收到。卖家不回复我的消息，物流信息也没有更新。请帮我查一下这个订单，谢谢。", Shape.Mislabelled },
        { "unlabelled-shift_jis", "shift_jis", "注文について",
            "こんにちは。先週注文したカードがまだ届きません。販売者に連絡しましたが返信がありません。追跡番号も更新されていません。確認をお願いします。", Shape.Unlabelled },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task RawMime_InCharset_ReadsRightInApi_AndReplySubjectIsRight(string name, string charset, string subject, string body, Shape shape)
    {
        var messageId = Mail.NewId(name + ".example");
        var raw = Build(messageId, charset, subject, body, shape);

        var content = new ByteArrayContent(raw);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        await (await app.Api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.Accepted);

        var caseId = await app.CaseOfAsync(messageId);
        await AssertReadsRightAsync(caseId, subject, body);
        var reply = await app.ReplyAsync(caseId, "We are looking into it.");
        Assert.Equal($"Re: {subject} [TD-{caseId}]", reply.Subject);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Smtp_InCharset_ReadsRightInApi(string name, string charset, string subject, string body, Shape shape)
    {
        var messageId = Mail.NewId(name + ".smtp.example");
        var message = MimeMessage.Load(new MemoryStream(Build(messageId, charset, subject, body, shape)), TestContext.Current.CancellationToken);

        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", app.SmtpPort, MailKit.Security.SecureSocketOptions.None, TestContext.Current.CancellationToken);
            await client.SendAsync(message, MailboxAddress.Parse("sender@example.com"), [MailboxAddress.Parse(EmailApp.Support)], TestContext.Current.CancellationToken);
            await client.DisconnectAsync(true, TestContext.Current.CancellationToken);
        }

        await AssertReadsRightAsync(await app.CaseOfAsync(messageId), subject, body);
    }

    [Fact]
    public async Task HtmlOnly_WithMetaCharsetAndNoLabel_ReadsRight()
    {
        var messageId = Mail.NewId("meta.example");
        var text = "こんにちは。注文した商品がまだ届きません。";
        var head = Encoding.ASCII.GetBytes($"From: meta.{messageId[..12]}@example.com\r\nTo: {EmailApp.Support}\r\nSubject: Meta charset\r\n" +
            $"Message-ID: <{messageId}>\r\nMIME-Version: 1.0\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        var html = Encoding.GetEncoding("shift_jis").GetBytes($"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"></head><body><p>{text}</p></body></html>\r\n");
        var content = new ByteArrayContent([.. head, .. html]);
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");

        await (await app.Api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.Accepted);

        var message = (await app.GetCaseAsync(await app.CaseOfAsync(messageId))).GetProperty("messages")[0];
        Assert.Contains(text, message.Str("text"), StringComparison.Ordinal);
        Assert.Contains(text, message.Str("html"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EncodedControlCharacters_SubjectGetsSpaces_BodyLosesNulAndControls()
    {
        var messageId = Mail.NewId();
        // "Hello\r\nBcc: x@evil.example" as an encoded word, and a body with NUL, BEL and a lone CR.
        var raw = "From: ctl.user@example.com\r\nTo: " + EmailApp.Support + "\r\nSubject: =?utf-8?b?" +
            Convert.ToBase64String(Encoding.UTF8.GetBytes("Hello\r\nBcc: x@evil.example")) + "?=\r\nMessage-ID: <" + messageId +
            ">\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            Convert.ToBase64String(Encoding.UTF8.GetBytes("Line\u0000one\u0007\rLine two\tend")) + "\r\n";

        await app.PostRawAsync(raw);

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(messageId));
        Assert.Equal("Hello Bcc: x@evil.example", detail.Str("title"));
        Assert.Equal("Lineone\nLine two\tend", detail.GetProperty("messages")[0].Str("text"));
    }

    private async Task AssertReadsRightAsync(long caseId, string subject, string body)
    {
        var detail = await app.GetCaseAsync(caseId);
        Assert.Equal(subject, detail.Str("title"));
        var message = detail.GetProperty("messages")[0];
        Assert.Equal(body, message.Str("text"));
        Assert.DoesNotContain(message.Str("text"), c => char.IsControl(c) && c is not '\n' and not '\t');
        Assert.Equal(JsonValueKind.String, message.GetProperty("text").ValueKind);
    }

    private static byte[] Build(string messageId, string charset, string subject, string body, Shape shape)
    {
        var encoding = Encoding.GetEncoding(charset);
        var head = new MemoryStream();
        void Line(string text) => head.Write(Encoding.ASCII.GetBytes(text + "\r\n"));

        // A sender per message: the flood limit of the test app is five per sender.
        Line("From: Buyer <charset." + messageId[..12] + "@example.com>");
        Line("To: " + EmailApp.Support);
        Line("Date: Sat, 28 Nov 2026 12:00:00 +0000");
        Line($"Message-ID: <{messageId}>");
        if (shape == Shape.Labelled)
        {
            Line($"Subject: =?{charset}?B?{Convert.ToBase64String(encoding.GetBytes(subject))}?=");
        }
        else
        {
            head.Write("Subject: "u8);
            head.Write(encoding.GetBytes(subject));
            head.Write("\r\n"u8);
        }

        Line("MIME-Version: 1.0");
        Line(shape switch
        {
            Shape.Mislabelled => "Content-Type: text/plain; charset=iso-8859-1",
            Shape.Unlabelled => "Content-Type: text/plain",
            _ => $"Content-Type: text/plain; charset={charset}",
        });
        Line(charset == "iso-2022-jp" ? "Content-Transfer-Encoding: 7bit" : "Content-Transfer-Encoding: 8bit");
        Line("");
        head.Write(encoding.GetBytes(body));
        head.Write("\r\n"u8);
        return head.ToArray();
    }
}
