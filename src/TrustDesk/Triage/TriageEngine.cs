using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Triage;

public sealed class TriageOptions
{
    /// <summary>A directory of extra <c>*.rules</c> files, loaded after the default pack (a rule of the same name replaces it).</summary>
    public string? RulePackDirectory { get; set; }
}

/// <summary>
/// The rules in force: the default pack, any rule-pack files, then the rules written through the API (the latest version
/// of each; a rule of the same name replaces a file's). Compiled once into one pack and swapped when rules change — on
/// this node at once, on other nodes within <see cref="CheckEvery"/>.
/// </summary>
public sealed class TriageEngine(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<TriageOptions> options, Classifier.ClassifierModels models, ILogger<TriageEngine> logger) : IDisposable
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Loaded? _loaded;

    private sealed record Loaded(CompiledRulePack Pack, string Stamp, DateTimeOffset CheckedAt);

    public async Task<CompiledRulePack> GetAsync(CancellationToken cancellationToken)
    {
        var loaded = _loaded;
        if (loaded is not null && time.GetUtcNow() - loaded.CheckedAt < CheckEvery)
        {
            return loaded.Pack;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            var stamp = await StampAsync(db, cancellationToken);
            if (_loaded is not null && _loaded.Stamp == stamp)
            {
                _loaded = _loaded with { CheckedAt = time.GetUtcNow() };
                return _loaded.Pack;
            }

            // The classifier models in force ride along with the rules, so the pack suggests categories and finds crises with them.
            var vocabulary = new TriageVocabulary { Classifier = models.Active, ShadowClassifier = models.Shadow };
            var compilation = RuleCompiler.Compile(await InForceAsync(db, cancellationToken), vocabulary);
            foreach (var diagnostic in compilation.Diagnostics)
            {
                // Stored rules were checked when written; this only happens when the vocabulary changed under them.
                logger.LogError("Rule left out of the pack: {Diagnostic}", diagnostic.ToString());
            }

            _loaded = new Loaded(compilation.Pack, stamp, time.GetUtcNow());
            return compilation.Pack;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Rules changed on this node: recompile on the next use.</summary>
    public void Invalidate() => _loaded = null;

    /// <summary>Every rule definition in force, by name: files first, the API's latest versions over them. Drafts are left out.</summary>
    public async Task<IReadOnlyList<RuleDefinition>> InForceAsync(TrustDeskDb db, CancellationToken cancellationToken, bool includeDrafts = false)
    {
        var byName = new Dictionary<string, RuleDefinition>(StringComparer.Ordinal);
        foreach (var definition in FileDefinitions())
        {
            byName[definition.Name] = definition;
        }

        foreach (var stored in await LatestStoredAsync(db, cancellationToken))
        {
            if (ToDefinition(stored) is { } definition)
            {
                byName[definition.Name] = definition;
            }
        }

        return [.. byName.Values.Where(d => includeDrafts || d.State != RuleState.Draft)];
    }

    public static async Task<List<StoredRule>> LatestStoredAsync(TrustDeskDb db, CancellationToken cancellationToken) =>
        await db.Rules.AsNoTracking()
            .Where(r => r.Version == db.Set<StoredRule>().Where(o => o.Name == r.Name).Max(o => o.Version))
            .OrderBy(r => r.Name)
            .ToListAsync(cancellationToken);

    /// <summary>A stored version as the compiler takes it: its text, with the state and version the API gave it.</summary>
    public static RuleDefinition? ToDefinition(StoredRule stored)
    {
        var parsed = RulePackParser.Parse(stored.Text, $"api:{stored.Name}@{stored.Version}");
        return parsed.Rules.Count == 1 && parsed.Diagnostics.Count == 0
            ? parsed.Rules[0] with { State = stored.State, Version = stored.Version }
            : null;
    }

    /// <summary>The default pack and the files of <see cref="TriageOptions.RulePackDirectory"/>.</summary>
    public IEnumerable<RuleDefinition> FileDefinitions()
    {
        foreach (var rule in RulePackParser.Parse(DefaultRulePack.Text, DefaultRulePack.SourceName).Rules)
        {
            yield return rule;
        }

        if (options.Value.RulePackDirectory is { } directory && Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.rules").Order(StringComparer.Ordinal))
            {
                var parsed = RulePackParser.Parse(File.ReadAllText(file), Path.GetFileName(file));
                foreach (var diagnostic in parsed.Diagnostics)
                {
                    logger.LogError("Rule pack {File}: {Diagnostic}", file, diagnostic.ToString());
                }

                foreach (var rule in parsed.Rules)
                {
                    yield return rule;
                }
            }
        }
    }

    private static async Task<string> StampAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        var count = await db.Rules.CountAsync(cancellationToken);
        var last = count == 0 ? default : await db.Rules.MaxAsync(r => r.CreatedAt, cancellationToken);
        return $"{count}:{last.Ticks}";
    }

    public void Dispose() => _gate.Dispose();
}
