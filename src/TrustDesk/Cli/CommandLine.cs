using TrustDesk.Access;
using TrustDesk.Data;
using TrustDesk.Demo;
using TrustDesk.Triage;
using TrustDesk.Identity;
using TrustDesk.Api;

namespace TrustDesk.Cli;

/// <summary>
/// <c>trustdesk serve | demo | migrate | apikey create | admin create | audit verify | audit checkpoint</c>. With no command (or only options) it serves, which is also
/// how the integration tests start it.
/// </summary>
public static class CommandLine
{
    private const string Usage = """
        Usage:
          trustdesk serve   [--urls URL] [--data DIR] [--migrate]
                                                           run the server; --migrate applies PostgreSQL's migrations
                                                           first (nodes starting at once take turns); without it a node
                                                           on an unmigrated PostgreSQL exits with code 3, saying so
          trustdesk demo    [--urls URL] [--data DIR] [--migrate]
                                                           seed a demo marketplace (once) and run the server
          trustdesk migrate [--data DIR]                   apply database migrations (PostgreSQL: before serve, or serve --migrate)
          trustdesk apikey create --name NAME --scopes a,b [--data DIR]
                                                           create an API key; prints the key alone on the last line
          trustdesk rules backtest (--rule NAME | --file FILE) [--from ISO] [--to ISO] [--data DIR]
                                                           run a rule over stored history: hits and precision
          trustdesk admin create --email E [--role Admin] [--department D] [--password-stdin] [--data DIR]
                                                           create a user (the first admin); prints a generated password
                                                           unless one comes on stdin (--password-stdin) or in
                                                           TRUSTDESK_ADMIN_PASSWORD, and the TOTP secret when MFA is required
          trustdesk triage train [--with-history] [--corpus DIR] [--out FILE] [--data DIR]
                                                           train the triage classifier from the corpus (and agents'
                                                           changes), print its held-out figures; with history the new
                                                           model runs in shadow until promoted
          trustdesk triage promote [--data DIR]            promote the shadow model if its held-out figures are not worse
          trustdesk triage evaluate [--model FILE] [--corpus DIR] [--threshold X]
                                                           print a model's held-out figures (the shipped one by default;
                                                           --threshold: at another crisis threshold)
          trustdesk triage classify --text TEXT [--model FILE]
                                                           what the model suggests for a text, and why
          trustdesk audit verify [--checkpoint FILE [--public-key FILE]] [--data DIR]
                                                           check the audit trail's hash chain (and that it still matches
                                                           signed checkpoints); exits 1 naming what broke
          trustdesk audit checkpoint [--out FILE] [--data DIR]
                                                           sign the chain's head now; prints the checkpoint as JSON
          trustdesk metrics rebuild [--data DIR]           rebuild the dashboards' rollups from the cases' logs
                                                           (stop the server first); shows its progress
        Settings: appsettings.json, TrustDesk__... environment variables, or --TrustDesk:Section:Key=value.
        Scopes: subjects:write, events:write, reports:write, cases:read, cases:write, cases:restricted, pii:read, rules:read, rules:write, email:write
        Roles: agent, specialist, lead, admin, department_member (with --department), auditor
        """;

    /// <summary>The demo takes email out of the box; <c>serve</c> listens only when configured.</summary>
    public static readonly IReadOnlyDictionary<string, string?> DemoEmailDefaults = new Dictionary<string, string?>
    {
        ["TrustDesk:Email:Smtp:Host"] = "127.0.0.1",
        ["TrustDesk:Email:Smtp:Port"] = "2525",
        ["TrustDesk:Email:Smtp:Addresses:0"] = "support@demo.trustdesk.test",
    };

