namespace TrustDesk.Api;

/// <summary>
/// A change a domain object refuses (an illegal status transition, say): any feature's aggregate throws one, and the API
/// answers 409 with the field and the reason instead of a server error.
/// </summary>
public class DomainRuleException(string field, string message, string title) : Exception(message)
{
    public string Field { get; } = field;

    /// <summary>The problem document's title, e.g. "The case does not allow this change."</summary>
    public string Title { get; } = title;
}
