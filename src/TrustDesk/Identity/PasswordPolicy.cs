using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TrustDesk.Identity;

/// <summary>
/// Passwords after NIST SP 800-63B §3.1.1.2: long rather than complex. At least 12 characters (15 for an account
/// without MFA), up to 128, any characters, no composition rules; refused when on the bundled list of common passwords,
/// when one character repeated or a plain run (123456789012), or when built on the account's own email name.
/// </summary>
public sealed class PasswordPolicy(IOptions<IdentitySettings> settings) : IPasswordValidator<TrustDeskUser>
{
    public const int MinLengthWithMfa = 12;
    public const int MinLengthWithoutMfa = 15;
    public const int MaxLength = 128;

    private static readonly Lazy<FrozenSet<string>> CommonPasswords = new(LoadCommonPasswords);

    /// <summary>The problems with a password, empty when it is acceptable.</summary>
    public IReadOnlyList<string> Check(string? password, string? email, UserRole role, bool mfaEnabled)
    {
        var problems = new List<string>();
        var minimum = mfaEnabled || settings.Value.MfaRequiredFor(role) ? MinLengthWithMfa : MinLengthWithoutMfa;
        if (string.IsNullOrEmpty(password) || password.Length < minimum)
        {
            problems.Add($"At least {minimum} characters. A few unrelated words make a good one.");
            return problems;
        }

        if (password.Length > MaxLength)
        {
            problems.Add($"At most {MaxLength} characters.");
            return problems;
        }

        var lower = password.ToLowerInvariant();
        if (CommonPasswords.Value.Contains(lower) || IsRepetitiveOrSequential(lower))
        {
            problems.Add("This password is too common or too predictable. Choose another.");
        }
        else if (email?.Split('@')[0].ToLowerInvariant() is { Length: >= 4 } name && lower.Contains(name, StringComparison.Ordinal))
        {
            problems.Add("The password must not contain your email name.");
        }
        else if (lower.Contains("trustdesk", StringComparison.Ordinal) && lower.Length - "trustdesk".Length < 6)
        {
            problems.Add("The password must not be built on the name of this service.");
        }

        return problems;
    }

    public Task<IdentityResult> ValidateAsync(UserManager<TrustDeskUser> manager, TrustDeskUser user, string? password)
    {
        var problems = Check(password, user.Email, user.Role, user.TwoFactorEnabled);
        return Task.FromResult(problems.Count == 0
            ? IdentityResult.Success
            : IdentityResult.Failed(problems.Select(p => new IdentityError { Code = "password", Description = p }).ToArray()));
    }

    public static int ListSize => CommonPasswords.Value.Count;

    private static bool IsRepetitiveOrSequential(string password)
    {
        if (password.Distinct().Count() <= 2)
        {
            return true;
        }

        var ascending = true;
        var descending = true;
        for (var i = 1; i < password.Length; i++)
        {
            ascending &= password[i] - password[i - 1] is 1 or -9;
            descending &= password[i - 1] - password[i] is 1 or -9;
        }

        return ascending || descending;
    }

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("TrustDesk.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-passwords list is not embedded.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim());
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
