using System.Text;
using TrustDesk.Cli;
using TrustDesk.Email;

namespace TrustDesk.Tests.Email;

/// <summary>The pure parts of the email channel, where a table of cases says more than a round trip.</summary>
public sealed class EmailUnitTests
{
    [Fact]
    public void Sanitize_RepeatedAndHostileInlineStyles_KeepOnlyHarmlessCssEveryTime()
    {
        // The second message meets each style string again, so it gets the cached verdict; both must come out the same.
        const string html = """
            <div style="position:fixed;top:0;z-index:9999;color:red">overlay</div>
            <p style="color:red&quot; onmouseover=&quot;alert(1)">quote breaking out</p>
            <p style="margin:0 0 8px">one</p><p style="margin:0 0 8px">two</p>
            <p style="width: expression(alert(1))">old IE</p>
            """;

        var first = EmailHtml.Sanitize(html).Html;
        var second = EmailHtml.Sanitize(html).Html;

        Assert.Equal(first, second);
        foreach (var bad in new[] { "position", "z-index", "onmouseover", "expression", "top:" })
        {
            Assert.DoesNotContain(bad, first, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains("color: rgba(255, 0, 0, 1)", first, StringComparison.Ordinal);
        Assert.Equal(2, first.Split("margin: 0 0 8px").Length - 1);
    }

    [Theory]
    [InlineData("Hello\n\nOn Mon, 1 Dec 2026 at 10:00, Support <s@x.test> wrote:\n> old", "Hello", "On Mon")]
    [InlineData("Hello\n\n-----Original Message-----\nFrom: x\nold", "Hello", "-----Original")]
    [InlineData("Hello\n\n________________________________\nFrom: Support\nSent: today\nold", "Hello", "____")]
    [InlineData("Hello\n\nAm 01.12.2026 um 10:00 schrieb Support:\n> alt", "Hello", "Am 01.12")]
    [InlineData("Hello\n> quoted\n> more", "Hello", "> quoted")]
    [InlineData("Just text, nothing quoted.", "Just text, nothing quoted.", null)]
    public void QuotedHistory_Split_FindsWhereTheHistoryStarts(string text, string fresh, string? quotedStart)
    {
        var (actualFresh, quoted) = QuotedHistory.Split(text);

        Assert.Equal(fresh, actualFresh);
        if (quotedStart is null)
        {
            Assert.Null(quoted);
        }
        else
        {
            Assert.StartsWith(quotedStart, quoted, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("image/png", "a.png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 }, "image/png", false, false)]
    [InlineData("image/jpeg", "a.jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg", false, false)]
    [InlineData("image/png", "a.png", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }, "image/jpeg", true, false)]
    [InlineData("application/pdf", "a.pdf", new byte[] { 0x4D, 0x5A, 0x90, 0 }, "application/x-msdownload", true, true)]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a.docx", new byte[] { 0x50, 0x4B, 0x03, 0x04 }, "application/zip", false, false)]
    [InlineData("image/png", "a.png", new byte[] { 0x3C, 0x73, 0x76, 0x67, 0x3E }, "image/svg+xml", true, true)]
    [InlineData("text/plain", "notes.txt", new byte[] { 0x68, 0x69 }, "text/plain", false, false)]
    [InlineData("application/octet-stream", "run.exe", new byte[] { 0x00, 0x01, 0x02 }, null, true, true)]
    public void SniffContent_JudgesTheBytes(string declared, string fileName, byte[] head, string? detected, bool problem, bool refuse)
    {
        var verdict = SniffContent.Check(declared, fileName, head);

        Assert.Equal(detected, verdict.DetectedType);
        Assert.Equal(problem, verdict.Problem is not null);
        Assert.Equal(refuse, verdict.Refuse);
    }

    [Theory]
    [InlineData("Re: RE: Fwd: Counterfeit sneakers [TD-42]", "Counterfeit sneakers")]
    [InlineData("AW: [TD-7] Bestellung", "Bestellung")]
    [InlineData("   ", "(no subject)")]
    public void TitleFrom_StripsReplyPrefixesAndTheCaseToken(string subject, string title) =>
        Assert.Equal(title, ParseEmail.TitleFrom(subject));

    [Fact]
    public void Parse_AutoSubmittedAndPrecedence_AreRecognised()
    {
        var own = new[] { "support@x.test" };
        static byte[] Raw(string headers) => Encoding.UTF8.GetBytes($"From: a@example.com\r\nSubject: s\r\n{headers}\r\n\r\nbody\r\n");

        Assert.Equal(EmailKind.AutoReply, ParseEmail.Parse(Raw("Auto-Submitted: auto-replied"), new EmailOptions(), own).Kind);
        Assert.Equal(EmailKind.Personal, ParseEmail.Parse(Raw("Auto-Submitted: no"), new EmailOptions(), own).Kind);
        Assert.Equal(EmailKind.AutoReply, ParseEmail.Parse(Raw("X-Autoreply: yes"), new EmailOptions(), own).Kind);
        Assert.Equal(EmailKind.Bulk, ParseEmail.Parse(Raw("Precedence: junk"), new EmailOptions(), own).Kind);
        Assert.Equal(EmailKind.Bulk, ParseEmail.Parse(Raw("List-Id: <deals.example.com>"), new EmailOptions(), own).Kind);
        Assert.Equal(EmailKind.Loop, ParseEmail.Parse(Raw("X-Loop: support@x.test"), new EmailOptions(), own).Kind);
    }

    [Fact]
    public void Demo_ListensOn2525ForTheDemoAddress_UnlessConfiguredOtherwise()
    {
        var data = Path.Combine(Path.GetTempPath(), "trustdesk-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var demo = TrustDesk.TrustDeskApp.Build([$"--TrustDesk:DataDirectory={data}"], defaults: CommandLine.DemoEmailDefaults);
            var configured = TrustDesk.TrustDeskApp.Build([$"--TrustDesk:DataDirectory={data}", "--TrustDesk:Email:Smtp:Port=2600"], defaults: CommandLine.DemoEmailDefaults);
            var serve = TrustDesk.TrustDeskApp.Build([$"--TrustDesk:DataDirectory={data}"]);

            var options = Options(demo);
            Assert.Equal(2525, options.Smtp.Port);
            Assert.Equal("127.0.0.1", options.Smtp.Host);
            Assert.Equal(["support@demo.trustdesk.test"], options.Smtp.Addresses);
            Assert.Equal(2600, Options(configured).Smtp.Port);
            Assert.Null(Options(serve).Smtp.Port);
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }

        static EmailOptions Options(Microsoft.AspNetCore.Builder.WebApplication app) =>
            Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
                .GetRequiredService<Microsoft.Extensions.Options.IOptions<EmailOptions>>(app.Services).Value;
    }
}
