using TrustDesk.Triage;
using static TrustDesk.Tests.Triage.RuleTestKit;

namespace TrustDesk.Tests.Triage;

/// <summary>Syntax and type errors name the rule, the line and column in the file, and what was expected.</summary>
public sealed class RuleDiagnosticsTests
{
    [Fact]
    public void Compile_WordWhereDurationExpected_NamesRuleLineColumnAndExpectation()
    {
        var text = """
            # reports
            - name: mass reports
              on: report.received
              when: subject.live and count("report", subject, ten) >= 5
              then: [severity S1]
            """;

        var errors = Errors(text);

        var error = Assert.Single(errors);
        Assert.Equal("rule \"mass reports\": line 4, column 51: expected a duration such as 10m, found \"ten\"", error.ToString());
        Assert.Equal((4, 51), (error.Line, error.Column));
    }

    [Fact]
    public void Compile_ErrorOnContinuationLine_PointsIntoThatLine()
    {
        var text = """
            - name: two lines
              on: report.received
              when: subject.live
                and count("report", subject, 10m) >= "five"
              then: [severity S1]
            """;

        var error = Assert.Single(Errors(text));

        Assert.Equal(4, error.Line);
        Assert.Equal(39, error.Column);
        Assert.Contains("cannot compare a number with a string", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subject.live &&", "expected \"and\", found \"&&\"")]
    [InlineData("subject.live = true", "expected \"==\" to compare, found \"=\"")]
    [InlineData("count(\"report\", subject, 10min) > 1", "expected a duration unit (s, m, h, d or w) such as 10m, found \"10min\"")]
    [InlineData("text ~ lexicon(\"self_harm\"", "expected \",\" or \")\" in the call of lexicon, found the end of the condition")]
    [InlineData("1 < 2 < 3", "comparisons do not chain")]
    [InlineData("subject.live and", "expected a value (a name, number, duration such as 10m, string or list), found the end of the condition")]
    [InlineData("text ~ \"unterminated", "expected a closing \" for the string")]
    [InlineData("subject.live subject.banned", "expected an operator such as \"and\" or the end of the condition, found \"subject\"")]
    public void Compile_SyntaxError_SaysWhatWasExpected(string condition, string expected)
    {
        var error = FirstError(condition);

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("rule \"probe\": line 3, column ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count(\"report\", subject, 10m)", "expected a condition that is true or false, found a number")]
    [InlineData("subject.age > 30", "cannot compare a duration with a number using \">\"; write a duration with its unit, such as 30d")]
    [InlineData("selller.age > 30d", "unknown name \"selller\" (did you mean \"seller\"?)")]
    [InlineData("subject.kind == \"livestrem\"", "expected a subject kind (account, livestream, listing, order, shipment, payment, agent, contact), found \"livestrem\" (did you mean \"livestream\"?)")]
    [InlineData("count(\"reprot\", subject, 10m) > 1", "unknown event type \"reprot\" (did you mean \"report\"?)")]
    [InlineData("count(\"report\", 10m, subject) > 1", "expected a subject such as subject, author or seller, found \"10m\"")]
    [InlineData("count(\"report\", subject) > 1", "expected count(eventType, subject, window[, role]), found 2 arguments")]
    [InlineData("text ~ lexicon(\"selfharm\")", "unknown lexicon \"selfharm\" (did you mean \"self_harm\"?)")]
    [InlineData("text ~ \"kill\"", "expected lexicon(\"name\") or regex(\"pattern\") after \"~\", found \"\"kill\"\"")]
    [InlineData("text ~ regex(\"(a)\\\\1\")", "expected a regular expression without backreferences or lookarounds")]
    [InlineData("linked(subject, author, 9)", "expected a number of hops from 1 to 4, found \"9\"")]
    [InlineData("distinct(\"cookie\", subject, 30d) > 1", "unknown identifier type \"cookie\"")]
    [InlineData("subject.colour == \"red\"", "unknown field \"colour\" of a subject")]
    [InlineData("category in 5", "expected a list such as [\"a\", \"b\"], found \"5\"")]
    [InlineData("5 in text", "expected a string to look for in \"text\", found a number")]
    [InlineData("subject.live in [1, 2]", "cannot look for true/false in a list of numbers")]
    [InlineData("[1, \"a\"] == [1]", "expected a number like the first item of the list, found a string")]
    [InlineData("text < \"a\"", "cannot order a string")]
    [InlineData("S1 + S2 == S3", "cannot apply \"+\" to a severity and a severity")]
    [InlineData("frobnicate(subject)", "unknown function \"frobnicate\"")]
    [InlineData("event.data.amount > 5", "event.data is only set for event.* triggers")]
    public void Compile_TypeError_SaysWhatWasExpected(string condition, string expected)
    {
        var error = FirstError(condition);

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TextOnEventTrigger_IsRefused()
    {
        var error = FirstError("text ~ lexicon(\"scam\")", on: "event.bid.placed");

        Assert.Contains("text is only set for report.received and message.received", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_IndependentErrorsInOneRule_ReportsEach()
    {
        var errors = Errors("""
            - name: several
              on: report.received
              when: subject.age > 3 and count("x", subject, 1h) > 1 or nobody
              then: [severity S9, queue nowhere]
            """);

        Assert.Equal(5, errors.Count);
        Assert.Equal([(3, 21), (3, 35), (3, 60), (4, 19), (4, 29)], errors.Select(e => (e.Line, e.Column)));
    }

    [Theory]
    [InlineData("severity S5", "expected a severity S1 to S4 after \"severity\", found \"S5\"")]
    [InlineData("category safety.selfharm", "unknown category \"safety.selfharm\"")]
    [InlineData("queue crises", "unknown queue \"crises\"")]
    [InlineData("flag urgent", "expected live_now, graphic or minor after \"flag\", found \"urgent\"")]
    [InlineData("propose suspend automatic", "only warn may be automatic; suspend needs a person to decide")]
    [InlineData("propose jail", "expected an enforcement action (warn, restrict, remove_listing, end_stream, hold_payout, suspend, revoke_selling, ban, refund, cancel_order), found \"jail\"")]
    [InlineData("propose warn target=nobody", "expected policy=<code>, target=<subject> or automatic, found \"target=nobody\"")]
    [InlineData("note unquoted", "expected a note in quotes")]
    [InlineData("escalate legal", "expected an action (severity, category, queue, tag, flag, propose, note), found \"escalate\"")]
    public void Compile_BadAction_SaysWhatWasExpected(string action, string expected)
    {
        var errors = Errors($"""
            - name: act
              on: report.received
              when: subject.live
              then: [tag ok, {action}]
            """);

        var error = Assert.Single(errors);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Compile_UnknownTrigger_PointsAtIt()
    {
        var errors = Errors("""
            - name: wrong trigger
              on: [report.received, event.shipment.lost]
              when: subject.live
              then: [tag x]
            """);

        var error = Assert.Single(errors);
        Assert.Equal((2, 25), (error.Line, error.Column));
        Assert.Contains("unknown trigger \"event.shipment.lost\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_TwoRulesWithOneName_IsRefused()
    {
        var errors = Errors("""
            - name: twin
              on: report.received
              when: subject.live
              then: [tag a]

            - name: twin
              on: report.received
              when: subject.banned
              then: [tag b]
            """);

        var error = Assert.Single(errors);
        Assert.Equal(6, error.Line);
        Assert.Contains("already named \"twin\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackOrThrow_BrokenRules_ThrowsWithEveryDiagnostic()
    {
        var compilation = RuleCompiler.Compile("""
            - name: broken
              on: report.received
              when: count("report", subject, ten) > 1
              then: [severity S1]
            """, "custom.rules");

        var exception = Assert.Throws<RuleCompilationException>(compilation.PackOrThrow);

        Assert.Equal("custom.rules: rule \"broken\": line 3, column 34: expected a duration such as 10m, found \"ten\"", exception.Message);
    }
}
