using TrustDesk.Triage;

namespace TrustDesk.Tests.Triage;

internal static class RuleTestKit
{
    /// <summary>Compiles rule text that must compile.</summary>
    public static CompiledRulePack Pack(string text) => RuleCompiler.Compile(text, "test.rules").PackOrThrow();

    /// <summary>A one-rule pack around a condition.</summary>
    public static CompiledRulePack When(string condition, string on = "report.received", string then = "[tag hit]") =>
        Pack($"""
            - name: probe
              on: {on}
              when: {condition}
              then: {then}
            """);

    /// <summary>The diagnostics of rule text that must not compile.</summary>
    public static IReadOnlyList<RuleDiagnostic> Errors(string text)
    {
        var result = RuleCompiler.Compile(text, null);
        Assert.False(result.Succeeded, "expected the rules not to compile");
        return result.Diagnostics;
    }

    public static string FirstError(string condition, string on = "report.received") =>
        Errors($"""
            - name: probe
              on: {on}
              when: {condition}
              then: [tag hit]
            """)[0].ToString();

    public static TriageInput Report(string text = "", SubjectFacts? subject = null, SubjectFacts? reporter = null, string? category = null) =>
        TriageInput.ForReport(Subjects.Now, subject ?? Subjects.Account("reported"), reporter, text, category);
}
