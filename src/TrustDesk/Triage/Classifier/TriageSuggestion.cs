using TrustDesk.Taxonomy;

namespace TrustDesk.Triage.Classifier;

/// <summary>
/// What the classifier suggests for a text: a category (null: nothing to file, e.g. a question or collectors' hyperbole)
/// with the severity it maps to, how confident it is, the probability that the text is a crisis (the sum over the S1
/// categories), and the text's language. Rules read it as <c>suggested.category</c>, <c>suggested.confidence</c>,
/// <c>suggested.severity</c>, <c>suggested.crisis</c> and <c>language</c>.
/// </summary>
/// <param name="Category">The suggested taxonomy code, or null.</param>
/// <param name="Severity">The category's severity (S1 when the crisis score passed the threshold).</param>
/// <param name="Confidence">Probability of the suggestion (0–1); for a crisis, the crisis score.</param>
/// <param name="Crisis">The crisis head's probability that the text is a crisis (0–1).</param>
/// <param name="IsCrisis">The crisis probability passed the model's calibrated threshold (raised by an idiom) and the text carried crisis evidence.</param>
/// <param name="IdiomGuarded">The text holds an idiom that sounds violent or desperate, so the crisis threshold was raised.</param>
/// <param name="Language">ISO 639-1 code of the detected language, or null.</param>
/// <param name="ModelVersion">The version of the model that suggested it.</param>
public sealed record TriageSuggestion(
    string? Category, Severity? Severity, double Confidence, double Crisis, bool IsCrisis, bool IdiomGuarded, string? Language, int ModelVersion)
{
    public static TriageSuggestion None { get; } = new(null, null, 0, 0, false, false, null, 0);

    /// <summary>For a crisis: the known crisis n-grams of the text that made it one (<see cref="TriageModel.CrisisNgrams"/>).</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];
}
