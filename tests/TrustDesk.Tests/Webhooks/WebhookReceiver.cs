using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TrustDesk.Tests.Webhooks;

/// <summary>One request as the platform's endpoint saw it, and whether its signature verified.</summary>
public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string Body, int AnsweredStatus, bool SignatureValid)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Type => Json.GetProperty("type").GetString()!;
}

/// <summary>
/// The platform's webhook endpoint: a real Kestrel server on a free port. It checks every signature with its own HMAC
/// code (not the StandardWebhooks package the app signs with), and can be told to fail for a while.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}/hooks";
    }

    public string Url { get; }

    /// <summary>The secrets to verify with (whsec_...): set after registering the endpoint.</summary>
    public List<string> Secrets { get; } = [];

    private int _failNext;
    private volatile bool _failAll;

    /// <summary>Answer 500 to this many more requests.</summary>
    public int FailNext { get => _failNext; set => _failNext = value; }

    /// <summary>Answer 500 to every request while true.</summary>
    public bool FailAll { get => _failAll; set => _failAll = value; }

    public IReadOnlyList<ReceivedWebhook> Received => _received.ToList();

    public IEnumerable<ReceivedWebhook> Delivered => _received.Where(r => r.AnsweredStatus == 200);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = http.Request.Headers["webhook-id"].ToString();
            var timestamp = http.Request.Headers["webhook-timestamp"].ToString();
            var signature = http.Request.Headers["webhook-signature"].ToString();
            var valid = receiver.Secrets.Count > 0 && receiver.Secrets.All(secret => Verify(secret, id, timestamp, body, signature));
            var status = receiver._failAll || Interlocked.Decrement(ref receiver._failNext) >= 0 ? 500 : 200;
            receiver._received.Enqueue(new ReceivedWebhook(id, timestamp, signature, body, status, valid));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>
    /// The Standard Webhooks check, written from the spec: HMAC-SHA256 keyed with the base64 bytes after "whsec_", over
    /// "id.timestamp.body", base64; the header holds space-separated "v1,&lt;signature&gt;" entries, any of which may match.
    /// </summary>
    public static bool Verify(string secret, string id, string timestamp, string body, string header)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(entry => entry.StartsWith("v1,", StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"No matching webhook arrived; received: {string.Join(", ", _received.Select(r => $"{r.Type} {r.AnsweredStatus}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
