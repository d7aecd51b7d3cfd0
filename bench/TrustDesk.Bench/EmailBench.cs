using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace TrustDesk.Bench;

/// <summary>
/// <c>email --connections C --seconds S [--warmup W] [--server PATH] [--keep-data]</c>: starts its own server (SQLite, SMTP
/// listener on a free loopback port), sends realistic mail over C persistent SMTP connections for W seconds (not measured,
/// then waits until it is processed) and then S seconds, waits until every accepted message has been processed, and counts
/// in the server's database what became a message on a case. End to end: <c>messagesPerSecond</c> is the messages stored
/// on their case over the time from the first measured send to the last one processed. The last line is one JSON object.
/// </summary>
/// <remarks>
/// The driver speaks SMTP itself (MAIL, RCPT, DATA per message on a kept-open connection), over pre-built bytes: on a
/// 2-core machine the driver shares the cores with the server, and MailKit re-serialising a MimeMessage per send cost
/// as much CPU as a fifth of the server's work.
/// </remarks>
public static class EmailBench
{
    private const string Support = "support@bench.trustdesk.test";

    public static async Task<int> RunAsync(string[] args)
    {
        int connections = 4, seconds = 20, warmup = 10;
        string? serverPath = null;
        var keepData = false;
        var storeOnly = false;
        var serverArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--connections": connections = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--server": serverPath = args[++i]; break;
                case "--keep-data": keepData = true; break;
                case "--store-only": storeOnly = true; break;
                case var setting when setting.StartsWith("--TrustDesk:", StringComparison.Ordinal): serverArgs.Add(setting); break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown option '{args[i]}'. Usage: email --connections C --seconds S [--warmup W] [--server PATH] [--keep-data]");
                    return 2;
            }
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var smtpPort = FreePort();
        var serverDll = ServerProcess.LocateServer(serverPath);
        Console.WriteLine($"Starting {serverDll}");
        await using var server = await ServerProcess.StartAsync(serverDll, keepData, CancellationToken.None,
        [
            $"--TrustDesk:Email:Smtp:Port={smtpPort}", $"--TrustDesk:Email:Smtp:Addresses:0={Support}",
            "--TrustDesk:Email:FloodMaxPerSender=0", "--Logging:LogLevel:Default=Warning",
            // Where the time goes: the intake writer's and email processing's own figures, every 5 s.
            "--Logging:LogLevel:TrustDesk.Intake.IntakeWriter=Debug", "--Logging:LogLevel:TrustDesk.Email.ProcessInboundEmails=Debug",
            .. storeOnly ? ["--TrustDesk:Email:Processing:Enabled=false"] : Array.Empty<string>(), .. serverArgs,
        ]);
        await WaitForSmtpAsync(smtpPort);
        var database = Path.Combine(server.DataDirectory, "trustdesk.db");
        Console.WriteLine($"Server up: SMTP 127.0.0.1:{smtpPort}, SQLite {database}. Machine: {Environment.ProcessorCount} cores. " +
            $"{connections} connections, {warmup} s warm-up, {seconds} s measured");

        var corpus = new Corpus(seed: 1);
        if (warmup > 0)
        {
            var warm = await SendForAsync(corpus, "warm", smtpPort, connections, TimeSpan.FromSeconds(warmup));
            await WaitProcessedAsync(database, "warm.", warm.Accepted, storeOnly ? TimeSpan.Zero : TimeSpan.FromMinutes(3));
            Console.WriteLine($"warm-up: {warm.Accepted} accepted");
        }

        var cpuBefore = server.ProcessorTime;
        var clock = Stopwatch.StartNew();
        var run = await SendForAsync(corpus, "bench", smtpPort, connections, TimeSpan.FromSeconds(seconds));
        var sendSeconds = clock.Elapsed.TotalSeconds;
        var (stored, failed, pending) = await WaitProcessedAsync(database, "bench.", run.Accepted, storeOnly ? TimeSpan.Zero : TimeSpan.FromMinutes(5));
        var endToEndSeconds = clock.Elapsed.TotalSeconds;
        var serverCpu = (server.ProcessorTime - cpuBefore).TotalSeconds;

