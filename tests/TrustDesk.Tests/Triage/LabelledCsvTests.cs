using System.Text;
using TrustDesk.Taxonomy;
using TrustDesk.Triage.Classifier;

namespace TrustDesk.Tests.Triage;

/// <summary>A Lead's labelled texts as CSV: what is read, and what is refused with the row that is wrong.</summary>
public sealed class LabelledCsvTests
{
    private static readonly Dictionary<string, Severity> Categories = DefaultTaxonomy.All.ToDictionary(c => c.Code, c => c.DefaultSeverity, StringComparer.Ordinal);

    private static LabelledCsv.Parsed Parse(string csv) => LabelledCsv.Parse(Encoding.UTF8.GetBytes(csv), Categories, ClassifierModels.Shipped.Languages);

    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndLineBreaks_ReadsEachTextWhole()
    {
        var parsed = Parse("\uFEFFText,Category,Severity,ticket\r\n"
            + "\"it never arrived, seller ignores me\",order.not_received,,T-1\r\n"
            + "\"he said \"\"pay me on zelle\"\"\nand blocked me\",payments.off_platform,S2,T-2\r\n"
            + "Report.,none,,T-3\r\n");

        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors.Select(e => e.Key + ": " + string.Join(" ", e.Value))));
        Assert.Equal(3, parsed.Rows.Count);
        Assert.Equal("it never arrived, seller ignores me", parsed.Rows[0].Text);
        Assert.Equal(Severity.S3, parsed.Rows[0].Severity);
        Assert.Equal("he said \"pay me on zelle\"\nand blocked me", parsed.Rows[1].Text);
        Assert.Equal(Severity.S2, parsed.Rows[1].Severity);
        Assert.Equal(("none", (Severity?)null), (parsed.Rows[2].Category, parsed.Rows[2].Severity));
    }

    [Fact]
    public void Parse_SemicolonsAndNoLanguageColumn_DetectsTheLanguage()
    {
        var parsed = Parse("text;category\nya no quiero vivir, nadie me va a extrañar;safety.self_harm\n");

        var row = Assert.Single(parsed.Rows);
        Assert.Equal("ya no quiero vivir, nadie me va a extrañar", row.Text);
        Assert.Equal((Severity?)Severity.S1, row.Severity);
        Assert.Equal("es", row.Language);
    }

    [Fact]
    public void Parse_UnknownCategoryBadSeverityAndMissingText_NamesEachRow()
    {
        var parsed = Parse("text,category,severity\nfine,order.not_received,\nhello,order.lost_in_space,\nhi,none,S9\n,conduct.spam,\n");

        Assert.False(parsed.IsValid);
        Assert.Empty(parsed.Rows);
        Assert.Contains("rows[2].category", parsed.Errors.Keys);
        Assert.Contains("rows[3].severity", parsed.Errors.Keys);
        Assert.Contains("rows[4].text", parsed.Errors.Keys);
        Assert.DoesNotContain(parsed.Errors.Keys, k => k.StartsWith("rows[1]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("category,severity\norder.not_received,S3\n", "header")]
    [InlineData("text,category\n\"never closed,order.not_received\n", "body")]
    [InlineData("text,category\n", "body")]
    [InlineData("", "body")]
    public void Parse_NoTextColumnUnclosedQuoteOrNoRows_IsRefused(string csv, string field)
    {
        var parsed = Parse(csv);

        Assert.False(parsed.IsValid);
        Assert.Contains(field, parsed.Errors.Keys);
    }

    [Fact]
    public void Parse_NotUtf8_IsRefused()
    {
        var latin1 = Encoding.Latin1.GetBytes("text,category\nçà ne marche pas,none\n");

        var parsed = LabelledCsv.Parse(latin1, Categories, ClassifierModels.Shipped.Languages);

        Assert.Contains("body", parsed.Errors.Keys);
    }

    [Fact]
    public void Parse_MoreRowsThanTheLimit_IsRefusedWhole()
    {
        var csv = new StringBuilder("text,category\n");
        for (var i = 0; i <= LabelledCsv.MaxRows; i++)
        {
            csv.Append("where is my order ").Append(i).Append(",order.not_received\n");
        }

        var parsed = Parse(csv.ToString());

        Assert.Empty(parsed.Rows);
        Assert.Contains("At most 5000 rows", parsed.Errors["body"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyBadRows_ListsAtMostFiftyAndCountsTheRest()
    {
        var csv = new StringBuilder("text,category\n");
        for (var i = 0; i < 80; i++)
        {
            csv.Append("text ").Append(i).Append(",no.such.category\n");
        }

        var parsed = Parse(csv.ToString());

        Assert.Equal(LabelledCsv.MaxErrorsListed + 1, parsed.Errors.Count);
        Assert.Equal("30 more errors not listed.", Assert.Single(parsed.Errors["more"]));
    }
}
