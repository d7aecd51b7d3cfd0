using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Tests.Triage;

/// <summary>Normalising text against the usual ways around a word filter, and matching lexicons.</summary>
public sealed class LexiconTests
{
    [Theory]
    [InlineData("I want to KILL MYSELF", " i want to ki myseif ")]
    [InlineData("SUÏCIDE", " suicide ")]
    [InlineData("s u i c i d e", " suicide ")]
    [InlineData("s.u.i.c.i.d.e", " suicide ")]
    [InlineData("s-u-i-c-i-d-e!!!", " suicide ")]
    [InlineData("k1ll mys3lf", " ki myseif ")]
    [InlineData("$u1c1d3", " suicide ")]
    [InlineData("p@ypal", " paypai ")]
    [InlineData("diiiiieee", " die ")]
    [InlineData("don't", " dont ")]
    [InlineData("help me!", " heip me ")]
    [InlineData("k!ll", " ki ")]
    [InlineData("call 555 0100 now", " cai now ")]
    [InlineData("zero\u200Bwidth", " zerowidth ")]
    [InlineData("", " ")]
    public void Normalize_EvasionTricks_FoldToOneForm(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Normalize(text));
    }

    [Theory]
    [InlineData("i just want to end it all", "end it all")]
    [InlineData("I'm feeling SUICIDAL", "suicid*")]
    [InlineData("thinking about s.u.i.c.i.d.e lately", "suicid*")]
    [InlineData("i dont want to be here anymore", "dont want to be here anymore")]
    [InlineData("gonna k i l l m y s e l f", "kill myself")]
    [InlineData("#killmyself", "kill myself")]
    [InlineData("He keeps saying he wants to kill himself on stream", "kill himself")]
    [InlineData("she said she's been cutting herself again", "cutting herself")]
    public void Match_SelfHarm_FindsTheEntry(string text, string entry)
    {
        var matches = LexiconCatalog.Default.Match("self_harm", text);

        Assert.Contains(entry, matches.Select(m => m.Entry));
    }

    [Theory]
    [InlineData("this stream is killing it, great pulls")]
    [InlineData("the shipping label is wrong")]
    [InlineData("I'll die of laughter if this is a 1st edition")]
    [InlineData("my skill myself improved")]
    public void Match_SelfHarmOnOrdinaryText_FindsNothing(string text)
    {
        Assert.Empty(LexiconCatalog.Default.Match("self_harm", text));
    }

    [Theory]
    [InlineData("pay me on zelle and skip the fees", "zelle")]
    [InlineData("there was a payment error, send again", "payment error")]
    [InlineData("you won the giveaway! just pay shipping to get it", "just pay shipping")]
    [InlineData("text me at +1 (555) 010-0199", "/\\+?\\(?\\d{3}\\)?[\\s.-]?\\d{3}[\\s.-]?\\d{4}\\b/")]
    [InlineData("add me on insta, @cardking_22", "add me on")]
    [InlineData("my ig is @cardking_22", "/\\b(ig|insta|instagram|snap|snapchat|telegram|tg|kik|discord|tiktok)\\s*(:|is|at)?\\s*@[a-z0-9_.]{2,}/")]
    [InlineData("write to deals@example.com", "/[a-z0-9._%+-]+@[a-z0-9-]+\\.[a-z]{2,}/")]
    public void Match_Scam_FindsPhrasesAndContactDetails(string text, string entry)
    {
        var matches = LexiconCatalog.Default.Match("scam", text);

        Assert.Contains(entry, matches.Select(m => m.Entry));
    }

    [Fact]
    public void Match_Pattern_ReportsTheTextItMatched()
    {
        var match = LexiconCatalog.Default.Match("scam", "call 555-010-0199 tonight").Single(m => m.Entry.StartsWith('/'));

        Assert.Equal("555-010-0199", match.Written);
    }

    [Fact]
    public void Match_Threats_FindsAThreatButNotEverydayKill()
    {
        Assert.Contains("i know where you live", LexiconCatalog.Default.Match("threats", "I KNOW where you live, seller").Select(m => m.Entry));
        Assert.Empty(LexiconCatalog.Default.Match("threats", "these prices kill me"));
    }

    [Fact]
    public void Match_Hate_FindsPlaceholderEntries()
    {
        Assert.NotEmpty(LexiconCatalog.Default.Match("hate", "go back to your country"));
        Assert.NotEmpty(LexiconCatalog.Default.Match("hate", "14 88"));
    }

    [Fact]
    public void Load_OperatorLexicon_MatchesPrefixesSuffixesAndWholeWords()
    {
        var catalog = LexiconCatalog.Load([("custom", "# mine\nfoo*\n*bar\nexact word\n")]);

        Assert.Contains("foo*", catalog.Match("custom", "FOOBAR!").Select(m => m.Entry));
        Assert.Contains("*bar", catalog.Match("custom", "crowbar").Select(m => m.Entry));
        Assert.Empty(catalog.Match("custom", "exact wordsmith"));
        Assert.Single(catalog.Match("custom", "an EXACT   word."));
    }

    [Fact]
    public void Load_EntryWithoutLetters_NamesTheLine()
    {
        var exception = Assert.Throws<LexiconFormatException>(() => LexiconCatalog.Load([("digits", "ok\n1234\n")]));

        Assert.Equal("lexicon \"digits\", line 2: \"1234\" has no letters left once normalised", exception.Message);
    }

    [Fact]
    public void LoadDirectory_TxtFiles_AreLexiconsNamedAfterTheFile()
    {
        var directory = Directory.CreateTempSubdirectory("lexicons");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "scam.txt"), "wire me\n");

            var catalog = LexiconCatalog.LoadDirectory(directory.FullName);

            Assert.Equal(["scam"], catalog.Names);
            Assert.Single(catalog.Match("scam", "please w1re me"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void MatchAll_TextHittingTwoLexicons_ReturnsBoth()
    {
        var matches = LexiconCatalog.Default.MatchAll("pay me on venmo or I know where you live");

        Assert.Equal(["scam", "threats"], matches.Keys.Order());
        Assert.Equal("venmo", Assert.Single(matches["scam"]).Entry);
    }

    [Fact]
    public void Default_ShipsTheFourLexicons()
    {
        Assert.Equal(["self_harm", "threats", "scam", "hate"], LexiconCatalog.Default.Names);
    }

    [Theory]
    [InlineData("pay me on venmo or I know where you live")]
    [InlineData("I want to k i l l myself, nobody would care")]
    [InlineData("Item arrived fine, thanks")]
    [InlineData("")]
    public void Scan_FindsWhatMatchFindsInEveryLexicon(string text)
    {
        var catalog = LexiconCatalog.Default;

        var scan = catalog.Scan(text);

        Assert.Same(catalog, scan.Catalog);
        for (var i = 0; i < catalog.Names.Count; i++)
        {
            Assert.Equal(catalog.Match(catalog.Names[i], text).Select(m => (m.Entry, m.Written)), (scan.Matches[i] ?? []).Select(m => (m.Entry, m.Written)));
        }
    }
}
