using TrustDesk.Access;
using TrustDesk.Data;
using TrustDesk.Demo;
using TrustDesk.Web;

namespace TrustDesk.Cli;

/// <summary>
/// <c>trustdesk serve | demo | migrate | apikey create</c>. With no command (or only options) it serves, which is also
/// how the integration tests start it.
/// </summary>
public static class CommandLine
{
    private const string Usage = """
        Usage:
          trustdesk serve   [--urls URL] [--data DIR]      run the server
          trustdesk demo    [--urls URL] [--data DIR]      seed a demo marketplace (once) and run the server
          trustdesk migrate [--data DIR]                   apply database migrations (PostgreSQL: required before serve)
          trustdesk apikey create --name NAME --scopes a,b [--data DIR]
                                                           create an API key; prints the key alone on the last line
        Settings: appsettings.json, TrustDesk__... environment variables, or --TrustDesk:Section:Key=value.
        Scopes: subjects:write, events:write, reports:write, cases:read, cases:write, email:write
        """;

    /// <summary>The demo takes email out of the box; <c>serve</c> listens only when configured.</summary>
    public static readonly IReadOnlyDictionary<string, string?> DemoEmailDefaults = new Dictionary<string, string?>
    {
        ["TrustDesk:Email:Smtp:Host"] = "127.0.0.1",
        ["TrustDesk:Email:Smtp:Port"] = "2525",
        ["TrustDesk:Email:Smtp:Addresses:0"] = "support@demo.trustdesk.test",
    };

    private static readonly HashSet<string> ServeOptions = ["urls", "data"];
    private static readonly HashSet<string> DataOptions = ["data"];
    private static readonly HashSet<string> ApiKeyOptions = ["name", "scopes", "data"];

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0].StartsWith('-') && args[0] is not ("--help" or "-h"))
            {
                await ServeAsync(args);
                return 0;
            }

            switch (args[0])
            {
                case "serve":
                    await ServeAsync(CliArguments.Parse(args[1..], ServeOptions).ToHostArgs());
                    return 0;
                case "demo":
                    await DemoAsync(CliArguments.Parse(args[1..], ServeOptions));
                    return 0;
                case "migrate":
                    return await MigrateAsync(CliArguments.Parse(args[1..], DataOptions));
                case "apikey" when args.Length > 1 && args[1] == "create":
                    return await CreateApiKeyAsync(CliArguments.Parse(args[2..], ApiKeyOptions));
                case "help" or "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    throw new CliException($"Unknown command '{string.Join(' ', args.Take(2))}'.");
            }
        }
        catch (CliException error)
        {
            await Console.Error.WriteLineAsync(error.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
    }

    private static async Task ServeAsync(string[] hostArgs)
    {
        var app = TrustDeskApp.Build(hostArgs);
        await app.RunAsync();
    }

    private static async Task DemoAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), defaults: DemoEmailDefaults);
        await app.StartAsync();
        var (secret, seeded) = await DemoMarketplace.SeedAsync(app.Services, CancellationToken.None);
        var url = app.Urls.FirstOrDefault() ?? TrustDeskApp.DefaultUrl;
        Console.WriteLine();
        Console.WriteLine(seeded ? "TrustDesk demo: a live marketplace was seeded." : "TrustDesk demo: using the marketplace seeded earlier.");
        Console.WriteLine($"  URL:       {url}");
        Console.WriteLine($"  API docs:  {url}/api/reference");
        Console.WriteLine($"  API key:   {secret}  (scopes: {string.Join(", ", Scopes.All)})");
        var email = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TrustDesk.Email.EmailOptions>>().Value;
        if (email.Smtp.Port is { } smtpPort)
        {
            Console.WriteLine($"  Email:     SMTP on {email.Smtp.Host}:{smtpPort} for {string.Join(", ", email.Smtp.Addresses)}");
            Console.WriteLine($"  Try:       swaks --server {email.Smtp.Host} --port {smtpPort} --to {email.Smtp.Addresses.FirstOrDefault()} --from buyer@example.com --header \"Subject: Where is my order?\"");
        }

        Console.WriteLine($"  Try:       curl -H \"Authorization: Bearer {secret}\" \"{url}/api/v1/cases?limit=5\"");
        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync();
    }

    private static async Task<int> MigrateAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        await DatabaseMigrator.MigrateAsync(db, CancellationToken.None);
        Console.WriteLine($"Migrated ({db.Database.ProviderName}).");
        return 0;
    }

    private static async Task<int> CreateApiKeyAsync(CliArguments options)
    {
        var scopes = (options["scopes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        await app.Services.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(CancellationToken.None);
        var result = await scope.ServiceProvider.GetRequiredService<CreateApiKey>().HandleAsync(options["name"], scopes, CancellationToken.None);
        if (result is CreateApiKey.Invalid invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                await Console.Error.WriteLineAsync($"--{field}: {string.Join(" ", messages)}");
            }

            return 2;
        }

        var created = (CreateApiKey.Created)result;
        Console.WriteLine($"Created API key '{created.Key.Name}' ({created.Key.DisplayPrefix}…) with scopes {string.Join(", ", created.Key.Scopes)}.");
        Console.WriteLine("Store it now: it is shown only once.");
        Console.WriteLine(created.Secret);
        return 0;
    }
}
