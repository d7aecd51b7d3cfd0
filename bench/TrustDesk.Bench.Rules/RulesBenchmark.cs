using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using TrustDesk.Triage;

namespace TrustDesk.Bench.Rules;

/// <summary>
/// Triage of one item with 200 rules on its trigger: the default pack's rules plus generated ones, compiled by
/// TrustDesk versus the same rules as JavaScript run by Jint. Two items: a report (text, lexicons, report counts)
/// and an order event (event fields, order counts, linked accounts).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RulesBenchmark : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 20, 0, 0, TimeSpan.Zero);

    private CompiledRulePack _pack = null!;
    private JintRules _jintReport = null!;
    private JintRules _jintOrder = null!;
    private TriageInput _report = null!;
    private TriageInput _order = null!;
    private BenchContext _context = null!;

    /// <summary>quiet: a few rules fire per item, as in production; busy: about a third do.</summary>
    [Params("quiet", "busy")]
    public string History { get; set; } = "quiet";

    [GlobalSetup]
    public void Setup()
    {
        var defaultPack = DefaultRulePack.Compile();
        var reportDefaults = RulesOn(defaultPack, TriageInput.ReportReceived);
        var orderDefaults = RulesOn(defaultPack, "event.order.placed");
        var reportGenerated = GeneratedRules.Generate(TriageInput.ReportReceived, GeneratedRules.RulesPerTrigger - reportDefaults.Count);
        var orderGenerated = GeneratedRules.Generate("event.order.placed", GeneratedRules.RulesPerTrigger - orderDefaults.Count);

        _pack = RuleCompiler.Compile(DefaultRulePack.Text + GeneratedRules.ToPackText([.. reportGenerated, .. orderGenerated]), "bench.rules").PackOrThrow();
        _jintReport = new JintRules([.. reportDefaults, .. reportGenerated]);
        _jintOrder = new JintRules([.. orderDefaults, .. orderGenerated]);

        var reporter = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "account", "viewer-118")) { CreatedAt = Now.AddDays(-200) };
        var stream = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "livestream", "stream-4411")) { Live = true, CreatedAt = Now.AddHours(-2) };
        _report = TriageInput.ForReport(Now, stream, reporter,
            "The host keeps telling people in chat to pay me on zelle to skip the fees, and says the item is not fake. "
            + "I paid for a refund two weeks ago and the seller never answered; the tracking number has not moved since.",
            "conduct.harassment");

        var seller = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "account", "seller-77")) { CreatedAt = Now.AddDays(-45) };
        var buyer = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "account", "buyer-5")) { CreatedAt = Now.AddDays(-90) };
        var order = new SubjectFacts(new SubjectHandle(Guid.NewGuid(), "order", "order-90210"));
        _order = TriageInput.ForEvent(Now, "order.placed", [new("seller", seller), new("buyer", buyer), new("order", order)],
            JsonDocument.Parse("""{"amount": 620, "currency": "EUR", "items": 3}""").RootElement.Clone());

        _context = History == "busy" ? BenchContext.Busy : BenchContext.Quiet;
        Verify(TriageInput.ReportReceived, _report, _jintReport);
        Verify("event.order.placed", _order, _jintOrder);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _jintReport.Dispose();
        _jintOrder.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "compiled")]
    [BenchmarkCategory("report.received, 200 rules")]
    public int CompiledReport() => _pack.Evaluate(_report, _context).Hits.Count;

    [Benchmark(Description = "Jint")]
    [BenchmarkCategory("report.received, 200 rules")]
    public uint JintReport() => _jintReport.Evaluate(_report, _context).Length;

    [Benchmark(Baseline = true, Description = "compiled")]
    [BenchmarkCategory("event.order.placed, 200 rules")]
    public int CompiledOrder() => _pack.Evaluate(_order, _context).Hits.Count;

    [Benchmark(Description = "Jint")]
    [BenchmarkCategory("event.order.placed, 200 rules")]
    public uint JintOrder() => _jintOrder.Evaluate(_order, _context).Length;

    private static List<BenchRule> RulesOn(CompiledRulePack pack, string trigger) =>
        pack.Rules
            .Where(r => r.State != RuleState.Draft && r.Triggers.Contains(trigger))
            .Select(r => new BenchRule(r.Name, trigger, "", GeneratedRules.DefaultPackRule(r.Name)))
            .ToList();

    /// <summary>Both engines must run 200 rules and fire the same ones, or the comparison means nothing.</summary>
    private void Verify(string trigger, TriageInput input, JintRules jint)
    {
        if (_pack.RuleCount(trigger) != GeneratedRules.RulesPerTrigger || jint.Names.Count != GeneratedRules.RulesPerTrigger)
        {
            throw new InvalidOperationException($"{trigger}: {_pack.RuleCount(trigger)} compiled rules and {jint.Names.Count} JavaScript rules, not {GeneratedRules.RulesPerTrigger}.");
        }

        var compiled = _pack.Evaluate(input, _context).Hits.Select(h => h.Rule).ToList();
        var javascript = jint.Fired(input, _context);
        if (!compiled.SequenceEqual(javascript))
        {
            throw new InvalidOperationException(
                $"{trigger}: the engines disagree.\ncompiled only: {string.Join(", ", compiled.Except(javascript))}\nJint only: {string.Join(", ", javascript.Except(compiled))}");
        }

        Console.WriteLine($"// {History} history, {trigger}: {compiled.Count} of {GeneratedRules.RulesPerTrigger} rules fire in both engines.");
    }
}
