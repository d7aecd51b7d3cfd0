using System.Text.Json.Serialization;
using TrustDesk.Subjects;
using TrustDesk.Web;

namespace TrustDesk.Cases;

[JsonConverter(typeof(SnakeCaseEnumConverter<SubjectRole>))]
public enum SubjectRole
{
    Reported,
    Reporter,
    Involved,
}

/// <summary>A platform object a case is about, and in which role.</summary>
public sealed class CaseSubject
{
    private CaseSubject()
    {
    }

    internal CaseSubject(Guid subjectId, SubjectRole role)
    {
        SubjectId = subjectId;
        Role = role;
    }

    public long CaseId { get; private set; }
    public Guid SubjectId { get; private set; }
    public SubjectRole Role { get; private set; }
    public Subject? Subject { get; private set; }
}
