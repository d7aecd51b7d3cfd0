using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Chat;

/// <summary>A visitor over the plain HTTP contract: start, post, and read the SSE stream frame by frame.</summary>
public sealed class ChatVisitor(HttpClient http, Guid sessionId, string token)
{
    public Guid SessionId { get; } = sessionId;
    public string Token { get; } = token;
    public HttpClient Http { get; } = http;

    public static async Task<ChatVisitor> StartAsync(HttpClient http, object? body = null)
    {
        var started = await (await http.PostJsonAsync("/api/v1/chat/sessions", body ?? new { visitor = new { name = "Vera Visitor", email = $"vera-{Guid.NewGuid():N}@buyers.example" } }))
            .ExpectAsync(HttpStatusCode.Created);
        return new ChatVisitor(http, started.GetProperty("sessionId").GetGuid(), started.GetProperty("visitorToken").GetString()!);
    }

    public Task<HttpResponseMessage> PostAsync(string text, string? clientMessageId = null, string? token = null, Guid? session = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/chat/sessions/{session ?? SessionId}/messages")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { text, clientMessageId = clientMessageId ?? Guid.NewGuid().ToString() }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> SendAsync(string text, string? clientMessageId = null) =>
        await (await PostAsync(text, clientMessageId)).ExpectAsync(HttpStatusCode.Created);

    public async Task<SseStream> OpenEventsAsync(long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/chat/sessions/{SessionId}/events");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id)
        {
            request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return new SseStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token)), cancel);
    }
}

/// <summary>One open SSE response; <see cref="Dispose"/> kills the connection as a dropped network would.</summary>
public sealed class SseStream(HttpResponseMessage response, StreamReader reader, CancellationTokenSource cancel) : IDisposable
{
    public sealed record Frame(long? Id, JsonElement Data);

    /// <summary>The next frame with data (comments and the retry hint skipped).</summary>
    public async Task<Frame> NextAsync(TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        long? id = null;
        string? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(limit.Token) ?? throw new EndOfStreamException("The stream ended.");
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new Frame(id, JsonDocument.Parse(data).RootElement.Clone());
                }

                id = null;
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
    }

    /// <summary>The next durable event (typing skipped).</summary>
    public async Task<Frame> NextEventAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await NextAsync(timeout);
            if (frame.Id is not null)
            {
                return frame;
            }
        }
    }

    public void Dispose()
    {
        cancel.Cancel();
        reader.Dispose();
        response.Dispose();
        cancel.Dispose();
    }
}
