using TrustDesk.Email;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TrustDesk.AgentConsole;
using TrustDesk.Cases;
using TrustDesk.Identity;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>An agent's reply on an email case carries the files attached to it, read from the blob store when it is sent.</summary>
public abstract class ReplyAttachmentTests(EmailApp app)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReplyWithPdfAndImage_ArrivesWithBothFiles_ByteIdentical_NamesIntact()
    {
        var caseId = await EmailCaseAsync("pdf.image@example.com");
        var pdf = Bytes("%PDF-1.7\n", 40_000, seed: 1);
        var png = Bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 30_000, seed: 2);
        var files = new[]
        {
            await UploadAsync("Zusammenfassung für Dana.pdf", "application/pdf", pdf),
            await UploadAsync("crease.png", "image/png", png),
        };

        var reply = await ReplyAsync(caseId, "Here is the summary and the photo.", files);

        var attachments = reply.Attachments.OfType<MimePart>().ToList();
        Assert.Equal(["Zusammenfassung für Dana.pdf", "crease.png"], attachments.Select(a => a.FileName));
        Assert.Equal(["application/pdf", "image/png"], attachments.Select(a => a.ContentType.MimeType));
        Assert.Equal(pdf, Decoded(attachments[0]));
        Assert.Equal(png, Decoded(attachments[1]));
        // The non-ASCII name travels as an RFC 2231 parameter, not raw 8-bit bytes in the header.
        Assert.Contains("filename*", attachments[0].Headers[HeaderId.ContentDisposition], StringComparison.Ordinal);
        Assert.Contains("summary and the photo", reply.TextBody, StringComparison.Ordinal);
        // The composer's early warning stays below the real size: it never warns about a reply that would go out.
        using var measure = new MimeKit.IO.MeasuringStream();
        reply.WriteTo(measure, Cancel);
        Assert.InRange(TrustDesk.Email.ComposeEmail.LeastSentBytes(files.Select(f => f.Size)), 90_000, measure.Length);
    }

    [Fact]
    public async Task AttachmentNameWithLineBreak_CannotAddAHeaderOrRecipient()
    {
        var caseId = await EmailCaseAsync("name.inject@example.com");
        var file = await UploadAsync("crease\r\nBcc: victim@evil.example.png", "image/png", Bytes("\x89PNG\r\n\x1a\n", 100, seed: 3));

        var reply = await ReplyAsync(caseId, "Photo attached.", [file]);

        var attachment = Assert.Single(reply.Attachments.OfType<MimePart>());
        Assert.DoesNotContain('\n', attachment.FileName!);
        Assert.DoesNotContain('\r', attachment.FileName!);
        Assert.Empty(reply.Bcc);
        Assert.Equal("name.inject@example.com", reply.Headers["X-Sink-Recipients"]);
        Assert.DoesNotContain(reply.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ReplyWithRefusedFile_GoesOutWithTheKeptOnesOnly()
    {
        var caseId = await EmailCaseAsync("refused.file@example.com");
        var kept = await UploadAsync("receipt.pdf", "application/pdf", Bytes("%PDF-1.4\n", 500, seed: 4));
        var refused = new MessageAttachment("setup.exe", "application/octet-stream", "application/x-msdownload", 1000, blobHash: null, inline: false, null,
            ".exe files can run code", DateTime.UtcNow);

        var reply = await ReplyAsync(caseId, "Your receipt.", [kept, refused]);

        Assert.Equal(["receipt.pdf"], reply.Attachments.OfType<MimePart>().Select(a => a.FileName));
    }

    [Fact]
    public async Task ReplyOverTheSizeLimit_IsFailedWithTheReason_AndNothingIsSent()
    {
        // 2 × 400 KB is under the 1,000,000-byte limit of the test app, base64-encoded it is not: the limit is the mail as sent.
        var caseId = await EmailCaseAsync("too.large@example.com");
        var files = new[]
        {
            await UploadAsync("scan-1.pdf", "application/pdf", Bytes("%PDF-1.7\n", 400_000, seed: 5)),
            await UploadAsync("scan-2.pdf", "application/pdf", Bytes("%PDF-1.7\n", 400_000, seed: 6)),
        };

        var added = await AddReplyAsync(caseId, "Both scans attached.", files);
        var message = await WaitForDeliveryAsync(caseId, added.Message.Id, "failed");

        // The composer would have warned before sending.
        Assert.True(TrustDesk.Email.ComposeEmail.LeastSentBytes(files.Select(f => f.Size)) > 1_000_000);
        Assert.Contains("MaxMessageBytes", message.Str("deliveryError"), StringComparison.Ordinal);
        Assert.Contains("Nothing was sent", message.Str("deliveryError"), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Sink.Received(), m => m.MessageId == added.Message.ExternalId);
        // The delivery state is saved first and the case event right after (a conflict on the case must not resend).
        var recorded = false;
        for (var attempt = 0; attempt < 100 && !recorded; attempt++)
        {
            var timeline = (await app.GetCaseAsync(caseId)).GetProperty("timeline").EnumerateArray();
            recorded = timeline.Any(e => e.Str("kind") == "delivery_failed");
            if (!recorded)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
        }

        Assert.True(recorded, "The case's timeline records the failed delivery.");
    }

    [Fact]
    public async Task AttachedFileDamagedInTheBlobStore_FailsTheReply_RatherThanSendingOtherBytes()
    {
        var caseId = await EmailCaseAsync("damaged.blob@example.com");
        var file = await UploadAsync("statement.pdf", "application/pdf", Bytes("%PDF-1.7\n", 2_000, seed: Random.Shared.Next()));
        await File.WriteAllBytesAsync(BlobPath(file.BlobHash!), Bytes("%PDF-1.7\n", 2_000, seed: 99), Cancel);

        var added = await AddReplyAsync(caseId, "Your statement.", [file]);
        var message = await WaitForDeliveryAsync(caseId, added.Message.Id, "failed");

        Assert.Contains("statement.pdf is damaged", message.Str("deliveryError"), StringComparison.Ordinal);
        Assert.DoesNotContain(app.Sink.Received(), m => m.MessageId == added.Message.ExternalId);
    }

    [Fact]
    public async Task AttachedFileMissingFromThisNode_IsRetried_ThenFailsWithTheReason()
    {
        var caseId = await EmailCaseAsync("missing.blob@example.com");
        var file = await UploadAsync("label.png", "image/png", Bytes("\x89PNG\r\n\x1a\n", 2_000, seed: Random.Shared.Next()));
        File.Delete(BlobPath(file.BlobHash!));

        var added = await AddReplyAsync(caseId, "The label.", [file]);
        var message = await WaitForDeliveryAsync(caseId, added.Message.Id, "failed");

        Assert.Contains("label.png is not in this node's blob store", message.Str("deliveryError"), StringComparison.Ordinal);
        // Tried as often as the relay settings allow (2 in the test app), not given up at once: another node may hold the file.
        var row = await app.Factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.OutboundEmails, o => o.MessageId == added.Message.Id));
        Assert.Equal(2, row.Attempts);
    }

    private string BlobPath(string hash) => Path.Combine(app.Factory.DataDirectory, "blobs", "sha256", hash[..2], hash[2..4], hash);

    private async Task<long> EmailCaseAsync(string sender)
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text(sender, Mail.Unique("Files please"), "Can you send me the documents?", first));
        return await app.CaseOfAsync(first);
    }

    private async Task<MessageAttachment> UploadAsync(string name, string type, byte[] bytes)
    {
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<StoreUpload>().HandleAsync(name, type, bytes.Length, new MemoryStream(bytes), Cancel);
        return Assert.IsType<StoreUpload.Stored>(result).Attachment;
    }

    /// <summary>The console's path: the composer stores the files, then adds the reply with them.</summary>
    private async Task<AddMessage.Added> AddReplyAsync(long caseId, string text, MessageAttachment[] files)
    {
        var agent = await app.Factory.CreatePrincipalAsync(UserRole.Agent);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AddMessage>()
            .HandleAsync(caseId, new AddMessageRequest("reply", text, null), agent, null, Cancel, files);
        return Assert.IsType<AddMessage.Added>(result);
    }

    private async Task<MimeMessage> ReplyAsync(long caseId, string text, MessageAttachment[] files)
    {
        var added = await AddReplyAsync(caseId, text, files);
        var reply = await app.Sink.WaitForAsync(m => m.MessageId == added.Message.ExternalId);
        await WaitForDeliveryAsync(caseId, added.Message.Id, "sent");
        return reply;
    }

    private async Task<System.Text.Json.JsonElement> WaitForDeliveryAsync(long caseId, Guid messageId, string state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var message = (await app.GetCaseAsync(caseId)).GetProperty("messages").EnumerateArray()
                .Single(m => m.Str("id") == messageId.ToString());
            if (message.Str("deliveryState") == state)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The reply stayed {message.Str("deliveryState")} ({message}).");
            await Task.Delay(50, Cancel);
        }
    }

    /// <summary>A file that starts with <paramref name="signature"/> (so it is sniffed as its type), then pseudo-random bytes.</summary>
    private static byte[] Bytes(string signature, int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        Encoding.Latin1.GetBytes(signature).CopyTo(bytes, 0);
        return bytes;
    }

    private static byte[] Decoded(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content!.DecodeTo(stream);
        return stream.ToArray();
    }
}

public sealed class SqliteReplyAttachmentTests(SqliteEmailApp app) : ReplyAttachmentTests(app), IClassFixture<SqliteEmailApp>;

public sealed class PostgresReplyAttachmentTests(PostgresEmailApp app) : ReplyAttachmentTests(app), IClassFixture<PostgresEmailApp>;
