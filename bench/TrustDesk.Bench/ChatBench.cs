using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace TrustDesk.Bench;

/// <summary>
/// <c>chat --connections N --seconds S [--interval-ms M] [--reply-every K]</c>: N visitors each hold an SSE stream open
/// on one server and send a message every M ms (spread out); an agent answers every K-th message through
/// <c>POST /api/v1/cases/{id}/messages</c>. Delivery latency is measured from the start of the send to the arrival on the
/// stream: visitor messages on the conversation's stream (the path an agent's console listens on), agent replies on the
/// visitor's. Lost = acknowledged but never arrived (after a grace period); duplicated = one seq arriving twice on a stream.
/// Prints one JSON object on its last line.
/// </summary>
public static class ChatBench
{
    private sealed class Visitor(Guid sessionId, string token)
    {
        public Guid SessionId { get; } = sessionId;
        public string Token { get; } = token;
        public long CaseId;
        public readonly ConcurrentDictionary<string, long> Pending = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<long, byte> Seen = new();
    }

    public static async Task<int> RunAsync(string[] args)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var connections = Option(args, "--connections", 2000);
        var seconds = Option(args, "--seconds", 30);
        var intervalMs = Option(args, "--interval-ms", 5000);
        var replyEvery = Option(args, "--reply-every", 3);
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

