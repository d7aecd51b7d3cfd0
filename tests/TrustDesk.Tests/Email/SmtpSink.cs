using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace TrustDesk.Tests.Email;

/// <summary>A real SMTP server inside the test (the relay TrustDesk sends replies through): it keeps what it receives.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Channel<MimeMessage> _received = Channel.CreateUnbounded<MimeMessage>();
    private readonly List<MimeMessage> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;

    /// <summary>Recipients the sink refuses at RCPT TO with 550 (a relay saying "no such user").</summary>
    public const string RejectedDomain = "rejected.example";

    public SmtpSink()
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("sink").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(_received.Writer));
        services.Add(new Filter());
        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Waits for the next message that matches.</summary>
    public async Task<MimeMessage> WaitForAsync(Func<MimeMessage, bool> match, TimeSpan? timeout = null)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        lock (_seen)
        {
            if (_seen.FirstOrDefault(match) is { } earlier)
            {
                return earlier;
            }
        }

        while (true)
        {
            var message = await _received.Reader.ReadAsync(cancel.Token);
            lock (_seen)
            {
                _seen.Add(message);
            }

            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>Everything received so far, duplicates included, in order of arrival.</summary>
    public IReadOnlyList<MimeMessage> Received()
    {
        lock (_seen)
        {
            while (_received.Reader.TryRead(out var message))
            {
                _seen.Add(message);
            }

            return [.. _seen];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class Store(ChannelWriter<MimeMessage> writer) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            message.Headers.Add("X-Sink-Recipients", string.Join(",", transaction.To.Select(t => $"{t.User}@{t.Host}")));
            await writer.WriteAsync(message, cancellationToken);
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!string.Equals(to.Host, RejectedDomain, StringComparison.OrdinalIgnoreCase));
    }
}
