using System.Text;
using Jint;
using Jint.Native;
using TrustDesk.Triage;
using TrustDesk.Triage.Lexicons;

namespace TrustDesk.Bench.Rules;

/// <summary>
/// What a team would do with a JavaScript engine: rules as JavaScript functions, parsed once into one Jint engine,
/// run per item through one call that loops over them. Lookups go to the same context and lexicons through host
/// functions, cached per item like the compiled engine caches them.
/// </summary>
internal sealed class JintRules : IDisposable
{
    private readonly Engine _engine;
    private readonly JsValue _evaluate;

    public JintRules(IReadOnlyList<BenchRule> rules)
    {
        Names = rules.Select(r => r.Name).ToList();
        var script = new StringBuilder("var rules = [\n");
        foreach (var rule in rules)
        {
            script.Append("  function (c, d) { return ").Append(rule.JavaScript).Append("; },\n");
        }

        script.Append("""
            ];
            function evaluate(c) {
              var d = c.DataJson ? JSON.parse(c.DataJson) : null;
              var fired = [];
              for (var i = 0; i < rules.length; i++) {
                if (rules[i](c, d)) fired.push(i);
              }
              return fired;
            }
            """);
        _engine = new Engine(options => options.Strict());
        _engine.Execute(Engine.PrepareScript(script.ToString()));
        _evaluate = _engine.GetValue("evaluate");
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Indices of the rules that fired.</summary>
    public JsArray Evaluate(TriageInput input, ITriageContext context) =>
        _engine.Invoke(_evaluate, new JsHost(input, context)).AsArray();

    public void Dispose() => _engine.Dispose();

    public List<string> Fired(TriageInput input, ITriageContext context)
    {
        var fired = Evaluate(input, context);
        var names = new List<string>();
        for (uint i = 0; i < fired.Length; i++)
        {
            names.Add(Names[(int)fired[i].AsNumber()]);
        }

        return names;
    }
}

/// <summary>The host object the JavaScript rules call (<c>c</c>), one per item.</summary>
public sealed class JsHost(TriageInput input, ITriageContext context)
{
    private readonly Dictionary<string, double> _signals = new(StringComparer.Ordinal);
    private IReadOnlyDictionary<string, IReadOnlyList<LexiconMatch>>? _lexicons;

    public string Text => input.Text;

    public string? Category => input.Category;

    public string? DataJson { get; } = input.EventData is { } data ? data.GetRawText() : null;

    public string SubjectKind => input.Roles["subject"].Handle.Kind;

    public bool SubjectLive => input.Roles["subject"].Live;

    public bool SubjectBanned => input.Roles["subject"].Banned;

    public bool ReporterBanned => input.Roles["reporter"].Banned;

    public bool AuthorIsAgent => input.Roles["author"].IsAgent;

    public double Count(string type, string role, double seconds) =>
        Signal($"c|{type}|{role}|{seconds}", () => context.Count(type, input.Roles[role].Handle, CountRole(type, role), TimeSpan.FromSeconds(seconds)));

    public double Rate(string type, string role, double seconds, string baseType) =>
        Signal($"r|{type}|{role}|{seconds}|{baseType}", () =>
        {
            var denominator = Count(baseType, role, seconds);
            return denominator == 0 ? 0 : Count(type, role, seconds) / denominator;
        });

    public double Distinct(string type, string role, double seconds) =>
        Signal($"d|{type}|{role}|{seconds}", () => context.Distinct(type, input.Roles[role].Handle, TimeSpan.FromSeconds(seconds)));

    public bool Linked(string from, string to, int hops) =>
        input.Roles[from].Handle != input.Roles[to].Handle
        && Signal($"l|{from}|{to}|{hops}", () => context.FindLink(input.Roles[from].Handle, input.Roles[to].Handle, hops) is null ? 0 : 1) == 1;

    public bool LinkedBanned(string role, int hops) =>
        Signal($"b|{role}|{hops}", () => context.FindLinkToBanned(input.Roles[role].Handle, hops) is null ? 0 : 1) == 1;

    public double Age(string role) =>
        input.Roles[role].CreatedAt is { } created ? (input.At - created).TotalSeconds : double.NaN;

    public bool Lexicon(string name) =>
        (_lexicons ??= LexiconCatalog.Default.MatchAll(input.Text)).ContainsKey(name);

    private static string? CountRole(string type, string role) => type == "report"
        ? (role == "reporter" ? "reporter" : "reported")
        : role is "subject" or "author" ? null : role;

    private double Signal(string key, Func<double> ask)
    {
        if (!_signals.TryGetValue(key, out var value))
        {
            value = ask();
            _signals[key] = value;
        }

        return value;
    }
}
