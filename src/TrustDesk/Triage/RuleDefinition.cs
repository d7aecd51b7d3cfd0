namespace TrustDesk.Triage;

/// <summary>A rule's life: drafts are checked but never run; shadow rules run and record hits without acting; active rules act.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Api.SnakeCaseEnumConverter<RuleState>))]
public enum RuleState
{
    Draft,
    Shadow,
    Active,
}

/// <summary>A position in a rule file (1-based).</summary>
public readonly record struct SourcePosition(int Line, int Column);

/// <summary>One piece of rule text with the position in the file where it starts, so diagnostics point into the file.</summary>
public sealed record SourceText(string Text, SourcePosition Start, IReadOnlyList<SourcePosition>? LineStarts = null)
{
    /// <summary>The file position of an offset in <see cref="Text"/>. Continuation lines start where <see cref="LineStarts"/> says.</summary>
    public SourcePosition PositionOf(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = 0;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (Text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        var column = offset - lineStart;
        if (line == 0)
        {
            return new SourcePosition(Start.Line, Start.Column + column);
        }

        var start = LineStarts is not null && line - 1 < LineStarts.Count
            ? LineStarts[line - 1]
            : new SourcePosition(Start.Line + line, 1);
        return new SourcePosition(start.Line, start.Column + column);
    }
}

/// <summary>
/// A rule as written, before it is compiled. From a rule-pack file or a database row (same syntax). The intake side may
/// override <see cref="Version"/> and <see cref="State"/> with <c>with</c> when its rows carry them.
/// </summary>
public sealed record RuleDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public RuleState State { get; init; } = RuleState.Active;
    public int Version { get; init; } = 1;

    /// <summary><c>report.received</c>, <c>message.received</c> or <c>event.&lt;type&gt;</c>, each with where it was written.</summary>
    public required IReadOnlyList<(string Trigger, SourcePosition At)> Triggers { get; init; }

    public required SourceText When { get; init; }

    /// <summary>The actions as written, each with where it was written.</summary>
    public required IReadOnlyList<SourceText> Then { get; init; }

    /// <summary>The file the rule came from (<c>default.rules</c>), or null for a rule typed into the API.</summary>
    public string? Source { get; init; }

    /// <summary>Where <c>- name:</c> was written.</summary>
    public SourcePosition At { get; init; } = new(1, 1);
}
