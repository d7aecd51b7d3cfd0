using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace TrustDesk.Tests.Audit;

/// <summary><c>trustdesk audit verify</c> run as a process, against a SQLite file someone edited by hand.</summary>
public sealed class AuditVerifyCommandTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "trustdesk-audit-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task AuditVerify_AfterOneRowIsEditedInTheFile_FailsNamingThatRow()
    {
        var (created, createdOutput, createdError) = await RunAsync(null, "admin", "create", "--email", "first.admin@staff.example", "--role", "Admin", "--data", _dataDirectory);
        Assert.True(created == 0, createdOutput + createdError);
        Assert.Contains("TOTP secret:", createdOutput, StringComparison.Ordinal);
        Assert.Matches("Password: [A-Za-z0-9-]{20,}", createdOutput);
        Assert.Equal(0, (await RunAsync(null, "apikey", "create", "--name", "platform", "--scopes", "cases:read", "--data", _dataDirectory)).ExitCode);
        var (intact, intactOutput, _) = await RunAsync(null, "audit", "verify", "--data", _dataDirectory);
        Assert.Equal(0, intact);
        Assert.Contains("intact: 3 entries", intactOutput, StringComparison.Ordinal);

        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "trustdesk.db")};Pooling=false"))
        {
            // What someone with the file can do: drop the guard, then quietly rewrite history.
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER AuditEntries_no_update; UPDATE AuditEntries SET Detail = 'role Agent' WHERE Sequence = 2;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var (exitCode, output, _) = await RunAsync(null, "audit", "verify", "--data", _dataDirectory);

        Assert.Equal(1, exitCode);
        Assert.Contains("BROKEN at entry #2", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminCreate_PasswordFromStdin_IsCheckedAgainstThePolicy()
    {
        var (weak, _, weakError) = await RunAsync("password1234\n", "admin", "create", "--email", "a@staff.example", "--password-stdin", "--data", _dataDirectory);
        var (good, output, _) = await RunAsync("plum kettle orbit saddle\n", "admin", "create", "--email", "a@staff.example", "--password-stdin", "--data", _dataDirectory);

        Assert.Equal(2, weak);
        Assert.Contains("--password", weakError, StringComparison.Ordinal);
        Assert.Equal(0, good);
        Assert.Contains("Password: the one you gave.", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("TRUSTDESK_ADMIN_PASSWORD");
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
