using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.AgentConsole;

/// <summary>Files attached in the composer: checked, kept, shown on the message, downloaded only by who may see the case.</summary>
public sealed class AttachmentTests(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoteWithAFile_IsOnTheMessage_AndDownloadsAsItsRealType()
    {
        var caseId = await CreateCaseAsync("order.not_as_described");
        var agent = await fixture.Factory.CreateUserAsync(UserRole.Agent);
        var principal = await fixture.Factory.CreatePrincipalAsync(UserRole.Agent);
        var stored = Assert.IsType<StoreUpload.Stored>(await UploadAsync("crease.png", "image/png", Png));

        var added = Assert.IsType<AddMessage.Added>(await WithAsync<AddMessage, AddMessage.Result>(a =>
            a.HandleAsync(caseId, new AddMessageRequest("note", "Photo of the crease from the buyer.", null), principal, null, Cancel, [stored.Attachment])));
        using var client = await fixture.Factory.CreateSessionClientAsync(agent.Id);
        var response = await client.GetAsync($"/api/v1/attachments/{stored.Attachment.Id}", Cancel);

        var file = Assert.Single(added.Message.Attachments!);
        Assert.Equal(("crease.png", "image/png", true), (file.FileName, file.DetectedType, file.Stored));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(Png, await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task FileOfARestrictedCase_ForAnAgent_IsNotFound_ForASpecialist_Downloads()
    {
        var caseId = await CreateCaseAsync("safety.minor");
        var specialist = await fixture.Factory.CreatePrincipalAsync(UserRole.Specialist);
        var stored = Assert.IsType<StoreUpload.Stored>(await UploadAsync("screenshot.png", "image/png", Png));
        Assert.IsType<AddMessage.Added>(await WithAsync<AddMessage, AddMessage.Result>(a =>
            a.HandleAsync(caseId, new AddMessageRequest("note", "Screenshot of the stream.", null), specialist, null, Cancel, [stored.Attachment])));
        using var agent = await fixture.Factory.CreateUserClientAsync(UserRole.Agent);
        using var specialistClient = await fixture.Factory.CreateUserClientAsync(UserRole.Specialist);

        var forAgent = await agent.GetAsync($"/api/v1/attachments/{stored.Attachment.Id}", Cancel);
        var forSpecialist = await specialistClient.GetAsync($"/api/v1/attachments/{stored.Attachment.Id}", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, forAgent.StatusCode);
        Assert.Equal("application/problem+json", forAgent.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, forSpecialist.StatusCode);
    }

    [Theory]
    [InlineData("invoice.pdf.exe", "application/pdf", "%PDF-1.7", ".exe files can run code")]
    [InlineData("photo.png", "image/png", "MZ\u0090\0\u0003", "content is application/x-msdownload")]
    public async Task Upload_ThatCanRunCode_IsRefused(string name, string type, string content, string reason)
    {
        var result = await UploadAsync(name, type, System.Text.Encoding.Latin1.GetBytes(content));

        Assert.Contains(reason, Assert.IsType<StoreUpload.Refused>(result).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_OverTheLimit_IsRefused()
    {
        var result = await UploadAsync("video.mp4", "video/mp4", new byte[StoreUpload.MaxBytes + 1]);

        Assert.Contains("larger than 10 MB", Assert.IsType<StoreUpload.Refused>(result).Reason, StringComparison.Ordinal);
    }

    private Task<StoreUpload.Result> UploadAsync(string name, string type, byte[] bytes) =>
        WithAsync<StoreUpload, StoreUpload.Result>(s => s.HandleAsync(name, type, bytes.Length, new MemoryStream(bytes), Cancel));

    private async Task<TResult> WithAsync<TService, TResult>(Func<TService, Task<TResult>> action) where TService : notnull
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private async Task<long> CreateCaseAsync(string category)
    {
        using var platform = await fixture.Factory.CreateApiClientAsync();
        var created = await (await platform.PostJsonAsync("/api/v1/cases", new { title = "Attachment case", category, text = "See the photo." }))
            .ExpectAsync(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }
}
