using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using TrustDesk.Data;
using TrustDesk.Email;

// SMTP intake benchmark: TrustDesk in-process over SQLite (or PostgreSQL with --postgres CONNECTION), its SMTP
// listener on a free loopback port, and N MailKit connections sending a realistic ~20 KB mix: new threads, replies
// that thread by In-Reply-To/References, and messages with an image attachment. Reports the acknowledged rate (250
// only after the message is durable), per-message latency, and the rate until every message is a case.
var messages = Option("--messages", 2000);
var connections = Option("--connections", 8);
var postgres = Value("--postgres");
var data = Path.Combine(Path.GetTempPath(), "trustdesk-bench-email-" + Guid.NewGuid().ToString("N")[..8]);
var port = FreePort();
var hostArgs = new List<string>
{
    $"--TrustDesk:DataDirectory={data}",
    $"--TrustDesk:Email:Smtp:Port={port}",
    "--TrustDesk:Email:Smtp:Addresses:0=support@bench.trustdesk.test",
    "--TrustDesk:Email:FloodMaxPerSender=1000",
    "--urls=http://127.0.0.1:0",
    "--Logging:LogLevel:Default=Warning",
};
hostArgs.AddRange(args.Where(a => a.StartsWith("--TrustDesk:", StringComparison.Ordinal)));
if (postgres is not null)
{
    hostArgs.AddRange(["--TrustDesk:Database:Provider=postgres", "--TrustDesk:Database:MigrateOnStart=true", $"--ConnectionStrings:TrustDesk={postgres}"]);
}

await using var app = TrustDesk.TrustDeskApp.Build([.. hostArgs]);
await app.StartAsync();
await app.Services.GetRequiredService<SmtpListener>().Started;

var random = new Random(42);
var corpus = BuildMix(messages, random, "bench");
var latencies = new double[messages];
var errors = 0;

// Warm-up (--warmup N, 400 by default, 0 for none): N other messages sent and processed before the clock starts, so the
// window measures a server whose hot paths the JIT has already compiled (a real one runs for days) rather than its first
// seconds, as the intake benchmark's warm-up does. Measured cold, the JIT took a sixth of the CPU of the whole run.
if (Option("--warmup", 400) is var warmup and > 0)
{
    await SendAsync(BuildMix(warmup, new Random(7), "warmup"), new double[warmup]);
    await WaitProcessedAsync(Stopwatch.StartNew());
    errors = 0;
}

// Process CPU (server and load driver together) while measuring: on a shared machine the rates move with what else
// runs, the CPU per message much less.
var cpuAtStart = Environment.CpuUsage.TotalTime;
var clock = Stopwatch.StartNew();
await SendAsync(corpus, latencies);
var acknowledged = clock.Elapsed;

// Until every stored message has been processed into its case.
var pending = await WaitProcessedAsync(clock);
var processed = clock.Elapsed;
var cpu = Environment.CpuUsage.TotalTime - cpuAtStart;

int cases, threaded;
await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
    // The measured messages only (not the warm-up's).
    cases = await db.InboundEmails.CountAsync(e => e.MessageIdHeader!.StartsWith("bench.") && e.Outcome == "created_case");
    threaded = await db.InboundEmails.CountAsync(e => e.MessageIdHeader!.StartsWith("bench.") && e.Outcome == "joined_case");
}

await app.StopAsync();
Array.Sort(latencies);
var averageBytes = corpus.Average(m => { using var s = new MemoryStream(); m.WriteTo(s); return s.Length; });
Console.WriteLine(JsonSerializer.Serialize(new
{
    benchmark = "smtp-intake",
    provider = postgres is null ? "sqlite" : "postgres",
    messages,
    connections,
    averageBytes = Math.Round(averageBytes),
    messagesPerSecond = Math.Round(messages / acknowledged.TotalSeconds, 1),
    p50Ms = Math.Round(latencies[messages / 2], 2),
    p99Ms = Math.Round(latencies[Math.Min(messages - 1, (int)(messages * 0.99))], 2),
    errors,
    processedPerSecond = Math.Round(messages / processed.TotalSeconds, 1),
    cases,
    threadedReplies = threaded,
    pendingAtEnd = pending,
    cpuMsPerMessage = Math.Round(cpu.TotalMilliseconds / messages, 2),
}));
Directory.Delete(data, recursive: true);
return errors == 0 && pending == 0 ? 0 : 1;

