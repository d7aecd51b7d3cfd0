using System.Globalization;
using System.Text;
using TrustDesk.Triage;

namespace TrustDesk.Bench.Rules;

/// <summary>One rule written twice: in the rules language and as the body of a JavaScript function of (c, d).</summary>
internal sealed record BenchRule(string Name, string Trigger, string Condition, string JavaScript);

/// <summary>
/// The rules of the benchmark: the default pack's rules on a trigger, translated by hand, plus rules generated from
/// templates up to <see cref="RulesPerTrigger"/> per trigger. Each template writes the same condition in both languages
/// from the same parameters, so both engines run the same rules; the setup checks they fire on the same ones.
/// </summary>
internal static class GeneratedRules
{
    public const int RulesPerTrigger = 200;

    private static readonly (string Dsl, int Seconds)[] Windows = [("10m", 600), ("1h", 3_600), ("24h", 86_400), ("7d", 604_800)];
    private static readonly string[] LexiconNames = ["self_harm", "threats", "scam", "hate"];
    private static readonly string[] Kinds = ["livestream", "account", "listing"];
    private static readonly string[] Words = ["refund", "counterfeit", "broken", "scratched", "stolen", "resealed"];

    /// <summary>The default pack's rules on the two benchmark triggers, as JavaScript.</summary>
    private static readonly Dictionary<string, string> DefaultPackInJavaScript = new(StringComparer.Ordinal)
    {
        ["self-harm disclosure"] = "c.Lexicon(\"self_harm\") && !c.AuthorIsAgent",
        ["threats of violence"] = "c.Lexicon(\"threats\") && !c.AuthorIsAgent",
        ["mass reports on a live stream"] = "c.SubjectKind === \"livestream\" && c.SubjectLive && c.Count(\"report\", \"subject\", 600) >= 5",
        ["account linked to a banned account"] = "c.SubjectKind === \"account\" && !c.SubjectBanned && c.LinkedBanned(\"subject\", 2)",
        ["off-platform payment or contact details"] = "c.Lexicon(\"scam\") && !c.AuthorIsAgent",
        ["hateful language"] = "c.Lexicon(\"hate\") && !c.AuthorIsAgent",
        ["report flood from one reporter"] = "c.Count(\"report\", \"reporter\", 3600) >= 10",
        ["new seller selling high-value items"] = "c.Age(\"seller\") < 2592000 && d.amount >= 500",
    };

    public static string DefaultPackRule(string name) => DefaultPackInJavaScript[name];

    public static List<BenchRule> Generate(string trigger, int count) =>
        Enumerable.Range(0, count).Select(i => trigger == TriageInput.ReportReceived ? ReportRule(i) : OrderRule(i)).ToList();

    private static BenchRule ReportRule(int i)
    {
        var (w, ws) = Windows[i % Windows.Length];
        var n = 3 + (i * 7 % 10);
        var days = 10 + (i * 13 % 300);
        var name = $"generated report rule {i}";
        return (i % 8) switch
        {
            0 => new(name, TriageInput.ReportReceived,
                $"subject.kind == \"{Kinds[i % 3]}\" and count(\"report\", subject, {w}) >= {n}",
                $"c.SubjectKind === \"{Kinds[i % 3]}\" && c.Count(\"report\", \"subject\", {ws}) >= {n}"),
            1 => new(name, TriageInput.ReportReceived,
                $"text ~ lexicon(\"{LexiconNames[i % 4]}\") and count(\"report\", subject, {w}) >= {n}",
                $"c.Lexicon(\"{LexiconNames[i % 4]}\") && c.Count(\"report\", \"subject\", {ws}) >= {n}"),
            2 => new(name, TriageInput.ReportReceived,
                $"subject.age < {days}d and count(\"report\", reporter, {w}) >= {n}",
                $"c.Age(\"subject\") < {days * 86_400} && c.Count(\"report\", \"reporter\", {ws}) >= {n}"),
            3 => new(name, TriageInput.ReportReceived,
                $"category in [\"order.not_received\", \"conduct.harassment\", \"authenticity.counterfeit\"] and distinct(\"device\", reporter, 30d) >= {2 + (n % 4)}",
                $"[\"order.not_received\", \"conduct.harassment\", \"authenticity.counterfeit\"].indexOf(c.Category) >= 0 && c.Distinct(\"device\", \"reporter\", 2592000) >= {2 + (n % 4)}"),
            4 => new(name, TriageInput.ReportReceived,
                $"linked_banned(reporter, {1 + (i % 4)}) and not reporter.banned and count(\"report\", subject, {w}) >= {n}",
                $"c.LinkedBanned(\"reporter\", {1 + (i % 4)}) && !c.ReporterBanned && c.Count(\"report\", \"subject\", {ws}) >= {n}"),
            5 => new(name, TriageInput.ReportReceived,
                $"contains(text, \"{Words[i % Words.Length]}\") and subject.live or count(\"report\", subject, {w}) > {n} * 2",
                $"(c.Text.toLowerCase().indexOf(\"{Words[i % Words.Length]}\") >= 0 && c.SubjectLive) || c.Count(\"report\", \"subject\", {ws}) > {n} * 2"),
            6 => new(name, TriageInput.ReportReceived,
                $"not author.is_agent and (count(\"report\", subject, {w}) + count(\"report\", subject, 7d)) / 2 >= {n}",
                $"!c.AuthorIsAgent && (c.Count(\"report\", \"subject\", {ws}) + c.Count(\"report\", \"subject\", 604800)) / 2 >= {n}"),
            _ => new(name, TriageInput.ReportReceived,
                $"reporter.age >= {days}d and rate(\"chargeback.opened\", reporter, 30d) > 0.{1 + (i % 9)}",
                $"c.Age(\"reporter\") >= {days * 86_400} && c.Rate(\"chargeback.opened\", \"reporter\", 2592000, \"order.placed\") > 0.{1 + (i % 9)}"),
        };
    }

