using Microsoft.Extensions.Options;
using TrustDesk.Audit;
using TrustDesk.Data;

namespace TrustDesk.Cli;

/// <summary><c>trustdesk audit verify [--checkpoint FILE [--public-key FILE]]</c> and <c>trustdesk audit checkpoint [--out FILE]</c>.</summary>
public static class AuditCommands
{
    public static readonly HashSet<string> VerifyOptions = ["data", "checkpoint", "public-key"];
    public static readonly HashSet<string> CheckpointOptions = ["data", "out"];

    public static async Task<int> VerifyAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        if (options["checkpoint"] is not { } checkpointFile)
        {
            var result = await VerifyAuditChain.VerifyAsync(db, CancellationToken.None);
            if (result.Intact)
            {
                Console.WriteLine($"Audit trail intact: {result.Entries} entries; head hash {result.HeadHash}.");
                Console.WriteLine("Rows removed from the end, or a chain rewritten from some row on, show only against a signed checkpoint: " +
                    "verify with --checkpoint FILE (see `trustdesk audit checkpoint`).");
                return 0;
            }

            Console.WriteLine($"Audit trail BROKEN at entry #{result.BrokenAt}: {result.Problem}.");
            Console.WriteLine($"The {result.Entries} entries before it are intact.");
            return 1;
        }

        List<AuditCheckpoint> checkpoints;
        AuditSigningKey key;
        try
        {
            checkpoints = AuditCheckpoint.ParseMany(await File.ReadAllTextAsync(checkpointFile));
            var settings = app.Services.GetRequiredService<IOptions<AuditCheckpointSettings>>().Value;
            var keyPath = options["public-key"] ?? settings.KeyPath(app.Configuration) + ".pub";
            key = AuditSigningKey.Load(File.Exists(keyPath) || options["public-key"] is not null ? keyPath : settings.KeyPath(app.Configuration));
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException or FormatException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the checkpoint or key: {e.Message}");
        }

        if (checkpoints.Count == 0)
        {
            throw new CliException($"{checkpointFile} holds no checkpoint.");
        }

        var outcome = await VerifyAuditCheckpoints.VerifyAsync(db, checkpoints, key, CancellationToken.None);
        if (outcome.Intact)
        {
            var last = checkpoints.Max(c => c.Sequence);
            Console.WriteLine($"Audit trail intact: {outcome.Entries} entries; head hash {outcome.HeadHash}.");
            Console.WriteLine($"Matches {outcome.CheckpointsChecked} signed checkpoint(s) (key {key.KeyId}): entries #1..#{last} are as signed, and none was cut from the end up to #{last}.");
            return 0;
        }

        Console.WriteLine($"Audit trail BROKEN: {outcome.Problem}.");
        return 1;
    }

    public static async Task<int> CheckpointAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        var sign = scope.ServiceProvider.GetRequiredService<SignAuditCheckpoints>();
        switch (await sign.HandleAsync(always: true, CancellationToken.None))
        {
            case SignAuditCheckpoints.Signed signed:
                var json = signed.Checkpoint.ToJson();
                if (options["out"] is { } output)
                {
                    await File.AppendAllTextAsync(output, json + "\n");
                }

                await Console.Error.WriteLineAsync($"Signed entry #{signed.Checkpoint.Sequence} with key {signed.Checkpoint.KeyId} ({sign.KeyPath}); " +
                    $"appended to {sign.FilePath}. Verify with: trustdesk audit verify --checkpoint FILE --public-key {sign.KeyPath}.pub");
                Console.WriteLine(json);
                return 0;
            case SignAuditCheckpoints.Broken broken:
                Console.WriteLine($"Audit trail BROKEN ({broken.Problem}): no checkpoint signed.");
                return 1;
            default:
                await Console.Error.WriteLineAsync("The audit trail is empty: nothing to sign yet.");
                return 0;
        }
    }
}
