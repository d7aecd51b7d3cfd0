using TrustDesk.Cases;
using System.Diagnostics;
using System.Text;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using TrustDesk.Email;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>The SMTP listener as a mail server talks to it.</summary>
public sealed class SmtpListenerTests(SqliteEmailApp app) : IClassFixture<SqliteEmailApp>
{
    [Fact]
    public async Task OversizedMessage_IsRefusedWith552_AndNothingIsStored()
    {
        var rowsBefore = await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync());
        var blobsBefore = CountBlobs(app.Factory.DataDirectory);

        var (exitCode, output) = await SwaksAsync(app.SmtpPort, EmailApp.Support, "Huge", new string('y', 400_000));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("552", output, StringComparison.Ordinal);
        Assert.Equal(rowsBefore, await app.Factory.WithDbAsync(db => db.InboundEmails.CountAsync()));
        Assert.Equal(blobsBefore, CountBlobs(app.Factory.DataDirectory));
    }

    [Fact]
    public async Task OversizedMessage_DeclaredWithSize_IsRefusedBeforeData()
    {
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", app.SmtpPort, MailKit.Security.SecureSocketOptions.None, TestContext.Current.CancellationToken);
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Mail.Text("big@example.com", "Big", new string('z', 400_000), Mail.NewId()))), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message, TestContext.Current.CancellationToken));

        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Size));
        Assert.Equal(552, (int)error.StatusCode);
    }

    [Fact]
    public async Task UnknownRecipient_IsRefused()
    {
        var (exitCode, output) = await SwaksAsync(app.SmtpPort, "someone-else@test.trustdesk.test", "Wrong door", "Hello?");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("550", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashRightAfter250_MessageBecomesCaseAfterRestart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-crash-" + Guid.NewGuid().ToString("N")[..8]);
        var port = SmtpSink.FreePort();
        var settings = EmailApp.Settings(port, SmtpSink.FreePort());
        settings["TrustDesk:Email:Processing:Enabled"] = "false";
        var id = Mail.NewId();
        try
        {
            // The first process stores and answers 250, then "crashes" before processing anything.
            await using (var first = new TrustDeskFactory(Provider.Sqlite, null, settings, dataDirectory: dataDirectory))
            {
                _ = first.Server;
                await first.Services.GetRequiredService<SmtpListener>().Started;
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None, TestContext.Current.CancellationToken);
                var response = await client.SendAsync(
                    MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Mail.Text("crash@example.com", "Survives a crash", "Please do not lose me.", id))), TestContext.Current.CancellationToken),
                    TestContext.Current.CancellationToken);
                Assert.Contains("Stored", response, StringComparison.Ordinal);
                Assert.Equal(InboundEmailStates.Received,
                    await first.WithDbAsync(db => db.InboundEmails.Where(e => e.MessageIdHeader == id).Select(e => e.State).SingleAsync()));
            }

            // The next start over the same data directory finds it stored and unprocessed, and processes it.
            settings["TrustDesk:Email:Processing:Enabled"] = "true";
            settings["TrustDesk:Email:Smtp:Port"] = SmtpSink.FreePort().ToString();
            await using var second = new TrustDeskFactory(Provider.Sqlite, null, settings, dataDirectory: dataDirectory);
            _ = second.Server;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            long? caseId;
            while ((caseId = await second.WithDbAsync(db => db.InboundEmails.Where(e => e.MessageIdHeader == id).Select(e => e.CaseId).SingleAsync())) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "The stored message was not processed after the restart.");
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            var title = await second.WithDbAsync(db => db.Cases.Where(c => c.Id == caseId).Select(c => c.Title).SingleAsync());
            Assert.Equal("Survives a crash", title);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task WithCertificate_ListenerOffersStartTls_AndStoresOverTlsWithThePeer()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"trustdesk-smtp-{Guid.NewGuid():N}.pfx");
        string thumbprint;
        using (var key = System.Security.Cryptography.RSA.Create(2048))
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
                "CN=localhost", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            thumbprint = certificate.GetCertHashString();
            await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pw"), TestContext.Current.CancellationToken);
        }

        var port = SmtpSink.FreePort();
        var settings = EmailApp.Settings(port, SmtpSink.FreePort());
        settings["TrustDesk:Email:Smtp:CertificatePath"] = pfx;
        settings["TrustDesk:Email:Smtp:CertificatePassword"] = "pw";
        var id = Mail.NewId();
        try
        {
            await using var tls = new TrustDeskFactory(Provider.Sqlite, null, settings);
            _ = tls.Server;
            await tls.Services.GetRequiredService<SmtpListener>().Started;
            using var client = new SmtpClient { ServerCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint };

            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.StartTls, TestContext.Current.CancellationToken);
            await client.SendAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(Mail.Text("tls@example.com", "Over TLS", "Encrypted.", id))),
                TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

            Assert.True(client.IsSecure);
            Assert.Equal(1, await tls.WithDbAsync(db => db.InboundEmails.CountAsync(e => e.MessageIdHeader == id)));
            // The sending peer is kept with the message (where it came from, for abuse reports and bounces).
            Assert.StartsWith("127.0.0.1:", await tls.WithDbAsync(db => db.InboundEmails.Where(e => e.MessageIdHeader == id).Select(e => e.SourceDetail).SingleAsync()));
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static int CountBlobs(string dataDirectory)
    {
        var root = Path.Combine(dataDirectory, "blobs");
        return Directory.Exists(root) ? Directory.GetFiles(root, "*", SearchOption.AllDirectories).Length : 0;
    }

    public static async Task<(int ExitCode, string Output)> SwaksAsync(int port, string to, string subject, string body)
    {
        // A long body goes through a file: the command line has a length limit.
        var bodyFile = Path.Combine(Path.GetTempPath(), $"swaks-body-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(bodyFile, body, TestContext.Current.CancellationToken);
        try
        {
            return await RunSwaksAsync(["--server", "127.0.0.1", "--port", port.ToString(), "--from", "swaks@example.com", "--to", to,
                "--header", $"Subject: {subject}", "--body", "@" + bodyFile]);
        }
        finally
        {
            File.Delete(bodyFile);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunSwaksAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("swaks", arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var swaks = Process.Start(start)!;
        var output = swaks.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = swaks.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await swaks.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (swaks.ExitCode, await output + await error);
    }
}
