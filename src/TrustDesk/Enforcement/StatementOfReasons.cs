using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Data;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;

namespace TrustDesk.Enforcement;

public sealed record StatementDecision(string Kind, string Title, string Scope, int? DurationDays, DateTime? StartsAt, DateTime? EndsAt, string Status);

public sealed record StatementGround(string Policy, string Title, string Explanation);

public sealed record StatementRedress(string Appeal, string? AppealUrl, DateTime? AppealDeadline, string[] Other);

/// <summary>The statement of reasons of DSA Art. 17, and its export in the Transparency Database's API shape.</summary>
public sealed record StatementView(
    Guid ActionId,
    StatementDecision Decision,
    string Facts,
    string GroundType,
    StatementGround Ground,
    bool AutomatedDetection,
    bool AutomatedDecision,
    StatementRedress Redress,
    DateTime? IssuedAt,
    IReadOnlyDictionary<string, object?> TransparencyDatabase);

/// <summary>
/// Builds the statement of reasons of an action from what was recorded (the action, its policy, the case), its signed
/// appeal link, and the email text sent to the user. Nothing here is stored: the action is the record.
/// </summary>
public sealed class StatementOfReasons(TrustDeskDb db, CategoryCatalog catalog, TimeProvider time, IOptions<EnforcementOptions> options, IServiceScopeFactory scopes)
{
    public async Task<StatementView> BuildAsync(EnforcementAction action, CancellationToken cancellationToken)
    {
        var categories = (await catalog.GetAsync(cancellationToken)).Categories;
        var title = categories.TryGetValue(action.Policy, out var category) ? category.Title : action.Policy;
        var definition = action.Definition;
        var issuedAt = action.DecidedAt ?? action.ProposedAt;
        var deadline = issuedAt.AddDays(options.Value.AppealWindowDays);
        var link = await AppealUrlAsync(action, deadline, cancellationToken);
        var scope = definition.Kind switch
        {
            "remove_listing" => $"The listing {action.SubjectExternalId}",
            "end_livestream" => $"The livestream {action.SubjectExternalId}",
            "cancel_order" or "refund_order" => $"The order {action.SubjectExternalId}",
            "hold_payouts" => action.Amount is { } amount ? $"Payouts of the account {action.SubjectExternalId}, up to {amount} (minor units)" : $"All payouts of the account {action.SubjectExternalId}",
            _ => $"The account {action.SubjectExternalId}",
        };
        var decision = new StatementDecision(definition.Kind, definition.Title, scope, action.DurationDays, action.DecidedAt, action.EndsAt, action.Status);
        // Every policy of the taxonomy is a term of service; illegal content is the platform's own assessment, not ours.
        var ground = new StatementGround(action.Policy, title, $"The {title.ToLowerInvariant()} policy of {options.Value.PlatformName}'s terms of service.");
        var redress = new StatementRedress(
            "Appeal through the internal complaint-handling system (link below) until the deadline; a person who took no part in this decision reviews it.",
            link, deadline,
            ["Out-of-court dispute settlement under Art. 21 DSA", "Judicial redress before the courts"]);
        var export = TransparencyDatabase(action, title, deadline);
        return new StatementView(action.Id, decision, action.Reason, "TOS", ground, action.AutomatedDetection, AutomatedDecision: false, redress,
            action.DecidedAt, export);
    }

