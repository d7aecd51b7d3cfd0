namespace TrustDesk.Data;

/// <summary>
/// Marks a text property that search reads: on PostgreSQL it gets a GIN <c>tsvector</c> expression index under
/// <paramref name="indexName"/>; on SQLite the FTS5 index covers it. Features mark their columns; Data builds the
/// provider's index, so no feature carries provider-specific mapping.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FullTextSearchedAttribute(string indexName) : Attribute
{
    public string IndexName { get; } = indexName;
}