    private static readonly HashSet<string> ServeOptions = ["urls", "data", "migrate"];
    private static readonly HashSet<string> DataOptions = ["data"];
    private static readonly HashSet<string> ApiKeyOptions = ["name", "scopes", "data"];
    private static readonly HashSet<string> BacktestOptions = ["rule", "file", "from", "to", "data"];
    private static readonly HashSet<string> TriageModelOptions = ["with-history", "corpus", "out", "data", "model", "text", "threshold"];
    private static readonly HashSet<string> AdminOptions = ["email", "role", "department", "display-name", "password-stdin", "data"];

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0].StartsWith('-') && args[0] is not ("--help" or "-h"))
            {
                return await ServeAsync(args);
            }

            switch (args[0])
            {
                case "serve":
                    return await ServeAsync(CliArguments.Parse(NormaliseFlags(args[1..], "migrate"), ServeOptions).ToHostArgs());
                case "demo":
                    await DemoAsync(CliArguments.Parse(NormaliseFlags(args[1..], "migrate"), ServeOptions));
                    return 0;
                case "migrate":
                    return await MigrateAsync(CliArguments.Parse(args[1..], DataOptions));
                case "apikey" when args.Length > 1 && args[1] == "create":
                    return await CreateApiKeyAsync(CliArguments.Parse(args[2..], ApiKeyOptions));
                case "rules" when args.Length > 1 && args[1] == "backtest":
                    return await BacktestAsync(CliArguments.Parse(args[2..], BacktestOptions));
                case "admin" when args.Length > 1 && args[1] == "create":
                    return await CreateUserAsync(CliArguments.Parse(NormaliseFlags(args[2..], "password-stdin"), AdminOptions));
                case "triage" when args.Length > 1 && args[1] is "train" or "promote" or "evaluate" or "classify":
                    return await TriageModelAsync(args[1], CliArguments.Parse(NormaliseFlags(args[2..], "with-history"), TriageModelOptions));
                case "audit" when args.Length > 1 && args[1] == "verify":
                    return await AuditCommands.VerifyAsync(CliArguments.Parse(args[2..], AuditCommands.VerifyOptions));
                case "audit" when args.Length > 1 && args[1] == "checkpoint":
                    return await AuditCommands.CheckpointAsync(CliArguments.Parse(args[2..], AuditCommands.CheckpointOptions));
                case "metrics" when args.Length > 1 && args[1] == "rebuild":
                    return await MetricsCommands.RebuildAsync(CliArguments.Parse(args[2..], DataOptions));
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
        catch (DatabaseNotReadyException notReady)
        {
            // What to run or to check, in one line; the stack trace would tell an operator nothing more.
            await Console.Error.WriteLineAsync(notReady.Message);
            return DatabaseNotReadyExitCode;
        }
    }

    /// <summary>Exit code of a server that could not use its database (unreachable, or not migrated).</summary>
    public const int DatabaseNotReadyExitCode = 3;

    private static async Task<int> ServeAsync(string[] hostArgs)
    {
        var app = TrustDeskApp.Build(hostArgs);
        await PrepareDatabaseAsync(app);
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Migrates, or checks that the database is migrated, before the host starts: a host whose start fails logs the
    /// exception with its stack trace, where an operator needs one line saying what to run
    /// (<see cref="DatabaseNotReadyException"/>, caught in <see cref="RunAsync"/>). The host's own start then finds it done.
    /// </summary>
    private static Task PrepareDatabaseAsync(WebApplication app) =>
        app.Services.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(CancellationToken.None);

    private static async Task DemoAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), defaults: DemoEmailDefaults);
        await PrepareDatabaseAsync(app);
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
        Console.WriteLine("  Sign-in (DEMO ONLY: passwords are reset at every demo start; TOTP secrets are printed so you can compute codes,");
        Console.WriteLine("           e.g. `oathtool --totp -b SECRET`; POST /api/v1/auth/signin {email, password, totp}):");
        foreach (var user in await DemoUsers.EnsureAsync(app.Services, CancellationToken.None))
        {
            var role = user.Department is null ? user.Role.ToString() : $"{user.Role} ({user.Department})";
            Console.WriteLine($"    {role,-30} {user.Email,-32} password {user.Password}{(user.TotpSecret is null ? "" : "  TOTP secret " + user.TotpSecret)}");
        }

        await DemoShifts.EnsureAsync(app.Services, CancellationToken.None);
        Console.WriteLine($"  Shifts:    the evening team is on and online; new \"{DemoShifts.RoutedQueue}\" reports are assigned to the least loaded agent ({url}/coverage)");

        Console.WriteLine("Press Ctrl+C to stop.");
        await app.WaitForShutdownAsync();
    }

    private static async Task<int> MigrateAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDeskDb>();
        var applied = await DatabaseMigrator.MigrateAsync(db, CancellationToken.None);
        Console.WriteLine($"Migrated ({db.Database.ProviderName}): {applied} migration(s) applied.");
        return 0;
    }

    private static async Task<int> BacktestAsync(CliArguments options)
    {
        if ((options["rule"] is null) == (options["file"] is null))
        {
            throw new CliException("Give --rule NAME (a rule in force) or --file FILE (a rule to try).");
        }

        var text = options["file"] is { } file ? await File.ReadAllTextAsync(file) : null;
        var request = new BacktestRequest(options["rule"], text, ParseTime(options, "from"), ParseTime(options, "to"));
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await PrepareDatabaseAsync(app);
        await using var scope = app.Services.CreateAsyncScope();
        switch (await scope.ServiceProvider.GetRequiredService<BacktestRule>().HandleAsync(request, CancellationToken.None))
        {
            case BacktestRule.Done { Backtest: var result }:
                Console.WriteLine($"Rule \"{result.Rule}\" from {result.From:u} to {result.To:u}");
                Console.WriteLine($"  evaluated {result.Evaluated} items, {result.Hits} hits, {result.Decided} decided by agents, {result.Actioned} actioned");
                Console.WriteLine($"  precision: {(result.Precision is { } p ? p.ToString("P1", System.Globalization.CultureInfo.InvariantCulture) : "n/a (no decided case yet)")}");
                foreach (var hit in result.Items.Take(20))
                {
                    Console.WriteLine($"  {hit.At:u}  {hit.Item}  {string.Join(", ", hit.Values)}  {hit.CaseNumber} {hit.Resolution}");
                }

                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(result with { Items = [] }, JsonOptions.Api));
                return 0;
            case BacktestRule.Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    await Console.Error.WriteLineAsync($"{field}: {string.Join(" ", messages)}");
                }

                return 2;
            default:
                await Console.Error.WriteLineAsync($"No rule named \"{options["rule"]}\".");
                return 2;
        }
    }

    private static DateTimeOffset? ParseTime(CliArguments options, string name) =>
        options[name] is not { } value ? null
        : DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
        : throw new CliException($"--{name}: not a date/time (ISO 8601, such as 2026-11-01 or 2026-11-01T12:00Z).");
    /// <summary>Lets a value-less flag through the <c>--name value</c> parser.</summary>
    /// <summary><c>triage train</c> from the corpus alone needs no database; with history, and <c>promote</c>, open the data directory's.</summary>
    private static async Task<int> TriageModelAsync(string command, CliArguments options)
    {
        if (command == "classify")
        {
            var text = options["text"] ?? throw new CliException("--text: the text to classify.");
            var model = options["model"] is { } file ? Triage.Classifier.TriageModel.LoadFrom(file) : Triage.Classifier.ClassifierModels.Shipped;
            Console.WriteLine(Triage.Classifier.TrainCommand.Explain(model, text));
            return 0;
        }

        var corpus = Triage.Classifier.TriageCorpus.FindDirectory(options["corpus"]);
        if (command == "evaluate")
        {
            var path = options["model"];
            var model = path is null ? Triage.Classifier.ClassifierModels.Shipped : Triage.Classifier.TriageModel.LoadFrom(path);
            if (options["threshold"] is { } threshold)
            {
                var t = float.TryParse(threshold, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v is > 0 and < 1
                    ? v : throw new CliException("--threshold: a crisis score between 0 and 1.");
                model = model.WithThresholds(t, Math.Max(t, model.GuardedCrisisThreshold), model.ApplyThreshold);
            }

            Triage.Classifier.TrainCommand.Print(Triage.Classifier.TrainCommand.Evaluate(model, corpus, path ?? "(shipped)"), Console.Out);
            return 0;
        }

        if (command == "train" && options["with-history"] != "true")
        {
            var result = Triage.Classifier.TrainCommand.TrainFromCorpus(corpus, options["out"] ?? Triage.Classifier.TrainCommand.DefaultModelPath(corpus), DateTimeOffset.UtcNow);
            Triage.Classifier.TrainCommand.Print(result, Console.Out);
            return 0;
        }

        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await app.Services.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(CancellationToken.None);
        await using var scope = app.Services.CreateAsyncScope();
        var learn = scope.ServiceProvider.GetRequiredService<Triage.Classifier.LearnFromAgents>();
        if (command == "train")
        {
            Triage.Classifier.TrainCommand.Print(await learn.TrainShadowAsync(corpus, CancellationToken.None), Console.Out);
            return 0;
        }

        var (promoted, message) = learn.Promote(corpus);
        Console.WriteLine(message);
        return promoted ? 0 : 1;
    }

    private static string[] NormaliseFlags(string[] args, string flag) =>
        args.Select(a => a == "--" + flag ? $"--{flag}=true" : a).ToArray();

    private static async Task<int> CreateUserAsync(CliArguments options)
    {
        var roleText = (options["role"] ?? "admin").Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!Enum.TryParse<UserRole>(roleText, ignoreCase: true, out var role) || int.TryParse(roleText, out _))
        {
            throw new CliException($"Unknown role '{options["role"]}'. One of agent, specialist, lead, admin, department_member, auditor.");
        }

        string? password = null;
        if (options["password-stdin"] == "true")
        {
            password = (await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n');
        }
        else if (Environment.GetEnvironmentVariable("TRUSTDESK_ADMIN_PASSWORD") is { Length: > 0 } fromEnvironment)
        {
            password = fromEnvironment;
        }

        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        await PrepareDatabaseAsync(app);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var actor = new AuditRecord(now, "cli", Environment.UserName, "trustdesk admin create", "", null, null, null, null);
        var result = await scope.ServiceProvider.GetRequiredService<CreateUser>().HandleAsync(
            new CreateUserRequest(options["email"], role, options["department"], options["display-name"]), password, enrolMfa: true, actor, CancellationToken.None);
        if (result is CreateUser.Invalid invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
            {
                await Console.Error.WriteLineAsync($"--{field}: {string.Join(" ", messages)}");
            }

            return 2;
        }

        var created = (CreateUser.Created)result;
        Console.WriteLine($"Created {created.User.Role} {created.User.Email} ({created.User.Id}).");
        Console.WriteLine(password is null ? $"Password: {created.Password}  (generated; shown only now)" : "Password: the one you gave.");
        if (created.TotpSecret is { } secret)
        {
            Console.WriteLine($"MFA is required for this user. Add this secret to an authenticator app (or the URI as a QR code):");
            Console.WriteLine($"  TOTP secret: {secret}");
            Console.WriteLine($"  URI:         {Totp.EnrolmentUri(secret, created.User.Email!)}");
            Console.WriteLine($"  Recovery codes (each works once; keep them offline): {string.Join(" ", created.RecoveryCodes)}");
        }

        return 0;
    }

    private static async Task<int> CreateApiKeyAsync(CliArguments options)
    {
        var scopes = (options["scopes"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await using var scope = app.Services.CreateAsyncScope();
        await PrepareDatabaseAsync(app);
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