async Task SendAsync(List<MimeMessage> mail, double[] times)
{
    var next = -1;
    await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
    {
        if (args.Contains("--direct"))
        {
            // Diagnostics: the store step alone, without SMTP.
            int j;
            while ((j = Interlocked.Increment(ref next)) < mail.Count)
            {
                var t = Stopwatch.GetTimestamp();
                using var buffer = new MemoryStream();
                mail[j].WriteTo(buffer);
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StoreInboundEmail>().HandleAsync(buffer.ToArray(), "smtp", null, null, CancellationToken.None);
                times[j] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }

            return;
        }

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
        int i;
        while ((i = Interlocked.Increment(ref next)) < mail.Count)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await client.SendAsync(mail[i]);
            }
            catch (Exception error) when (error is SmtpCommandException or SmtpProtocolException or IOException)
            {
                Interlocked.Increment(ref errors);
                if (!client.IsConnected)
                {
                    await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
                }
            }

            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        await client.DisconnectAsync(true);
    }));
}

async Task<int> WaitProcessedAsync(Stopwatch since)
{
    int pending;
    do
    {
        await Task.Delay(50);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        pending = await db.InboundEmails.CountAsync(e => e.State == InboundEmailStates.Received);
    }
    while (pending > 0 && since.Elapsed < TimeSpan.FromMinutes(5) && !args.Contains("--TrustDesk:Email:Processing:Enabled=false"));
    return pending;
}

int Option(string name, int fallback) => Value(name) is { } value ? int.Parse(value) : fallback;

string? Value(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

// 60 % new threads, 30 % replies to an earlier thread (In-Reply-To + References), 10 % with a ~12 KB image; ~20 KB each.
static List<MimeMessage> BuildMix(int count, Random random, string prefix)
{
    string[] words = ["order", "tracking", "seller", "refund", "card", "slab", "stream", "auction", "bid", "parcel", "label", "never", "arrived",
        "counterfeit", "PSA", "grade", "crease", "payment", "chargeback", "photo", "please", "help", "week", "days", "shipping", "box", "break"];
    string Paragraph(int wordCount) => string.Join(' ', Enumerable.Range(0, wordCount).Select(_ => words[random.Next(words.Length)])) + ".";
    var list = new List<MimeMessage>(count);
    var threads = new List<(string Id, string Subject, string From)>();
    var image = new byte[12_000];
    random.NextBytes(image);
    image[0] = 0x89; image[1] = 0x50; image[2] = 0x4E; image[3] = 0x47; image[4] = 0x0D; image[5] = 0x0A; image[6] = 0x1A; image[7] = 0x0A;
    for (var i = 0; i < count; i++)
    {
        var message = new MimeMessage();
        message.To.Add(MailboxAddress.Parse("support@bench.trustdesk.test"));
        message.MessageId = $"{prefix}.{i}.{Guid.NewGuid():N}@mail.example";
        var roll = random.NextDouble();
        var text = string.Join("\n\n", Enumerable.Range(0, 22).Select(_ => Paragraph(60)));
        var body = new BodyBuilder { TextBody = text, HtmlBody = "<div>" + string.Join("", text.Split("\n\n").Select(p => $"<p style=\"margin:0 0 8px\">{p}</p>")) + "</div>" };
        if (roll < 0.3 && threads.Count > 0)
        {
            var (id, subject, from) = threads[random.Next(threads.Count)];
            message.From.Add(MailboxAddress.Parse(from));
            message.Subject = "Re: " + subject;
            message.InReplyTo = id;
            message.References.Add(id);
        }
        else
        {
            var from = $"{prefix}-buyer{i}@customers.example";
            message.From.Add(MailboxAddress.Parse(from));
            message.Subject = $"Order {20000 + i}: {Paragraph(5)}";
            threads.Add((message.MessageId, message.Subject, from));
            if (roll > 0.9)
            {
                body.TextBody = string.Join("\n\n", Enumerable.Range(0, 10).Select(_ => Paragraph(60)));
                body.HtmlBody = null;
                body.Attachments.Add("photo.png", image, ContentType.Parse("image/png"));
            }
        }

        message.Body = body.ToMessageBody();
        list.Add(message);
    }

    return list;
}