    /// <summary>The fields of the DSA Transparency Database's statement API (its names and enumerations).</summary>
    private static Dictionary<string, object?> TransparencyDatabase(EnforcementAction action, string title, DateTime deadline)
    {
        var kind = action.Kind;
        string? visibility = kind is "remove_listing" ? "DECISION_VISIBILITY_CONTENT_REMOVED" : kind is "end_livestream" ? "DECISION_VISIBILITY_CONTENT_DISABLED" : null;
        string? monetary = kind is "hold_payouts" ? "DECISION_MONETARY_SUSPENSION" : null;
        string? provision = kind switch
        {
            "restrict_selling" or "restrict_buying" => "DECISION_PROVISION_PARTIAL_SUSPENSION",
            "require_verification" => "DECISION_PROVISION_PARTIAL_SUSPENSION",
            _ => null,
        };
        string? account = kind switch { "suspend_account" => "DECISION_ACCOUNT_SUSPENDED", "ban_account" => "DECISION_ACCOUNT_TERMINATED", _ => null };
        return new Dictionary<string, object?>
        {
            ["decision_visibility"] = visibility is null ? Array.Empty<string>() : new[] { visibility },
            ["decision_monetary"] = monetary,
            ["decision_provision"] = provision,
            ["decision_account"] = account,
            ["account_type"] = action.SubjectKind == SubjectKind.Account ? "ACCOUNT_TYPE_BUSINESS" : null,
            ["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT",
            ["incompatible_content_ground"] = action.Policy,
            ["incompatible_content_explanation"] = title,
            ["content_type"] = new[] { action.SubjectKind switch { SubjectKind.Listing => "CONTENT_TYPE_PRODUCT", SubjectKind.Livestream => "CONTENT_TYPE_VIDEO", _ => "CONTENT_TYPE_OTHER" } },
            ["category"] = Category(action.Policy),
            ["decision_facts"] = action.Reason,
            ["automated_detection"] = action.AutomatedDetection ? "Yes" : "No",
            ["automated_decision"] = "AUTOMATED_DECISION_NOT_AUTOMATED",
            ["source_type"] = action.AutomatedDetection ? "SOURCE_VOLUNTARY" : "SOURCE_ARTICLE_16",
            ["application_date"] = (action.DecidedAt ?? action.ProposedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["end_date_account_restriction"] = action.EndsAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["territorial_scope"] = Array.Empty<string>(),
            ["puid"] = action.Id.ToString("N"),
            ["appeal_deadline"] = deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
    }

    private static string Category(string policy) => StrikePolicy.FamilyOf(policy) switch
    {
        "payments" or "auction" => "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "authenticity" => "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "conduct" => "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH",
        "safety" => "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "order" => "STATEMENT_CATEGORY_CONSUMER_INFORMATION",
        _ => "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE",
    };

    /// <summary>The signed link to appeal this action, valid until <paramref name="deadline"/>; null for actions that are not appealable.</summary>
    public async Task<string?> AppealUrlAsync(EnforcementAction action, DateTime deadline, CancellationToken cancellationToken)
    {
        if (!action.Definition.Restriction)
        {
            return null;
        }

        var expires = new DateTimeOffset(DateTime.SpecifyKind(deadline, DateTimeKind.Utc)).ToUnixTimeSeconds();
        var key = await KeyAsync(cancellationToken);
        return $"{options.Value.PublicBaseUrl.TrimEnd('/')}/appeal?action={action.Id:N}&expires={expires}&signature={AppealLinks.Sign(key, action.Id, expires)}";
    }

    /// <summary>The appeal link key, made on first use (two nodes racing: the second finds the first's).</summary>
    public async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        var key = await db.AppealLinkKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == AppealLinkKey.SingletonId, cancellationToken);
        if (key is null)
        {
            await using var scope = scopes.CreateAsyncScope();
            var own = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
            own.AppealLinkKeys.Add(new AppealLinkKey(time.GetUtcNow().UtcDateTime));
            try
            {
                await own.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Made meanwhile by another request or node.
            }

            key = await db.AppealLinkKeys.AsNoTracking().FirstAsync(k => k.Id == AppealLinkKey.SingletonId, cancellationToken);
        }

        return Convert.FromBase64String(key.Key);
    }

    /// <summary>The email the affected user gets: the statement in words, with the appeal link.</summary>
    public static string EmailText(StatementView s, string platformName)
    {
        var text = new StringBuilder();
        text.AppendLine("Hello,").AppendLine();
        text.AppendLine($"{platformName} has taken the following decision: {s.Decision.Title}.");
        text.AppendLine($"Scope: {s.Decision.Scope}.");
        if (s.Decision.DurationDays is { } days)
        {
            text.AppendLine($"Duration: {days} days{(s.Decision.EndsAt is { } ends ? $", until {ends:yyyy-MM-dd HH:mm} UTC" : "")}.");
        }

        text.AppendLine().AppendLine("Facts and circumstances:").AppendLine(s.Facts).AppendLine();
        text.AppendLine($"Ground: {s.Ground.Explanation} ({s.Ground.Policy})");
        text.AppendLine($"Automated means were {(s.AutomatedDetection ? "" : "not ")}used to detect this; the decision was taken by a person.");
        text.AppendLine().AppendLine("Your options:");
        if (s.Redress.AppealUrl is { } url)
        {
            text.AppendLine($"- Appeal until {s.Redress.AppealDeadline:yyyy-MM-dd}: {url}");
        }

        foreach (var other in s.Redress.Other)
        {
            text.AppendLine($"- {other}");
        }

        text.AppendLine().AppendLine($"Reference: {s.ActionId:N}");
        return text.ToString();
    }
}
