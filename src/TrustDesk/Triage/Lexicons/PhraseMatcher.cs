namespace TrustDesk.Triage.Lexicons;

/// <summary>
/// Aho–Corasick automaton over normalised text (a–z and space), built once: one pass over a text finds every phrase
/// of every lexicon, whatever their number. Transitions are a dense table, so a step is one array read.
/// </summary>
internal sealed class PhraseMatcher
{
    private const int Alphabet = 27; // a–z, then space

    private readonly int[] _next;
    private readonly int[][] _outputs;
    private readonly int[] _lengths;

    /// <param name="patterns">Normalised patterns over a–z and space.</param>
    public PhraseMatcher(IReadOnlyList<string> patterns)
    {
        _lengths = patterns.Select(p => p.Length).ToArray();
        var transitions = new List<int[]> { NewState() };
        var own = new List<List<int>> { new() };
        for (var p = 0; p < patterns.Count; p++)
        {
            var state = 0;
            foreach (var c in patterns[p])
            {
                var symbol = Symbol(c);
                if (transitions[state][symbol] < 0)
                {
                    transitions[state][symbol] = transitions.Count;
                    transitions.Add(NewState());
                    own.Add([]);
                }

                state = transitions[state][symbol];
            }

            own[state].Add(p);
        }

        // Breadth-first: each state's failure is the longest proper suffix that is also a prefix; missing transitions
        // borrow the failure state's, which turns the trie into a deterministic automaton.
        var count = transitions.Count;
        _next = new int[count * Alphabet];
        var failure = new int[count];
        var outputs = new List<int>[count];
        outputs[0] = [.. own[0]];
        var queue = new Queue<int>();
        for (var s = 0; s < Alphabet; s++)
        {
            var child = transitions[0][s];
            if (child < 0)
            {
                _next[s] = 0;
            }
            else
            {
                _next[s] = child;
                failure[child] = 0;
                queue.Enqueue(child);
            }
        }

        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            outputs[state] = [.. own[state], .. outputs[failure[state]] ?? []];
            for (var s = 0; s < Alphabet; s++)
            {
                var child = transitions[state][s];
                if (child < 0)
                {
                    _next[(state * Alphabet) + s] = _next[(failure[state] * Alphabet) + s];
                }
                else
                {
                    _next[(state * Alphabet) + s] = child;
                    failure[child] = _next[(failure[state] * Alphabet) + s];
                    queue.Enqueue(child);
                }
            }
        }

        _outputs = outputs.Select(o => o is null || o.Count == 0 ? [] : o.ToArray()).ToArray();
    }

    public int StateCount => _outputs.Length;

    public int PatternLength(int pattern) => _lengths[pattern];

    /// <summary>Calls <paramref name="onMatch"/> with (pattern, start) for every occurrence in <paramref name="text"/>.</summary>
    public void FindAll(string text, Action<int, int> onMatch)
    {
        var state = 0;
        for (var i = 0; i < text.Length; i++)
        {
            state = _next[(state * Alphabet) + Symbol(text[i])];
            var found = _outputs[state];
            for (var k = 0; k < found.Length; k++)
            {
                onMatch(found[k], i - _lengths[found[k]] + 1);
            }
        }
    }

    private static int Symbol(char c) => c is >= 'a' and <= 'z' ? c - 'a' : Alphabet - 1;

    private static int[] NewState()
    {
        var state = new int[Alphabet];
        Array.Fill(state, -1);
        return state;
    }
}
