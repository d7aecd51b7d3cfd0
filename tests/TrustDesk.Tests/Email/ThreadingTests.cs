using MimeKit;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>Replies as the common clients write them must join their case; nothing else may.</summary>
public sealed class ThreadingTests(SqliteEmailApp app) : IClassFixture<SqliteEmailApp>
{
    private async Task<(long CaseId, string First, MimeMessage Reply, string Address)> StartThreadAsync(string name)
    {
        var address = $"{Mail.Unique(name)}@example.com".ToLowerInvariant();
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text($"{name} <{address}>", "Item not as described", "The card has a crease.", first));
        var caseId = await app.CaseOfAsync(first);
        var reply = await app.ReplyAsync(caseId, "Could you send a photo of the crease?");
        return (caseId, first, reply, address);
    }

    public static TheoryData<string> Clients => ["gmail", "outlook", "apple", "thunderbird"];

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task ReplyInClientStyle_JoinsTheCase_WithQuotedHistoryFolded(string client)
    {
        var (caseId, first, reply, address) = await StartThreadAsync(client);
        var answer = Mail.NewId(client + ".example");

        await app.PostRawAsync(ClientReply(client, address, answer, first, reply));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
        var message = (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("Here is the photo, the crease is on the left.", message.Str("text"));
        Assert.Contains("send a photo of the crease", message.Str("quotedText"), StringComparison.Ordinal);
        if (message.GetProperty("html").GetString() is { } html)
        {
            Assert.Contains("<details class=\"td-quoted\">", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReplyWithInReplyToButNoReferences_JoinsTheCase()
    {
        var (caseId, _, reply, address) = await StartThreadAsync("noref");
        var answer = Mail.NewId();

        await app.PostRawAsync(Mail.Text(address, "Re: " + reply.Subject, "Only In-Reply-To here.", answer, reply.MessageId));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
    }

    [Fact]
    public async Task ReplyWithOnlyReferences_JoinsTheCase()
    {
        var (caseId, first, reply, address) = await StartThreadAsync("refonly");
        var answer = Mail.NewId();

        await app.PostRawAsync(Mail.Text(address, "Re: something else entirely", "Only References here.", answer, null, $"<{first}> <{reply.MessageId}>"));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
    }

    [Fact]
    public async Task ReplyWithoutHeaders_ButWithCaseTokenFromTheRequester_JoinsTheCase()
    {
        var (caseId, _, _, address) = await StartThreadAsync("token");
        var answer = Mail.NewId();

        await app.PostRawAsync(Mail.Text(address, $"Re: Item not as described [TD-{caseId}]", "My client dropped the headers.", answer));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
    }

    [Fact]
    public async Task CaseTokenFromAStranger_OpensANewCase()
    {
        var (caseId, _, _, _) = await StartThreadAsync("victim");
        var answer = Mail.NewId();

        await app.PostRawAsync(Mail.Text("stranger@evil.example", $"Re: [TD-{caseId}] let me in", "I am not the requester.", answer));

        Assert.NotEqual(caseId, await app.CaseOfAsync(answer));
    }

    [Fact]
    public async Task HeaderlessReFollowUp_FromTheRequester_JoinsTheOpenCase()
    {
        var (caseId, _, _, address) = await StartThreadAsync("webmail");
        var followUp = Mail.NewId();

        await app.PostRawAsync(Mail.Text(address, "RE:  Fwd: item NOT   as described", "Any news? My phone dropped the headers.", followUp));

        Assert.Equal(caseId, await app.CaseOfAsync(followUp));
    }

    [Fact]
    public async Task HeaderlessFollowUp_SameSubjectFromAStranger_OpensItsOwnCase()
    {
        var (caseId, _, _, _) = await StartThreadAsync("samesubject");
        var other = Mail.NewId();

        await app.PostRawAsync(Mail.Text($"{Mail.Unique("other")}@example.com", "Re: Item not as described", "Mine too.", other));

        Assert.NotEqual(caseId, await app.CaseOfAsync(other));
    }

    [Fact]
    public async Task InReplyToFromAStranger_OpensNewLinkedCase_AndNeverShapesTheCustomersReplyHeaders()
    {
        var (caseId, first, _, _) = await StartThreadAsync("guessed");
        var intrusion = Mail.NewId("evil.example");

        await app.PostRawAsync(Mail.Text("stranger@evil.example", "Re: Item not as described", "I know your Message-ID.", intrusion, first, $"<{first}>"));

        var strangerCase = await app.CaseOfAsync(intrusion);
        Assert.NotEqual(caseId, strangerCase);
        var detail = await app.GetCaseAsync(strangerCase);
        Assert.Equal(caseId, detail.GetProperty("linkedCaseId").GetInt64());
        Assert.Contains(detail.GetProperty("messages").EnumerateArray(),
            m => m.Str("direction") == "internal" && m.Str("text").Contains($"TD-{caseId}", StringComparison.Ordinal));
        Assert.DoesNotContain((await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray(), m => m.Str("text").Contains("I know your", StringComparison.Ordinal));
        var reply = await app.ReplyAsync(caseId, "Still looking into it.");
        Assert.Equal(first, reply.InReplyTo);
        Assert.DoesNotContain(intrusion, reply.References);
    }

    [Fact]
    public async Task InReplyToFromACopiedParticipant_JoinsTheCase()
    {
        var address = $"{Mail.Unique("ccowner")}@example.com".ToLowerInvariant();
        var colleague = $"{Mail.Unique("colleague")}@example.com".ToLowerInvariant();
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text(address, "Seller sent the wrong card", "My colleague is copied.", first, null, null, $"Cc: Colleague <{colleague}>"));
        var caseId = await app.CaseOfAsync(first);
        var answer = Mail.NewId();

        await app.PostRawAsync(Mail.Text(colleague, "Re: Seller sent the wrong card", "I can confirm it was the wrong card.", answer, first, $"<{first}>"));

        Assert.Equal(caseId, await app.CaseOfAsync(answer));
    }

    [Fact]
    public async Task ForwardByTheRequester_WithTheToken_JoinsTheCase()
    {
        var (caseId, _, reply, address) = await StartThreadAsync("forwarder");
        var forward = Mail.NewId();

        await app.PostRawAsync(Mail.Text(address, "Fwd: " + reply.Subject,
            "See the seller's answer below.\n\n---------- Forwarded message ---------\nFrom: Seller <seller@example.com>\nSubject: crease\n\nIt was like that when I shipped it.",
            forward));

        Assert.Equal(caseId, await app.CaseOfAsync(forward));
        var message = (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("See the seller's answer below.", message.Str("text"));
        Assert.Contains("when I shipped it", message.Str("quotedText"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplyChain_EachReplyReferencingTheLast_StaysOnOneCase()
    {
        var (caseId, first, reply, address) = await StartThreadAsync("chain");
        var references = $"<{first}> <{reply.MessageId}>";
        var previous = reply.MessageId;
        for (var i = 0; i < 3; i++)
        {
            var next = Mail.NewId();
            await app.PostRawAsync(Mail.Text(address, "Re: " + reply.Subject, $"Follow-up {i}.", next, previous, references));
            Assert.Equal(caseId, await app.CaseOfAsync(next));
            var agent = await app.ReplyAsync(caseId, $"Answer {i}.");
            Assert.Equal(next, agent.InReplyTo);
            Assert.Contains(next, agent.References);
            references += $" <{next}> <{agent.MessageId}>";
            previous = agent.MessageId;
        }

        Assert.Equal(8, (await app.GetCaseAsync(caseId)).GetProperty("messages").GetArrayLength());
    }

    private static string ClientReply(string client, string from, string messageId, string first, MimeMessage reply)
    {
        var refs = $"<{first}> <{reply.MessageId}>";
        var quoteText = "Could you send a photo of the crease?";
        var fresh = "Here is the photo, the crease is on the left.";
        return (client switch
        {
            "gmail" => $"""
                MIME-Version: 1.0
                Date: Sat, 28 Nov 2026 13:05:11 +0100
                References: {refs}
                In-Reply-To: <{reply.MessageId}>
                Message-ID: <{messageId}>
                Subject: Re: {reply.Subject}
                From: Gmail User <{from}>
                To: TrustDesk Support <{EmailApp.Support}>
                Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

                --000000000000a1b2c3d4e5f6
                Content-Type: text/plain; charset="UTF-8"

                {fresh}

                On Sat, Nov 28, 2026 at 12:00 PM TrustDesk Support <{EmailApp.Support}> wrote:

                > {quoteText}
                >

                --000000000000a1b2c3d4e5f6
                Content-Type: text/html; charset="UTF-8"
                Content-Transfer-Encoding: quoted-printable

                <div dir=3D"ltr">{fresh}</div><br><div class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Sat, Nov 28, 2026 at 12:00 PM TrustDesk Support wrote:<br></div><blockquote class=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{quoteText}</blockquote></div>

                --000000000000a1b2c3d4e5f6--
                """,
            "outlook" => $$"""
                From: Outlook User <{{from}}>
                To: TrustDesk Support <{{EmailApp.Support}}>
                Subject: RE: {{reply.Subject}}
                Thread-Topic: {{reply.Subject}}
                Thread-Index: AQHZabcdEFGHijklMNOPqrstUVWXyz==
                Date: Sat, 28 Nov 2026 12:05:11 +0000
                Message-ID: <{{messageId}}>
                References: {{refs}}
                In-Reply-To: <{{reply.MessageId}}>
                Accept-Language: en-US
                Content-Language: en-US
                X-MS-Has-Attach:
                X-MS-TNEF-Correlator:
                Content-Type: multipart/alternative; boundary="_000_AM0PR01MB1234_"
                MIME-Version: 1.0

                --_000_AM0PR01MB1234_
                Content-Type: text/plain; charset="us-ascii"
                Content-Transfer-Encoding: quoted-printable

                {{fresh}}

                ________________________________
                From: TrustDesk Support <{{EmailApp.Support}}>
                Sent: Saturday, November 28, 2026 12:00 PM
                To: Outlook User <{{from}}>
                Subject: {{reply.Subject}}

                {{quoteText}}

                --_000_AM0PR01MB1234_
                Content-Type: text/html; charset="us-ascii"
                Content-Transfer-Encoding: quoted-printable

                <html><head><style>p { margin: 0 }</style></head><body><div>{{fresh}}</div><div id=3D"appendonsend"></div><hr><div id=3D"divRplyFwdMsg"><b>From:</b> TrustDesk Support<br><b>Sent:</b> Saturday<br></div><div>{{quoteText}}</div></body></html>

                --_000_AM0PR01MB1234_--
                """,
            "apple" => $"""
                Content-Type: multipart/alternative; boundary="Apple-Mail=_1A2B3C4D-5E6F"
                Mime-Version: 1.0 (Mac OS X Mail 16.0 \(3774.600.62\))
                Subject: Re: {reply.Subject}
                From: Apple User <{from}>
                In-Reply-To: <{reply.MessageId}>
                Date: Sat, 28 Nov 2026 13:05:11 +0100
                Message-Id: <{messageId}>
                References: {refs}
                To: TrustDesk Support <{EmailApp.Support}>

                --Apple-Mail=_1A2B3C4D-5E6F
                Content-Transfer-Encoding: 7bit
                Content-Type: text/plain; charset=us-ascii

                {fresh}

                > On 28 Nov 2026, at 12:00, TrustDesk Support <{EmailApp.Support}> wrote:
                >
                > {quoteText}


                --Apple-Mail=_1A2B3C4D-5E6F
                Content-Transfer-Encoding: 7bit
                Content-Type: text/html; charset=us-ascii

                <html><body>{fresh}<br><div><br><blockquote type="cite"><div>On 28 Nov 2026, at 12:00, TrustDesk Support wrote:</div><div>{quoteText}</div></blockquote></div></body></html>
                --Apple-Mail=_1A2B3C4D-5E6F--
                """,
            _ => $"""
                Message-ID: <{messageId}>
                Date: Sat, 28 Nov 2026 13:05:11 +0100
                MIME-Version: 1.0
                User-Agent: Mozilla Thunderbird
                Subject: Re: {reply.Subject}
                Content-Language: en-US
                To: TrustDesk Support <{EmailApp.Support}>
                References: {refs}
                From: Thunderbird User <{from}>
                In-Reply-To: <{reply.MessageId}>
                Content-Type: text/plain; charset=UTF-8; format=flowed
                Content-Transfer-Encoding: 7bit

                {fresh}

                On 28/11/2026 12:00, TrustDesk Support wrote:
                > {quoteText}
                """,
        }).ReplaceLineEndings("\r\n");
    }
}
