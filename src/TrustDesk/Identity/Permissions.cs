using System.Collections.Frozen;
using System.Security.Claims;

namespace TrustDesk.Identity;

/// <summary>
/// The one place that says who may do what. Roles (people) and scopes (platform API keys) both map to named
/// permissions; endpoints require permissions, never roles. Per-record rules (department, restricted categories) are in
/// <see cref="Cases.CaseAccess"/> and read the permissions below.
/// </summary>
public static class Permissions
{
    public const string CasesRead = "cases.read";
    public const string CasesUpdate = "cases.update";
    public const string CasesComment = "cases.comment";
    public const string CasesEscalate = "cases.escalate";

    /// <summary>See cases of restricted categories (minors' safety, law-enforcement requests).</summary>
    public const string CasesRestricted = "cases.restricted";

    /// <summary>See every case, not only those escalated to the caller's department.</summary>
    public const string CasesAllDepartments = "cases.all_departments";
    public const string SubjectsRead = "subjects.read";
    public const string SubjectsWrite = "subjects.write";
    public const string EventsWrite = "events.write";
    public const string ReportsWrite = "reports.write";
    public const string TaxonomyRead = "taxonomy.read";

    /// <summary>Create and edit queues, and the taxonomy's category labels and descriptions.</summary>
    public const string TaxonomyManage = "taxonomy.manage";

    /// <summary>Ask for one record's personal data in clear, with a reason that is audited.</summary>
    public const string PersonalDataReveal = "personal_data.reveal";

    /// <summary>Read personal data unmasked without a per-read reveal: only platform keys with the <c>pii:read</c> scope.</summary>
    public const string PersonalDataRead = "personal_data.read";
    public const string AuditRead = "audit.read";
    public const string UsersManage = "users.manage";
    public const string ApiKeysManage = "api_keys.manage";

    /// <summary>Create personal access tokens for scripting the API.</summary>
    public const string TokensManage = "tokens.manage";

    /// <summary>Hand raw email to the inbound pipeline (relays and email services).</summary>
    public const string EmailWrite = "email.write";

    /// <summary>Read the triage rules and back-test them.</summary>
    public const string RulesRead = "rules.read";

    /// <summary>Write rules and move them between draft, shadow and active.</summary>
    public const string RulesManage = "rules.manage";

    /// <summary>Write and delete the reply macros every agent uses.</summary>
    public const string MacrosManage = "macros.manage";

    /// <summary>Read actions, their statements of reasons, strikes and standing (per record, as their case).</summary>
    public const string ActionsRead = "actions.read";

    /// <summary>Take enforcement actions on a case (warn, remove a listing, end a stream, restrict).</summary>
    public const string ActionsTake = "actions.take";

    /// <summary>Propose the severe actions (suspend, ban, payout holds, refunds), which still need a second person's approval.</summary>
    public const string ActionsTakeSevere = "actions.take_severe";

    /// <summary>Approve or reject another person's proposed action (four eyes), with sight of its evidence.</summary>
    public const string ActionsApprove = "actions.approve";

    /// <summary>The platform confirms that it executed (or failed) an action, and forwards users' appeals.</summary>
    public const string ActionsConfirm = "actions.confirm";

    /// <summary>Decide appeals against actions the caller took no part in.</summary>
    public const string AppealsDecide = "appeals.decide";

    /// <summary>Register webhook endpoints, rotate their secrets, replay dead letters.</summary>
    public const string WebhooksManage = "webhooks.manage";

    /// <summary>Read the desk's figures (dashboards, the metrics API, the Prometheus endpoint): aggregates, no case content.</summary>
    public const string MetricsRead = "metrics.read";

    /// <summary>Read teams, shifts, who is on and the routing of queues.</summary>
    public const string ShiftsRead = "shifts.read";

    /// <summary>Change teams, shifts, schedule exceptions and the routing of queues.</summary>
    public const string ShiftsManage = "shifts.manage";

    public const string PolicyPrefix = "permission:";

    /// <summary>Policy for the caller's own account (sign-out, MFA enrolment): any signed-in person, even before MFA.</summary>
    public const string SignedInPolicy = "signed-in";

    /// <summary>Policy for changing one's own credentials (password, MFA): a console session, never a script token.</summary>
    public const string ConsoleSessionPolicy = "console-session";

    public const string RoleClaim = "td_role";
    public const string DepartmentClaim = "td_department";

    /// <summary><c>done</c> when the session passed MFA or does not need it; <c>enrolment_required</c> otherwise.</summary>
    public const string MfaClaim = "td_mfa";
    public const string AuthMethodClaim = "td_auth";
    public const string SessionClaim = "td_session";

    public static readonly string[] All =
    [
        CasesRead, CasesUpdate, CasesComment, CasesEscalate, CasesRestricted, CasesAllDepartments, SubjectsRead, SubjectsWrite,
        EventsWrite, ReportsWrite, TaxonomyRead, TaxonomyManage, PersonalDataReveal, PersonalDataRead, AuditRead, UsersManage, ApiKeysManage, TokensManage,
        RulesRead, RulesManage, EmailWrite, MacrosManage, ActionsRead, ActionsTake, ActionsTakeSevere, ActionsApprove, ActionsConfirm, AppealsDecide,
        WebhooksManage, MetricsRead, ShiftsRead, ShiftsManage,
    ];

    private static readonly string[] AgentPermissions =
        [CasesRead, CasesUpdate, CasesComment, CasesEscalate, CasesAllDepartments, SubjectsRead, TaxonomyRead, PersonalDataReveal, TokensManage, RulesRead, ShiftsRead];

