using TrustDesk.Triage;

namespace TrustDesk.Tests.Triage;

/// <summary>The rule file format: a strict YAML subset.</summary>
public sealed class RulePackParserTests
{
    [Fact]
    public void Parse_AllKeysAndBothListStyles_ReadsEveryField()
    {
        var text = """
            # a comment
            - name: "late shipping: warn"   # trailing comment
              description: >
                Warns sellers
                who ship late.
              state: shadow
              version: 3
              on:
                - event.shipment.late
                - event.shipment.scanned
              when: |
                rate("shipment.late", seller, 30d) > 0.10
                and count("order.placed", seller, 30d) >= 20
              then:
                - propose warn target=seller policy=shipping.on_time automatic
                - note "Late: check, then warn # not a comment"
            """;

        var result = RulePackParser.Parse(text, "x.rules");

        Assert.Empty(result.Diagnostics);
        var rule = Assert.Single(result.Rules);
        Assert.Equal("late shipping: warn", rule.Name);
        Assert.Equal("Warns sellers who ship late.", rule.Description);
        Assert.Equal(RuleState.Shadow, rule.State);
        Assert.Equal(3, rule.Version);
        Assert.Equal(["event.shipment.late", "event.shipment.scanned"], rule.Triggers.Select(t => t.Trigger));
        Assert.Equal(new SourcePosition(10, 7), rule.Triggers[1].At);
        Assert.Equal("rate(\"shipment.late\", seller, 30d) > 0.10\nand count(\"order.placed\", seller, 30d) >= 20", rule.When.Text);
        Assert.Equal(new SourcePosition(12, 8), rule.When.PositionOf(3));
        Assert.Equal(new SourcePosition(13, 9), rule.When.PositionOf(rule.When.Text.IndexOf("count", StringComparison.Ordinal)));
        Assert.Equal(["propose warn target=seller policy=shipping.on_time automatic", "note \"Late: check, then warn # not a comment\""], rule.Then.Select(t => t.Text));
        Assert.Equal(new SourcePosition(16, 7), rule.Then[1].Start);
        Assert.Equal("x.rules", rule.Source);
    }

    [Fact]
    public void Parse_InlineListOverSeveralLines_SplitsOutsideQuotes()
    {
        var result = RulePackParser.Parse("""
            - name: r
              on: [report.received, message.received]
              when: true
              then: [severity S1, note "a, b] c",
                     tag x]
            """);

        var rule = Assert.Single(result.Rules);
        Assert.Equal(["severity S1", "note \"a, b] c\"", "tag x"], rule.Then.Select(t => t.Text));
        Assert.Equal(new SourcePosition(5, 10), rule.Then[2].Start);
    }

    [Theory]
    [InlineData("- name: r\n  on: report.received\n  when: true\n  then: [tag x]\n  priority: 3", 5, 3, "unknown key \"priority\"; expected one of name, on, when, then, state, description, version")]
    [InlineData("- name: r\n  on: report.received\n  when: true", 1, 1, "missing \"then:\"")]
    [InlineData("- name: r\n  on: report.received\n  when: true\n  then: [tag x]\n  state: live", 5, 10, "expected draft, shadow or active, found \"live\"")]
    [InlineData("- name: r\n  on: report.received\n  on: message.received\n  when: true\n  then: [tag x]", 3, 3, "\"on\" is given twice")]
    [InlineData("name: r", 1, 1, "expected \"- name:\" to start a rule, found \"name: r\"")]
    [InlineData("- name: r\n\ton: report.received", 2, 1, "tabs are not allowed for indentation; use spaces")]
    [InlineData("- name: r\n  on: report.received\n  when: true\n  then: [tag x", 4, 15, "expected a closing ]")]
    [InlineData("- name: r\n  on: report.received\n  when: true\n  then:\n    tag x", 5, 5, "expected a list item \"- ...\", found \"tag x\"")]
    [InlineData("- name: r\n  on: report.received\n  when: true\n  then: [tag x]\n  version: two", 5, 12, "expected a version number such as 3, found \"two\"")]
    public void Parse_MalformedRule_SaysWhereAndWhat(string text, int line, int column, string message)
    {
        var result = RulePackParser.Parse(text);

        Assert.Contains((line, column, message), result.Diagnostics.Select(d => (d.Line, d.Column, d.Message)));
        Assert.Empty(result.Rules);
    }

    [Fact]
    public void Parse_BrokenRule_KeepsTheOthers()
    {
        var result = RulePackParser.Parse("""
            - name: good
              on: report.received
              when: true
              then: [tag x]

            - name: bad
              on: report.received
              then: [tag y]

            - name: also good
              on: report.received
              when: true
              then: [tag z]
            """);

        Assert.Equal(["good", "also good"], result.Rules.Select(r => r.Name));
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("rule \"bad\": line 6, column 1: missing \"when:\"", error.ToString());
    }
}
