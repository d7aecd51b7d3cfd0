using TrustDesk.Cli;

return await CommandLine.RunAsync(args);

/// <summary>The entry point; public so that integration tests can host the app in-process.</summary>
public partial class Program;
