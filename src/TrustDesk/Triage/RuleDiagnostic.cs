namespace TrustDesk.Triage;

/// <summary>
/// A syntax or type error in a rule: <c>rule "mass reports": line 4, column 31: expected a duration such as 10m, found "ten"</c>.
/// </summary>
public sealed record RuleDiagnostic(string? Source, string? Rule, int Line, int Column, string Message)
{
    public override string ToString()
    {
        var where = $"line {Line}, column {Column}: {Message}";
        var rule = Rule is null ? where : $"rule \"{Rule}\": {where}";
        return Source is null ? rule : $"{Source}: {rule}";
    }
}

/// <summary>Rules that do not compile. <see cref="Exception.Message"/> lists every diagnostic, one per line.</summary>
public sealed class RuleCompilationException : Exception
{
    public RuleCompilationException()
        : this([])
    {
    }

    public RuleCompilationException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public RuleCompilationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public RuleCompilationException(IReadOnlyList<RuleDiagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString())))
    {
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<RuleDiagnostic> Diagnostics { get; }
}
