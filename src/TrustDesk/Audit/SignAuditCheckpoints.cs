using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Audit;

/// <summary>
/// Signs the audit chain's head and ships the checkpoint out of the database: appended to the file sink, and POSTed to
/// the webhook when one is set. Before signing it checks the chain since the last checkpoint it trusts (the last line of
/// the file sink, when signed by this key; the whole chain otherwise), so it never vouches for a chain already broken.
/// </summary>
public sealed class SignAuditCheckpoints(
    TrustDeskDb db,
    IOptions<AuditCheckpointSettings> settings,
    IConfiguration configuration,
    IHttpClientFactory httpClients,
    ILogger<SignAuditCheckpoints> logger,
    TimeProvider time)
{
    public abstract record Result;

    public sealed record Signed(AuditCheckpoint Checkpoint) : Result;

    /// <summary>Nothing new since the last checkpoint (or an empty chain).</summary>
    public sealed record Unchanged : Result;

    public sealed record Broken(string Problem) : Result;

    public string KeyPath => settings.Value.KeyPath(configuration);

    public string FilePath => settings.Value.FilePath(configuration);

    /// <param name="always">Sign even when the head has not moved since the last checkpoint (an export on demand).</param>
    public async Task<Result> HandleAsync(bool always, CancellationToken cancellationToken)
    {
        var key = AuditSigningKey.LoadOrCreate(KeyPath);
        var anchor = await LastCheckpointAsync(key, cancellationToken);
        long sequence;
        string hash;
        if (anchor is null)
        {
            var chain = await VerifyAuditChain.VerifyAsync(db, cancellationToken);
            if (!chain.Intact)
            {
                return new Broken($"entry #{chain.BrokenAt}: {chain.Problem}");
            }

            (sequence, hash) = (chain.Entries, chain.HeadHash);
        }
        else
        {
            var (head, headHash, problem) = await VerifyAuditCheckpoints.VerifyFromAsync(db, anchor.Sequence, anchor.HeadHash, cancellationToken);
            if (problem is not null)
            {
                return new Broken(problem);
            }

            (sequence, hash) = (head, headHash);
        }

        if (sequence == 0 || !always && anchor is not null && anchor.Sequence == sequence)
        {
            return new Unchanged();
        }

        var checkpoint = AuditCheckpoint.Sign(sequence, hash, time.GetUtcNow().UtcDateTime, key);
        await ShipAsync(checkpoint, cancellationToken);
        return new Signed(checkpoint);
    }

    private async Task<AuditCheckpoint?> LastCheckpointAsync(AuditSigningKey key, CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var lines = await File.ReadAllLinesAsync(FilePath, cancellationToken);
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                var checkpoint = AuditCheckpoint.ParseMany(lines[i]).Single();
                return checkpoint.IsSignedBy(key) ? checkpoint : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        }

        return null;
    }

    private async Task ShipAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        await File.AppendAllTextAsync(FilePath, checkpoint.ToJson() + "\n", cancellationToken);
        if (settings.Value.WebhookUrl is { Length: > 0 } url)
        {
            try
            {
                using var response = await httpClients.CreateClient(nameof(SignAuditCheckpoints)).PostAsJsonAsync(url, checkpoint, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The file sink has it; the webhook gets the next one.
                logger.LogWarning(e, "Sending audit checkpoint #{Sequence} to the webhook failed", checkpoint.Sequence);
            }
        }
    }
}

/// <summary>Signs a checkpoint every <see cref="AuditCheckpointSettings.Interval"/> when the chain moved.</summary>
public sealed class AuditCheckpointSchedule(
    IServiceScopeFactory scopes, IOptions<AuditCheckpointSettings> settings, ILogger<AuditCheckpointSchedule> logger, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await using var scope = scopes.CreateAsyncScope();
                try
                {
                    var result = await scope.ServiceProvider.GetRequiredService<SignAuditCheckpoints>().HandleAsync(always: false, stoppingToken);
                    if (result is SignAuditCheckpoints.Broken broken)
                    {
                        logger.LogCritical("The audit chain is broken ({Problem}); no checkpoint was signed. Run `trustdesk audit verify`.", broken.Problem);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Signing an audit checkpoint failed; trying again at the next interval");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

public static class AuditCheckpointServices
{
    public static IServiceCollection AddAuditCheckpoints(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AuditCheckpointSettings>(configuration.GetSection(AuditCheckpointSettings.Section));
        services.AddHttpClient(nameof(SignAuditCheckpoints), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddScoped<SignAuditCheckpoints>();
        services.AddHostedService<AuditCheckpointSchedule>();
        return services;
    }
}