    /// <summary>Role to permissions. Admin manages the system and reads the audit trail but does not work cases (separation of duties).</summary>
    public static readonly FrozenDictionary<UserRole, FrozenSet<string>> ByRole = new Dictionary<UserRole, FrozenSet<string>>
    {
        [UserRole.Agent] = AgentPermissions.Concat([ActionsRead, ActionsTake]).ToFrozenSet(),
        [UserRole.Specialist] = AgentPermissions.Concat([CasesRestricted, ActionsRead, ActionsTake, ActionsTakeSevere, AppealsDecide]).ToFrozenSet(),
        [UserRole.Lead] = AgentPermissions.Concat([CasesRestricted, RulesManage, MacrosManage, TaxonomyManage, ActionsRead, ActionsTake, ActionsTakeSevere, ActionsApprove, AppealsDecide, MetricsRead, ShiftsManage]).ToFrozenSet(),
        [UserRole.DepartmentMember] = new[] { CasesRead, CasesComment, TaxonomyRead, TokensManage }.ToFrozenSet(),
        [UserRole.Auditor] = new[] { CasesRead, CasesRestricted, CasesAllDepartments, SubjectsRead, TaxonomyRead, AuditRead, TokensManage, RulesRead, ActionsRead, ShiftsRead }.ToFrozenSet(),
        // Admin approves severe actions (the second pair of eyes) and manages webhooks, still without working cases.
        [UserRole.Admin] = new[] { UsersManage, ApiKeysManage, AuditRead, TaxonomyRead, TaxonomyManage, TokensManage, MacrosManage, ActionsRead, ActionsApprove, WebhooksManage, MetricsRead }.ToFrozenSet(),
    }.ToFrozenDictionary();

    /// <summary>
    /// Platform API key scopes to permissions. A machine key sees every department's cases, but restricted categories
    /// only with <c>cases:restricted</c>, and personal data in clear only with <c>pii:read</c>.
    /// </summary>
    public static readonly FrozenDictionary<string, FrozenSet<string>> ByScope = new Dictionary<string, FrozenSet<string>>
    {
        [Scopes.SubjectsWrite] = new[] { SubjectsWrite }.ToFrozenSet(),
        [Scopes.EventsWrite] = new[] { EventsWrite }.ToFrozenSet(),
        [Scopes.ReportsWrite] = new[] { ReportsWrite }.ToFrozenSet(),
        [Scopes.CasesRead] = new[] { CasesRead, CasesAllDepartments, SubjectsRead, TaxonomyRead }.ToFrozenSet(),
        [Scopes.CasesWrite] = new[] { CasesUpdate, CasesComment, CasesEscalate }.ToFrozenSet(),
        [Scopes.CasesRestricted] = new[] { CasesRestricted }.ToFrozenSet(),
        [Scopes.PersonalDataRead] = new[] { PersonalDataRead }.ToFrozenSet(),
        [Scopes.RulesRead] = new[] { RulesRead }.ToFrozenSet(),
        [Scopes.RulesWrite] = new[] { RulesRead, RulesManage }.ToFrozenSet(),
        [Scopes.EmailWrite] = new[] { EmailWrite }.ToFrozenSet(),
        [Scopes.ActionsWrite] = new[] { ActionsRead, ActionsConfirm }.ToFrozenSet(),
        [Scopes.MetricsRead] = new[] { MetricsRead }.ToFrozenSet(),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Lead and Admin must use TOTP whatever the settings say.</summary>
    public static bool RoleRequiresMfa(UserRole role) => role is UserRole.Lead or UserRole.Admin;

    public static string Policy(string permission) => PolicyPrefix + permission;

    /// <summary>What the caller may do. A person still owing MFA enrolment may do nothing but enrol.</summary>
    public static IReadOnlySet<string> Of(ClaimsPrincipal caller)
    {
        if (caller.Identity?.IsAuthenticated != true)
        {
            return FrozenSet<string>.Empty;
        }

        if (caller.FindFirstValue("actor_type") == "user")
        {
            if (caller.FindFirstValue(MfaClaim) != "done" || RoleOf(caller) is not { } role)
            {
                return FrozenSet<string>.Empty;
            }

            var permissions = ByRole[role];
            if (caller.FindFirstValue(AuthMethodClaim) == "token")
            {
                // A leaked script token must not be able to mint users, keys or more tokens.
                return permissions.Where(p => p is not (UsersManage or ApiKeysManage or TokensManage)).ToFrozenSet();
            }

            return permissions;
        }

        return caller.FindAll(Scopes.ClaimType)
            .SelectMany(c => ByScope.TryGetValue(c.Value, out var granted) ? granted : FrozenSet<string>.Empty)
            .ToFrozenSet();
    }

    public static bool Has(this ClaimsPrincipal caller, string permission) => Of(caller).Contains(permission);

    public static UserRole? RoleOf(ClaimsPrincipal caller) =>
        Enum.TryParse<UserRole>(caller.FindFirstValue(RoleClaim), out var role) ? role : null;

    public static string? DepartmentOf(ClaimsPrincipal caller) => caller.FindFirstValue(DepartmentClaim);

    public static Guid? UserIdOf(ClaimsPrincipal caller) =>
        caller.FindFirstValue("actor_type") == "user" && Guid.TryParse(caller.FindFirstValue(Api.Caller.ClientIdClaim), out var id) ? id : null;
}
