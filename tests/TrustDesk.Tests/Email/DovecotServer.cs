using System.Diagnostics;

namespace TrustDesk.Tests.Email;

/// <summary>
/// A private Dovecot IMAP server (Debian's dovecot-imapd) for one test class: its own config, maildir and password file
/// in a temp directory, on a free port. Messages are put in with IMAP APPEND, as a mail server's delivery would.
/// </summary>
public sealed class DovecotServer : IAsyncLifetime
{
    public const string User = "support";
    public const string Password = "imap-secret";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "trustdesk-imap-" + Guid.NewGuid().ToString("N")[..8]);

    public int Port { get; private set; }

    private string ConfigFile => Path.Combine(_directory, "dovecot.conf");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        Port = SmtpSink.FreePort();
        var (uid, gid) = await DovecotIdsAsync();
        var home = Path.Combine(_directory, "home", User);
        Directory.CreateDirectory(Path.Combine(home, "Maildir", "cur"));
        Directory.CreateDirectory(Path.Combine(home, "Maildir", "new"));
        Directory.CreateDirectory(Path.Combine(home, "Maildir", "tmp"));
        var hash = (await RunAsync("doveadm", $"pw -s SHA512-CRYPT -p {Password}")).Trim();
        await File.WriteAllTextAsync(Path.Combine(_directory, "passwd"), $"{User}:{hash}:{uid}:{gid}::{home}::\n");
        await File.WriteAllTextAsync(ConfigFile, $$"""
            base_dir = {{_directory}}/run
            state_dir = {{_directory}}/state
            log_path = {{_directory}}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            disable_plaintext_auth = no
            auth_mechanisms = plain login
            mail_location = maildir:~/Maildir
            first_valid_uid = 1
            first_valid_gid = 1
            passdb {
              driver = passwd-file
              args = scheme=SHA512-CRYPT {{_directory}}/passwd
            }
            userdb {
              driver = passwd-file
              args = {{_directory}}/passwd
            }
            service imap-login {
              chroot =
              inet_listener imap {
                port = {{Port}}
              }
              inet_listener imaps {
                port = 0
              }
            }
            service anvil {
              chroot =
            }
            service stats {
              unix_listener stats-reader {
                mode = 0666
              }
              unix_listener stats-writer {
                mode = 0666
              }
            }
            """);
        await RunAsync("chown", $"-R {uid}:{gid} {Path.Combine(_directory, "home")}");
        // dovecot forks into the background and keeps its inherited output open: start it without redirecting it.
        using (var dovecot = Process.Start(new ProcessStartInfo("dovecot", $"-c {ConfigFile}") { RedirectStandardOutput = false, RedirectStandardError = false })
            ?? throw new InvalidOperationException("dovecot did not start. Run ./test.sh, which installs dovecot-imapd."))
        {
            await dovecot.WaitForExitAsync();
            if (dovecot.ExitCode != 0)
            {
                throw new InvalidOperationException($"dovecot -c {ConfigFile} failed ({dovecot.ExitCode}).");
            }
        }

        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new InvalidOperationException("Dovecot did not start: " + await File.ReadAllTextAsync(Path.Combine(_directory, "dovecot.log")));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("doveadm", $"-c {ConfigFile} stop");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await Task.Delay(100);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<(string Uid, string Gid)> DovecotIdsAsync() =>
        ((await RunAsync("id", "-u dovecot")).Trim(), (await RunAsync("id", "-g dovecot")).Trim());

    private static async Task<string> RunAsync(string fileName, string arguments)
    {
        var start = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start. Run ./test.sh, which installs dovecot-imapd.");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {arguments} failed ({process.ExitCode}): {output} {error}");
        }

        return output;
    }
}
