using TrustDesk.Triage;

namespace TrustDesk.Tests.Triage;

/// <summary>What the console's rule editor shows as the Lead types: the save's own checks, and the colouring.</summary>
public sealed class RuleEditorTests
{
    private const string Good = "- name: repeat reports\n  on: report.received\n  when: count(\"report\", subject, 1h) >= 3\n  then: [severity S2, tag repeated]";

    [Fact]
    public void Check_AConditionCutShort_SaysWhereOnWhichLine()
    {
        var invalid = SaveRule.Check(Good.Replace(">= 3", ">=", StringComparison.Ordinal), null, []);

        var message = Assert.Single(Assert.IsType<SaveRule.Invalid>(invalid).Diagnostics);
        Assert.Equal(3, message.Line);
        Assert.Equal("repeat reports", message.Rule);
    }

    [Fact]
    public void Check_AGoodRule_IsNull_ButNotUnderAnotherRulesName()
    {
        var fine = SaveRule.Check(Good, null, []);
        var renamed = SaveRule.Check(Good, "some other rule", []);

        Assert.Null(fine);
        Assert.Contains("renaming is a new rule", Assert.Single(renamed!.Errors["text"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_AnUnknownQueue_IsCaughtAsSavingWouldCatchIt()
    {
        var invalid = SaveRule.Check(Good.Replace("tag repeated", "queue nowhere", StringComparison.Ordinal), null, []);

        Assert.NotNull(invalid);
    }

    [Fact]
    public void Tokenise_ColoursTheParts_AndLosesNoCharacter()
    {
        var text = "# a note\n" + Good + " and not subject.live";

        var tokens = RuleHighlighter.Tokenise(text);

        Assert.Equal(text, string.Concat(tokens.Select(t => t.Text)));
        Assert.Contains(new RuleToken("# a note", "comment"), tokens);
        Assert.Contains(new RuleToken("when", "key"), tokens);
        Assert.Contains(new RuleToken("\"report\"", "string"), tokens);
        Assert.Contains(new RuleToken("1h", "number"), tokens);
        Assert.Contains(new RuleToken("not", "keyword"), tokens);
        Assert.Contains(new RuleToken("severity", "action"), tokens);
        Assert.DoesNotContain(tokens, t => t.Text == "subject" && t.Kind is not null);
    }
}