        // --server PATH: another build's trustdesk.dll (before/after rounds run the same driver against both).
        var serverAt = Array.IndexOf(args, "--server");
        var serverDll = ServerProcess.LocateServer(serverAt >= 0 && serverAt + 1 < args.Length ? args[serverAt + 1] : null);
        Console.WriteLine($"Starting {serverDll}");
        await using var server = await ServerProcess.StartAsync(serverDll, false, stop.Token,
            ["--TrustDesk:Chat:MessagesPerMinutePerIp=100000000", "--TrustDesk:Chat:SessionsPerHourPerIp=100000000",
                "--TrustDesk:Chat:MessagesPerMinutePerVisitor=600"]);
        Console.WriteLine($"Server up at {server.Url}; {Environment.ProcessorCount} cores shared by server and driver");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections + 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
        using var agent = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
        agent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Key);

        // Sessions, a few at a time, then one first message each (so every session has its case) before streams open.
        var visitors = new Visitor[connections];
        await Parallel.ForAsync(0, connections, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop.Token }, async (i, ct) =>
        {
          for (var attempt = 1; ; attempt++)
          {
           try
           {
            using var response = await http.PostAsJsonAsync("api/v1/chat/sessions", new { visitor = new { name = $"Visitor {i}", email = $"v{i}@bench.example" } }, ct);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var visitor = new Visitor(body.GetProperty("sessionId").GetGuid(), body.GetProperty("visitorToken").GetString()!);
            using var first = await PostAsync(http, visitor, "hello", $"hello-{i}", ct);
            var posted = await first.Content.ReadFromJsonAsync<JsonElement>(ct);
            visitor.CaseId = posted.GetProperty("caseId").GetInt64();
            visitors[i] = visitor;
            return;
           }
           catch (HttpRequestException) when (attempt < 5)
           {
               // Setup on a busy machine: try the visitor again rather than abort the run.
               await Task.Delay(200 * attempt, ct);
           }
          }
        });
        Console.WriteLine($"{connections} sessions started");

        var latencies = new ConcurrentBag<double>();
        long delivered = 0, duplicated = 0, sent = 0, replies = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        using var streams = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        var open = 0;
        var readers = visitors.Select(v => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/chat/sessions/{v.SessionId}/events");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", v.Token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, streams.Token);
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref open);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(streams.Token));
                while (await reader.ReadLineAsync(streams.Token) is { } line)
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var now = clock.ElapsedTicks;
                    using var json = JsonDocument.Parse(line.AsMemory(6));
                    var root = json.RootElement;
                    if (root.GetProperty("type").GetString() != "message")
                    {
                        continue;
                    }

                    if (!v.Seen.TryAdd(root.GetProperty("seq").GetInt64(), 0))
                    {
                        Interlocked.Increment(ref duplicated);
                        continue;
                    }

                    var marker = root.GetProperty("from").GetString() == "visitor"
                        ? root.GetProperty("clientMessageId").GetString()
                        : root.GetProperty("text").GetString();
                    if (marker is not null && v.Pending.TryRemove(marker, out var startedAt))
                    {
                        latencies.Add((now - startedAt) * 1000.0 / Stopwatch.Frequency);
                        Interlocked.Increment(ref delivered);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        })).ToList();

        // The first messages arrive too, but only what is sent from now on is waited for.
        while (Volatile.Read(ref open) < connections && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, stop.Token);
        }

        await Task.Delay(500, stop.Token);
        Console.WriteLine($"{Volatile.Read(ref open)} streams open; sending for {seconds} s, one message per visitor every {intervalMs} ms, an agent reply to every {replyEvery}th");
        var until = clock.Elapsed + TimeSpan.FromSeconds(seconds);
        // The server's CPU while it takes the scheduled messages: per message stored, a figure that depends little on load.
        var serverCpuBefore = server.ProcessorTime;
        var senders = visitors.Select((v, i) => Task.Run(async () =>
        {
            await Task.Delay(Random.Shared.Next(intervalMs), stop.Token);
            for (var n = 0; clock.Elapsed < until; n++)
            {
                var id = $"m-{i}-{n}";
                v.Pending[id] = clock.ElapsedTicks;
                try
                {
                    using var response = await PostAsync(http, v, $"message {n}", id, stop.Token);
                    if (!response.IsSuccessStatusCode)
                    {
                        v.Pending.TryRemove(id, out _);
                        Interlocked.Increment(ref errors);
                    }
                    else
                    {
                        Interlocked.Increment(ref sent);
                    }

                    if (n % replyEvery == 0)
                    {
                        var text = $"reply {i}-{n}";
                        v.Pending[text] = clock.ElapsedTicks;
                        using var reply = await agent.PostAsJsonAsync($"api/v1/cases/{v.CaseId}/messages", new { type = "reply", text }, stop.Token);
                        if (reply.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref replies);
                        }
                        else
                        {
                            v.Pending.TryRemove(text, out _);
                            Interlocked.Increment(ref errors);
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    v.Pending.TryRemove(id, out _);
                    Interlocked.Increment(ref errors);
                }

                await Task.Delay(intervalMs, stop.Token);
            }
        })).ToList();
        await Task.WhenAll(senders);
        var serverCpu = server.ProcessorTime - serverCpuBefore;

        // Grace: what was acknowledged has this long to arrive before it counts as lost.
        var grace = clock.Elapsed + TimeSpan.FromSeconds(10);
        while (visitors.Any(v => !v.Pending.IsEmpty) && clock.Elapsed < grace)
        {
            await Task.Delay(100, stop.Token);
        }

        var lost = visitors.Sum(v => v.Pending.Count);
        await streams.CancelAsync();
        await Task.WhenAll(readers);

        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 1);
        var result = new
        {
            connections,
            seconds,
            intervalMs,
            streamsOpen = open,
            visitorMessagesSent = sent,
            agentRepliesSent = replies,
            messagesDelivered = delivered,
            lost,
            duplicated,
            errors,
            deliveryP50Ms = Percentile(0.50),
            deliveryP95Ms = Percentile(0.95),
            deliveryP99Ms = Percentile(0.99),
            deliveryMaxMs = sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 1),
            serverCpuMs = Math.Round(serverCpu.TotalMilliseconds),
            serverCpuPerMessageUs = sent + replies == 0 ? 0 : Math.Round(serverCpu.TotalMicroseconds / (sent + replies)),
            cores = Environment.ProcessorCount,
        };
        if (errors > 0)
        {
            await Console.Error.WriteLineAsync($"Last server output:{Environment.NewLine}{server.LastOutput()}");
        }

        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Visitor visitor, string text, string clientMessageId, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/chat/sessions/{visitor.SessionId}/messages")
        {
            Content = JsonContent.Create(new { text, clientMessageId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", visitor.Token);
        return http.SendAsync(request, cancellationToken);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : fallback;
    }
}