    private static BenchRule OrderRule(int i)
    {
        var (w, ws) = Windows[i % Windows.Length];
        var n = 3 + (i * 7 % 10);
        var days = 5 + (i * 11 % 60);
        var amount = 100 + (i * 37 % 900);
        var name = $"generated order rule {i}";
        const string Trigger = "event.order.placed";
        return (i % 6) switch
        {
            0 => new(name, Trigger,
                $"seller.age < {days}d and event.data.amount >= {amount}",
                $"c.Age(\"seller\") < {days * 86_400} && d.amount >= {amount}"),
            1 => new(name, Trigger,
                $"count(\"order.placed\", seller, {w}) >= {n} and rate(\"order.cancelled\", seller, 30d) > 0.{1 + (i % 9)}",
                $"c.Count(\"order.placed\", \"seller\", {ws}) >= {n} && c.Rate(\"order.cancelled\", \"seller\", 2592000, \"order.placed\") > 0.{1 + (i % 9)}"),
            2 => new(name, Trigger,
                $"linked(buyer, seller, {1 + (i % 4)}) and event.data.amount > {amount}",
                $"c.Linked(\"buyer\", \"seller\", {1 + (i % 4)}) && d.amount > {amount}"),
            3 => new(name, Trigger,
                $"count(\"chargeback.opened\", buyer, {w}) >= {n} or distinct(\"payment_fingerprint\", buyer, 30d) >= {2 + (n % 3)}",
                $"c.Count(\"chargeback.opened\", \"buyer\", {ws}) >= {n} || c.Distinct(\"payment_fingerprint\", \"buyer\", 2592000) >= {2 + (n % 3)}"),
            4 => new(name, Trigger,
                $"buyer.age < {days}d and seller.age < {days + 30}d and event.data.amount * {1 + (i % 3)} > {amount}",
                $"c.Age(\"buyer\") < {days * 86_400} && c.Age(\"seller\") < {(days + 30) * 86_400} && d.amount * {1 + (i % 3)} > {amount}"),
            _ => new(name, Trigger,
                $"event.data.currency in [\"EUR\", \"GBP\", \"USD\"] and count(\"order.placed\", buyer, {w}) >= {n}",
                $"[\"EUR\", \"GBP\", \"USD\"].indexOf(d.currency) >= 0 && c.Count(\"order.placed\", \"buyer\", {ws}) >= {n}"),
        };
    }

    /// <summary>The rules as a pack file.</summary>
    public static string ToPackText(IEnumerable<BenchRule> rules)
    {
        var text = new StringBuilder();
        foreach (var rule in rules)
        {
            text.Append(CultureInfo.InvariantCulture, $"""

                - name: {rule.Name}
                  on: {rule.Trigger}
                  when: {rule.Condition}
                  then: [tag generated]

                """);
        }

        return text.ToString();
    }
}