        foreach (var line in server.LastOutput().Split(Environment.NewLine).Where(l => l.Contains("Intake writer:", StringComparison.Ordinal) || l.Contains("Email processing:", StringComparison.Ordinal)).TakeLast(6))
        {
            Console.WriteLine("server: " + line.Trim());
        }

        var latencies = run.Latencies.Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : Math.Round(latencies[Math.Min(latencies.Length - 1, (int)(latencies.Length * p))], 1);
        var summary = new Dictionary<string, object?>
        {
            ["benchmark"] = "email",
            ["messagesPerSecond"] = Math.Round(stored / endToEndSeconds, 1),
            ["acceptedPerSecond"] = Math.Round(run.Accepted / sendSeconds, 1),
            ["accepted"] = run.Accepted,
            ["stored"] = stored,
            ["storeOnly"] = storeOnly,
            // Acknowledged (250) but neither on a case nor failed/set aside after processing finished; not counted with --store-only.
            ["lost"] = storeOnly ? null : run.Accepted - stored - failed,
            ["failed"] = failed,
            ["pendingAtEnd"] = pending,
            ["refused"] = run.Refused,
            ["p50Ms"] = Percentile(0.50),
            ["p99Ms"] = Percentile(0.99),
            ["maxMs"] = latencies.Length == 0 ? 0 : Math.Round(latencies[^1], 1),
            ["connections"] = connections,
            ["seconds"] = seconds,
            ["sendSeconds"] = Math.Round(sendSeconds, 2),
            ["endToEndSeconds"] = Math.Round(endToEndSeconds, 2),
            ["averageBytes"] = corpus.AverageBytes,
            ["serverCpuMsPerMessage"] = stored == 0 ? null : Math.Round(serverCpu * 1000 / stored, 2),
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return run.Accepted > 0 && run.Accepted == stored ? 0 : 1;
    }

    private sealed record Run(int Accepted, int Refused, List<double> Latencies);

