using Microsoft.Extensions.Options;
using TrustDesk.Data;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// The classifier models in force: the active one (the data directory's promoted model, else the one shipped in the
/// executable) and, when there is one, a candidate running in shadow (its suggestions are recorded as shadow hits and
/// change nothing). Loaded once, at start-up; <see cref="Reload"/> after <c>trustdesk triage promote</c>.
/// </summary>
public sealed class ClassifierModels
{
    public const string ResourceName = "TrustDesk.Triage.Classifier.triage.model";
    public const string ActiveFile = "triage.model";
    public const string ShadowFile = "triage.shadow.model";

    private static readonly Lazy<TriageModel> LazyShipped = new(LoadShipped);
    private readonly string? _directory;
    private volatile State _state;

    private sealed record State(TriageModel Active, TriageModel? Shadow);

    public ClassifierModels(IOptions<TrustDeskOptions> options)
        : this(Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "models"))
    {
    }

    public ClassifierModels(string? directory)
    {
        _directory = directory;
        _state = Read();
    }

    /// <summary>The model built into the executable (<c>src/TrustDesk/Triage/Classifier/triage.model</c>).</summary>
    public static TriageModel Shipped => LazyShipped.Value;

    public TriageModel Active => _state.Active;

    public TriageModel? Shadow => _state.Shadow;

    /// <summary>Where promoted and shadow models live: <c>{DataDirectory}/models</c>.</summary>
    public string? Directory => _directory;

    public void Reload() => _state = Read();

    private State Read()
    {
        if (_directory is null)
        {
            return new State(Shipped, null);
        }

        return new State(LoadOrNull(Path.Combine(_directory, ActiveFile)) ?? Shipped, LoadOrNull(Path.Combine(_directory, ShadowFile)));
    }

    /// <summary>A promoted or shadow model; one of an older format (trained before the crisis head) is not run: the shipped one is.</summary>
    private static TriageModel? LoadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? TriageModel.LoadFrom(path) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static TriageModel LoadShipped()
    {
        using var stream = typeof(ClassifierModels).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The executable has no {ResourceName}: build it from the repository, where the model file is.");
        return TriageModel.Load(stream);
    }
}
