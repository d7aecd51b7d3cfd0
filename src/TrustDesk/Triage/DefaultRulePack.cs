using System.Globalization;
using System.Resources;

namespace TrustDesk.Triage;

/// <summary>The rule pack shipped with TrustDesk (<c>Triage/RulePacks/default.rules</c>, embedded).</summary>
public static class DefaultRulePack
{
    public const string SourceName = "default.rules";

    private static readonly Lazy<string> Source = new(() =>
        new ResourceManager("TrustDesk.Triage.TriageData", typeof(DefaultRulePack).Assembly)
            .GetString("rulepack.default", CultureInfo.InvariantCulture)
        ?? throw new InvalidOperationException("The default rule pack is not embedded in the assembly."));

    public static string Text => Source.Value;

    /// <summary>The default pack, compiled against <paramref name="vocabulary"/>; throws if it does not compile.</summary>
    public static CompiledRulePack Compile(TriageVocabulary? vocabulary = null) =>
        RuleCompiler.Compile(Text, SourceName, vocabulary).PackOrThrow();
}
