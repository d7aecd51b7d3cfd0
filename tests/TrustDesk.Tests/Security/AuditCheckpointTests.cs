using TrustDesk.Data;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TrustDesk.Audit;
using TrustDesk.Tests.Infrastructure;

namespace TrustDesk.Tests.Security;

/// <summary>
/// Finding 5 of the outside probe: whoever holds the database file could edit a row and recompute every hash after it,
/// or delete the newest rows, and `audit verify` still passed. Signed checkpoints kept outside the database catch both.
/// </summary>
public sealed class AuditCheckpointTests : IAsyncDisposable
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), "trustdesk-key-" + Guid.NewGuid().ToString("N")[..8], "audit.key");
    private readonly TrustDeskFactory _app;

    public AuditCheckpointTests()
    {
        _app = new TrustDeskFactory(Provider.Sqlite, null, new Dictionary<string, string?>
        {
            ["TrustDesk:Audit:Checkpoints:KeyFile"] = _keyFile,
            ["TrustDesk:Audit:Checkpoints:File"] = Path.Combine(Path.GetDirectoryName(_keyFile)!, "checkpoints.jsonl"),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_keyFile)!, recursive: true);
    }

    private async Task<AuditCheckpoint> CheckpointAsync()
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SignAuditCheckpoints>().HandleAsync(always: true, TestContext.Current.CancellationToken);
        return Assert.IsType<SignAuditCheckpoints.Signed>(result).Checkpoint;
    }

    private async Task<(VerifyAuditChain.Verification Plain, VerifyAuditCheckpoints.Outcome Anchored)> VerifyAsync(params AuditCheckpoint[] checkpoints)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDesk.Data.TrustDeskDb>();
        var key = AuditSigningKey.Load(_keyFile + ".pub");
        return (await VerifyAuditChain.VerifyAsync(db, TestContext.Current.CancellationToken),
            await VerifyAuditCheckpoints.VerifyAsync(db, checkpoints, key, TestContext.Current.CancellationToken));
    }

    private async Task AuditSomethingAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            await _app.CreateApiKeyAsync();
        }
    }

    private SqliteConnection File() => new($"Data Source={Path.Combine(_app.DataDirectory, "trustdesk.db")};Pooling=false");

    /// <summary>What someone with the file and this very code can do: drop the guard, change a row, and re-chain everything after it.</summary>
    private async Task RewriteAsync(long sequence, string detail)
    {
        var entries = await _app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Sequence >= sequence).OrderBy(e => e.Sequence).ToListAsync());
        await using var connection = File();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DROP TRIGGER AuditEntries_no_update;";
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var previous = entries[0].PreviousHash;
        foreach (var entry in entries)
        {
            var forged = new AuditEntry(entry.Sequence, new AuditRecord(entry.At, entry.ActorType, entry.ActorId, entry.ActorName, entry.Action,
                entry.TargetType, entry.TargetId, entry.Sequence == sequence ? detail : entry.Detail, entry.Ip), previous);
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE AuditEntries SET Detail = $detail, PreviousHash = $previous, Hash = $hash WHERE Sequence = $sequence";
            update.Parameters.AddWithValue("$detail", (object?)forged.Detail ?? DBNull.Value);
            update.Parameters.AddWithValue("$previous", forged.PreviousHash);
            update.Parameters.AddWithValue("$hash", forged.Hash);
            update.Parameters.AddWithValue("$sequence", forged.Sequence);
            await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            previous = forged.Hash;
        }
    }

    [Fact]
    public async Task Verify_RowRewrittenAndHashesRecomputed_IsCaughtByTheCheckpoint()
    {
        await AuditSomethingAsync(3);
        var checkpoint = await CheckpointAsync();
        await AuditSomethingAsync(1);

        await RewriteAsync(2, "nothing happened here");

        var (plain, anchored) = await VerifyAsync(checkpoint);
        Assert.True(plain.Intact, "the unkeyed chain alone cannot see this rewrite");
        Assert.False(anchored.Intact);
        Assert.Contains($"entry #{checkpoint.Sequence} no longer hashes", anchored.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NewestRowsDeleted_IsCaughtByTheCheckpoint()
    {
        await AuditSomethingAsync(4);
        var checkpoint = await CheckpointAsync();
        await using (var connection = File())
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DROP TRIGGER AuditEntries_no_delete; DELETE FROM AuditEntries WHERE Sequence > {checkpoint.Sequence - 2};";
            await delete.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var (plain, anchored) = await VerifyAsync(checkpoint);

        Assert.True(plain.Intact, "a shorter chain is still a valid chain");
        Assert.False(anchored.Intact);
        Assert.Contains("cut from the end", anchored.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UntouchedChainThatGrewAfterTheCheckpoint_Passes()
    {
        await AuditSomethingAsync(2);
        var first = await CheckpointAsync();
        await AuditSomethingAsync(2);
        var second = await CheckpointAsync();
        await AuditSomethingAsync(1);

        var (_, anchored) = await VerifyAsync(first, second);

        Assert.True(anchored.Intact, anchored.Problem);
        Assert.Equal(2, anchored.CheckpointsChecked);
        Assert.True(second.Sequence > first.Sequence);
    }

    [Fact]
    public async Task Verify_CheckpointWithAnAlteredHead_IsRefusedAsUnsigned()
    {
        await AuditSomethingAsync(2);
        var checkpoint = await CheckpointAsync();
        var forged = checkpoint with { Sequence = checkpoint.Sequence - 1 };

        var (_, anchored) = await VerifyAsync(forged);

        Assert.False(anchored.Intact);
        Assert.Contains("not signed by key", anchored.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schedule_SignsOnlyWhenTheChainMoved_AndAppendsToTheFileSink()
    {
        await AuditSomethingAsync(1);
        await using var scope = _app.Services.CreateAsyncScope();
        var sign = scope.ServiceProvider.GetRequiredService<SignAuditCheckpoints>();

        var first = await sign.HandleAsync(always: false, TestContext.Current.CancellationToken);
        var unchanged = await sign.HandleAsync(always: false, TestContext.Current.CancellationToken);
        await AuditSomethingAsync(1);
        var moved = await sign.HandleAsync(always: false, TestContext.Current.CancellationToken);

        Assert.IsType<SignAuditCheckpoints.Signed>(first);
        Assert.IsType<SignAuditCheckpoints.Unchanged>(unchanged);
        Assert.IsType<SignAuditCheckpoints.Signed>(moved);
        var lines = AuditCheckpoint.ParseMany(await System.IO.File.ReadAllTextAsync(sign.FilePath, TestContext.Current.CancellationToken));
        Assert.Equal(2, lines.Count);
        Assert.DoesNotContain(_app.DataDirectory, sign.KeyPath, StringComparison.Ordinal);
    }
}

/// <summary>The same, through the commands an operator runs: <c>audit checkpoint</c> and <c>audit verify --checkpoint</c>.</summary>
public sealed class AuditCheckpointCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "trustdesk-anchor-" + Guid.NewGuid().ToString("N")[..8]);

    private string Data => Path.Combine(_root, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task CheckpointThenTruncate_VerifyWithTheCheckpoint_Exits1()
    {
        Assert.Equal(0, (await RunAsync("apikey", "create", "--name", "one", "--scopes", "cases:read", "--data", Data)).ExitCode);
        Assert.Equal(0, (await RunAsync("apikey", "create", "--name", "two", "--scopes", "cases:read", "--data", Data)).ExitCode);
        var exported = Path.Combine(_root, "exported.json");
        var (signed, json, signError) = await RunAsync("audit", "checkpoint", "--out", exported, "--data", Data);
        Assert.True(signed == 0, json + signError);
        Assert.Contains("\"sequence\":2", json, StringComparison.Ordinal);
        // The key is made beside the data directory, not inside it.
        Assert.True(System.IO.File.Exists(Data + ".audit-key.pub"));
        var (intact, intactOutput, _) = await RunAsync("audit", "verify", "--checkpoint", exported, "--public-key", Data + ".audit-key.pub", "--data", Data);
        Assert.True(intact == 0, intactOutput);
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "trustdesk.db")};Pooling=false"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER AuditEntries_no_delete; DELETE FROM AuditEntries WHERE Sequence = 2;";
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var (plain, _, _) = await RunAsync("audit", "verify", "--data", Data);
        var (exitCode, output, _) = await RunAsync("audit", "verify", "--checkpoint", exported, "--public-key", Data + ".audit-key.pub", "--data", Data);

        Assert.Equal(0, plain);
        Assert.Equal(1, exitCode);
        Assert.Contains("cut from the end", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "trustdesk.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
