using System.Net.Sockets;
using System.Text;

namespace TrustDesk.Tests.Email;

/// <summary>A refused address gets an SMTP reply that says what is wrong with it (the sender's server shows it in its bounce).</summary>
public sealed class SmtpRepliesTests(SqliteEmailApp app) : IClassFixture<SqliteEmailApp>
{
    [Fact]
    public async Task RcptTo_AnAddressWeDoNotServe_SaysWhichAddressesWeAccept()
    {
        var replies = await ConverseAsync("MAIL FROM:<buyer@example.com>", "RCPT TO:<nobody@example.com>");

        Assert.StartsWith("550", replies[^1], StringComparison.Ordinal);
        Assert.Contains("nobody@example.com", replies[^1], StringComparison.Ordinal);
        Assert.Contains(EmailApp.Support, replies[^1], StringComparison.Ordinal);
    }

    private async Task<List<string>> ConverseAsync(params string[] commands)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", app.SmtpPort, TestContext.Current.CancellationToken);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        var replies = new List<string> { await ReadReplyAsync(reader) };
        foreach (var command in commands.Prepend("EHLO client.example"))
        {
            await writer.WriteLineAsync(command);
            replies.Add(await ReadReplyAsync(reader));
        }

        await writer.WriteLineAsync("QUIT");
        return replies;
    }

    private static async Task<string> ReadReplyAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            text.Append(line).Append('\n');
            if (line.Length < 4 || line[3] != '-')
            {
                break;
            }
        }

        return text.ToString();
    }
}
