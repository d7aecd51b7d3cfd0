namespace TrustDesk.Cli;

/// <summary>
/// The options of one command: <c>--name value</c> or <c>--name=value</c>. Anything of the form <c>--Section:Key=value</c>
/// passes through to configuration, as ASP.NET Core reads it.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _configuration = [];

    private CliArguments()
    {
    }

    public IReadOnlyList<string> Configuration => _configuration;

    public string? this[string name] => _values.GetValueOrDefault(name);

    public static CliArguments Parse(IEnumerable<string> args, IReadOnlySet<string> known)
    {
        var parsed = new CliArguments();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new CliException($"Unexpected argument '{arg}'.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[2..equals] : arg[2..];
            if (name.Contains(':', StringComparison.Ordinal) && equals > 0)
            {
                parsed._configuration.Add(arg);
                continue;
            }

            if (!known.Contains(name))
            {
                throw new CliException($"Unknown option '--{name}'. Known: {string.Join(", ", known.Select(k => "--" + k))}.");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = list[++i];
            }
            else
            {
                throw new CliException($"Option '--{name}' needs a value.");
            }

            parsed._values[name] = value;
        }

        return parsed;
    }

    /// <summary>The arguments the web host understands: <c>--urls</c>, the data directory, and passed-through settings.</summary>
    public string[] ToHostArgs()
    {
        var hostArgs = new List<string>(_configuration);
        if (this["urls"] is { } urls)
        {
            hostArgs.Add($"--urls={urls}");
        }

        if (this["data"] is { } data)
        {
            hostArgs.Add($"--TrustDesk:DataDirectory={data}");
        }

        if (this["migrate"] == "true")
        {
            hostArgs.Add("--TrustDesk:Database:MigrateOnStart=true");
        }

        return [.. hostArgs];
    }
}

public sealed class CliException(string message) : Exception(message);