    private static async Task<Run> SendForAsync(Corpus corpus, string prefix, int port, int connections, TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(() => ConnectionAsync(corpus, $"{prefix}.{c}", port, until))));
        return new Run(results.Sum(r => r.Accepted), results.Sum(r => r.Refused), [.. results.SelectMany(r => r.Latencies)]);
    }

    private static async Task<Run> ConnectionAsync(Corpus corpus, string prefix, int port, long until)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        await using var stream = client.GetStream();
        var reader = new ReplyReader(stream);
        await reader.ExpectAsync("220");
        await stream.WriteAsync("EHLO bench.example\r\n"u8.ToArray());
        await reader.ExpectAsync("250");

        var latencies = new List<double>();
        int accepted = 0, refused = 0;
        var threads = new List<(string Id, string Subject, string From)>();
        for (var n = 0; Stopwatch.GetTimestamp() < until; n++)
        {
            var (bytes, from, id, subject) = corpus.Next($"{prefix}.{n}", threads);
            var started = Stopwatch.GetTimestamp();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"MAIL FROM:<{from}>\r\nRCPT TO:<{Support}>\r\nDATA\r\n"));
            var mail = await reader.ReadAsync();
            var rcpt = await reader.ReadAsync();
            var data = await reader.ReadAsync();
            if (!mail.StartsWith("250", StringComparison.Ordinal) || !rcpt.StartsWith("250", StringComparison.Ordinal) || !data.StartsWith("354", StringComparison.Ordinal))
            {
                refused++;
                await stream.WriteAsync("RSET\r\n"u8.ToArray());
                await reader.ReadAsync();
                continue;
            }

            await stream.WriteAsync(bytes);
            await stream.WriteAsync("\r\n.\r\n"u8.ToArray());
            var answer = await reader.ReadAsync();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (answer.StartsWith("250", StringComparison.Ordinal))
            {
                accepted++;
                threads.Add((id, subject, from));
            }
            else
            {
                refused++;
            }
        }

        await stream.WriteAsync("QUIT\r\n"u8.ToArray());
        return new Run(accepted, refused, latencies);
    }

    /// <summary>Waits until none of the run's messages is still waiting to be processed; counts those on a case and those failed.</summary>
    private static async Task<(int Stored, int Failed, int Pending)> WaitProcessedAsync(string database, string prefix, int expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        while (true)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT
                  COALESCE(SUM(CASE WHEN "State" = 'processed' AND "MessageRowId" IS NOT NULL THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN "State" IN ('failed', 'set_aside') THEN 1 ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN "State" = 'received' THEN 1 ELSE 0 END), 0),
                  COUNT(*)
                FROM "InboundEmails" WHERE "MessageIdHeader" LIKE $prefix
                """;
            command.Parameters.AddWithValue("$prefix", prefix + "%");
            await using var row = await command.ExecuteReaderAsync();
            await row.ReadAsync();
            var (stored, failed, pending, total) = (row.GetInt32(0), row.GetInt32(1), row.GetInt32(2), row.GetInt32(3));
            if ((pending == 0 && total >= expected) || deadline.Elapsed > timeout)
            {
                return (stored, failed, pending + Math.Max(0, expected - total));
            }

            await Task.Delay(100);
        }
    }

    private static async Task WaitForSmtpAsync(int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Reads SMTP replies (multi-line ones whole) from the stream.</summary>
    private sealed class ReplyReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start, _end;

        public async Task ExpectAsync(string code)
        {
            var reply = await ReadAsync();
            if (!reply.StartsWith(code, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Expected {code}, got: {reply}");
            }
        }

        public async Task<string> ReadAsync()
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.Length < 4 || line[3] != '-')
                {
                    return line;
                }
            }
        }

        private async Task<string> ReadLineAsync()
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                    _start = newline + 1;
                    return line;
                }

                if (_start > 0)
                {
                    Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }

                var read = await stream.ReadAsync(_buffer.AsMemory(_end));
                if (read == 0)
                {
                    throw new IOException("The server closed the connection.");
                }

                _end += read;
            }
        }
    }

    /// <summary>
    /// The mix (as the older in-process SMTP bench): 60 % new threads from a new sender, 30 % replies to an earlier thread of
    /// the same connection (In-Reply-To and References), 10 % new threads with a 12 KB PNG attachment; text and HTML
    /// bodies of ~20 KB, a fifth of them in Windows-1252 with curly quotes and a euro sign. Bodies are built once; each
    /// send gets its own Message-ID, sender and subject.
    /// </summary>
    private sealed class Corpus
    {
        private readonly List<string> _bodies = [];
        private readonly string _attachment;
        private readonly Random _random;
        private long _bytes, _count;

        public Corpus(int seed)
        {
            _random = new Random(seed);
            string[] words = ["order", "tracking", "seller", "refund", "card", "slab", "stream", "auction", "bid", "parcel", "label", "never", "arrived",
                "counterfeit", "PSA", "grade", "crease", "payment", "chargeback", "photo", "please", "help", "week", "days", "shipping", "box", "break"];
            string Paragraph(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[_random.Next(words.Length)])) + ".";
            for (var i = 0; i < 50; i++)
            {
                var text = string.Join("\r\n\r\n", Enumerable.Range(0, 22).Select(_ => Paragraph(60)));
                var html = "<div>" + string.Join("", text.Split("\r\n\r\n").Select(p => $"<p style=\"margin:0 0 8px\">{p}</p>")) + "</div>";
                var windows1252 = i % 5 == 0;
                var charset = windows1252 ? "windows-1252" : "utf-8";
                if (windows1252)
                {
                    text = "He said \u201cship it\u201d \u2014 it cost 50\u20ac.\r\n\r\n" + text;
                }

                _bodies.Add(Mime("multipart/alternative", [
                    ($"text/plain; charset={charset}", "quoted-printable", QuotedPrintable(text, charset)),
                    ($"text/html; charset={charset}", "quoted-printable", QuotedPrintable(html, charset)),
                ]));
            }

            var image = new byte[12_000];
            _random.NextBytes(image);
            new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(image, 0);
            _attachment = Convert.ToBase64String(image, Base64FormattingOptions.InsertLineBreaks);
        }

        public long AverageBytes => _count == 0 ? 0 : Interlocked.Read(ref _bytes) / Interlocked.Read(ref _count);

        public (byte[] Bytes, string From, string Id, string Subject) Next(string unique, List<(string Id, string Subject, string From)> threads)
        {
            double roll;
            int body;
            lock (_random)
            {
                roll = _random.NextDouble();
                body = _random.Next(_bodies.Count);
            }

            var id = $"{unique}.{Guid.NewGuid():N}@mail.example";
            var head = new StringBuilder();
            string from, subject;
            string content;
            if (roll < 0.3 && threads.Count > 0)
            {
                var thread = threads[(int)(roll * 1000) % threads.Count];
                from = thread.From;
                subject = thread.Subject;
                head.Append($"Subject: Re: {subject}\r\nIn-Reply-To: <{thread.Id}>\r\nReferences: <{thread.Id}>\r\n");
                content = _bodies[body];
            }
            else
            {
                from = $"buyer.{unique}@customers.example";
                subject = $"Order {unique}: item never arrived";
                head.Append($"Subject: {subject}\r\n");
                content = roll > 0.9
                    ? Mime("multipart/mixed", [
                        ("text/plain; charset=utf-8", "7bit", "The photo of the parcel is attached. It arrived empty and the seller does not answer."),
                        ("image/png; name=\"photo.png\"\r\nContent-Disposition: attachment; filename=\"photo.png\"", "base64", _attachment),
                    ])
                    : _bodies[body];
            }

            var message = $"From: Buyer <{from}>\r\nTo: {Support}\r\nDate: {DateTime.UtcNow:R}\r\nMessage-ID: <{id}>\r\n{head}MIME-Version: 1.0\r\n{content}";
            var bytes = Encoding.ASCII.GetBytes(message);
            Interlocked.Add(ref _bytes, bytes.Length);
            Interlocked.Increment(ref _count);
            return (bytes, from, id, subject);
        }

        /// <summary>Content-Type header and body of a multipart entity (starts with its Content-Type line).</summary>
        private static string Mime(string type, (string Type, string Encoding, string Body)[] parts)
        {
            var boundary = "=_" + Guid.NewGuid().ToString("N");
            var builder = new StringBuilder($"Content-Type: {type}; boundary=\"{boundary}\"\r\n\r\n");
            foreach (var (partType, encoding, partBody) in parts)
            {
                builder.Append($"--{boundary}\r\nContent-Type: {partType}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n{partBody}\r\n");
            }

            return builder.Append($"--{boundary}--").ToString();
        }

        /// <summary>Quoted-printable in the charset, soft line breaks at 76; never a line starting with a dot (no dot-stuffing needed).</summary>
        private static string QuotedPrintable(string text, string charset)
        {
            var bytes = Encoding.GetEncoding(charset).GetBytes(text);
            var builder = new StringBuilder(bytes.Length * 11 / 10);
            var column = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                if (b == '\r' && i + 1 < bytes.Length && bytes[i + 1] == '\n')
                {
                    builder.Append("\r\n");
                    i++;
                    column = 0;
                    continue;
                }

                var token = (b is >= 33 and <= 126 && b != '=' && !(b == '.' && column == 0)) || (b == ' ' && i + 1 < bytes.Length && bytes[i + 1] != '\r')
                    ? ((char)b).ToString()
                    : $"={b:X2}";
                if (column + token.Length > 75)
                {
                    builder.Append("=\r\n");
                    column = 0;
                    if (token == ".")
                    {
                        token = "=2E";
                    }
                }

                builder.Append(token);
                column += token.Length;
            }

            return builder.ToString();
        }
    }
}
