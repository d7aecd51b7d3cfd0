namespace TrustDesk.Triage.Language;

internal enum SignalKind
{
    Count,
    Rate,
    Distinct,
}

/// <summary>
/// One question to <see cref="ISignalSource"/>. Rules that ask the same question share the slot, so it is asked once
/// per evaluation however many rules use it.
/// </summary>
/// <param name="Type">The event type (count, rate) or identifier type (distinct).</param>
/// <param name="CountRole">The role passed to <see cref="ISignalSource.Count"/>.</param>
/// <param name="BaseType">The denominator's event type of a rate.</param>
internal sealed record SignalSlot(SignalKind Kind, string Type, int Role, string? CountRole, TimeSpan Window, string? BaseType);

/// <summary>One question to <see cref="ILinkedAccounts"/>; <see cref="To"/> is -1 for "any banned account".</summary>
internal sealed record LinkSlot(int From, int To, int Hops);

/// <summary>The signal and link questions of a whole pack, numbered.</summary>
internal sealed class SlotTable
{
    private readonly Dictionary<SignalSlot, int> _signalIndex = [];
    private readonly Dictionary<LinkSlot, int> _linkIndex = [];
    private readonly Dictionary<string, int> _dataIndex = new(StringComparer.Ordinal);

    public List<SignalSlot> Signals { get; } = [];
    public List<LinkSlot> Links { get; } = [];

    /// <summary>Paths of the event fields rules read (<c>event.data.a.b</c> is ["a", "b"]), each looked up once per item.</summary>
    public List<string[]> DataPaths { get; } = [];

    public int Data(string[] path)
    {
        var key = string.Join('.', path);
        if (!_dataIndex.TryGetValue(key, out var index))
        {
            index = DataPaths.Count;
            DataPaths.Add(path);
            _dataIndex[key] = index;
        }

        return index;
    }

    public int Signal(SignalSlot slot)
    {
        if (!_signalIndex.TryGetValue(slot, out var index))
        {
            index = Signals.Count;
            Signals.Add(slot);
            _signalIndex[slot] = index;
        }

        return index;
    }

    public int Link(LinkSlot slot)
    {
        if (!_linkIndex.TryGetValue(slot, out var index))
        {
            index = Links.Count;
            Links.Add(slot);
            _linkIndex[slot] = index;
        }

        return index;
    }
}
