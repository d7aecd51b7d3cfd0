using System.Security.Cryptography;
using MimeKit.Cryptography;
using Org.BouncyCastle.Crypto;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Email;

/// <summary>TrustDesk signing its replies with a DKIM key from settings.</summary>
public sealed class DkimApp : EmailApp
{
    public RSA Key { get; } = RSA.Create(2048);

    protected override ValueTask PrepareAsync(Dictionary<string, string?> settings)
    {
        settings["TrustDesk:Email:Dkim:Domain"] = "test.trustdesk.test";
        settings["TrustDesk:Email:Dkim:Selector"] = "td2026";
        settings["TrustDesk:Email:Dkim:PrivateKeyPem"] = Key.ExportRSAPrivateKeyPem();
        return ValueTask.CompletedTask;
    }

    protected override ValueTask CleanUpAsync()
    {
        Key.Dispose();
        return ValueTask.CompletedTask;
    }

    protected override Task<TrustDeskFactory> CreateFactoryAsync(Dictionary<string, string?> settings) =>
        Task.FromResult(new TrustDeskFactory(Provider.Sqlite, null, settings));
}

public sealed class DkimTests(DkimApp app) : IClassFixture<DkimApp>
{
    [Fact]
    public async Task Reply_IsDkimSigned_AndTheSignatureVerifiesWithThePublishedKey()
    {
        var first = Mail.NewId();
        await app.PostRawAsync(Mail.Text("dkim.user@example.com", "Signed please", "Is this really you?", first));
        var caseId = await app.CaseOfAsync(first);

        var reply = await app.ReplyAsync(caseId, "Yes, this is TrustDesk.");

        var signature = reply.Headers[MimeKit.HeaderId.DkimSignature];
        Assert.Contains("d=test.trustdesk.test", signature, StringComparison.Ordinal);
        Assert.Contains("s=td2026", signature, StringComparison.Ordinal);
        var verifier = new DkimVerifier(new Locator(Convert.ToBase64String(app.Key.ExportSubjectPublicKeyInfo())));
        var header = reply.Headers.First(h => h.Id == MimeKit.HeaderId.DkimSignature);
        Assert.True(await verifier.VerifyAsync(reply, header, TestContext.Current.CancellationToken));
    }

    private sealed class Locator(string publicKey) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            GetPublicKey($"v=DKIM1; k=rsa; p={publicKey}");

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default) =>
            Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
