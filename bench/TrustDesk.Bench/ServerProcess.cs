using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace TrustDesk.Bench;

/// <summary>
/// The TrustDesk server under test, run as a child process exactly as an operator runs it (<c>dotnet trustdesk.dll
/// serve</c>) over a fresh SQLite data directory, on a free loopback port. Disposing it kills it and removes the data.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly string _dataDirectory;
    private readonly bool _keepData;
    private readonly Queue<string> _lastOutput = new();
    private int _disposed;

    private ServerProcess(Process process, string dataDirectory, bool keepData, Uri url, string key)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _keepData = keepData;
        Url = url;
        Key = key;
    }

    public Uri Url { get; }
    public string Key { get; }
    public string DataDirectory => _dataDirectory;

    /// <summary>CPU time the server has used so far (all its threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            try
            {
                _process.Refresh();
                return _process.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                return TimeSpan.Zero;
            }
        }
    }

    /// <summary>The trustdesk.dll recorded at build time (see the .csproj), unless overridden.</summary>
    public static string LocateServer(string? overridePath)
    {
        var path = overridePath ?? typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TrustDeskServer")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The server assembly was not found at '{path}'. Build src/TrustDesk (dotnet run builds it) or pass --server PATH/trustdesk.dll.");
        }

        return Path.GetFullPath(path);
    }

    /// <param name="serverDll">The trustdesk.dll to run.</param>
    /// <param name="keepData">Keep the data directory when done.</param>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    /// <param name="extraArgs">More arguments for <c>serve</c>.</param>
    /// <param name="environment">Environment variables for the server (a PostgreSQL node's provider and connection string).</param>
    /// <param name="key">An API key made already (nodes sharing one database share it); else one is made for this server.</param>
    public static async Task<ServerProcess> StartAsync(
        string serverDll, bool keepData, CancellationToken cancellationToken, IEnumerable<string>? extraArgs = null,
        IReadOnlyDictionary<string, string>? environment = null, string? key = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("trustdesk-bench-").FullName;
        try
        {
            key ??= await CreateApiKeyAsync(serverDll, dataDirectory, cancellationToken, environment);
            var port = FreeLoopbackPort();
            var url = new Uri($"http://127.0.0.1:{port}/");
            var process = Start(serverDll, ["serve", "--urls", url.ToString().TrimEnd('/'), "--data", dataDirectory, .. extraArgs ?? []], environment);
            var server = new ServerProcess(process, dataDirectory, keepData, url, key);
            process.OutputDataReceived += (_, e) => server.Remember(e.Data);
            process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await server.WaitUntilHealthyAsync(cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }
        catch when (!keepData)
        {
            TryDelete(dataDirectory);
            throw;
        }
    }

    /// <summary>The last lines the server printed, for a failure message.</summary>
    public string LastOutput()
    {
        lock (_lastOutput)
        {
            return string.Join(Environment.NewLine, _lastOutput);
        }
    }

    /// <summary>Kills the server at once (a benchmark's data is thrown away) and removes its data directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Reported below; nothing more to do from here.
        }

        _process.Dispose();
        if (!_keepData)
        {
            TryDelete(_dataDirectory);
        }
    }

    /// <summary>Safe from any thread, at any time, more than once (process exit, Ctrl+C, failure).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>True once the server process has ended (killed, or crashed).</summary>
    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>Runs a one-shot command of the server (<c>migrate</c>) and returns what it printed; throws when it fails.</summary>
    public static async Task<string> RunCommandAsync(
        string serverDll, string[] arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        using var process = Start(serverDll, arguments, environment);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`trustdesk {string.Join(' ', arguments)}` failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    public static async Task<string> CreateApiKeyAsync(
        string serverDll, string dataDirectory, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(serverDll, ["apikey", "create", "--name", "bench", "--scopes", "reports:write,cases:read,cases:write", "--data", dataDirectory], environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (process.ExitCode != 0 || lines.Length == 0)
        {
            throw new InvalidOperationException($"`trustdesk apikey create` failed ({process.ExitCode}): {await stderr}");
        }

        // The command promises the key alone on the last line of stdout.
        return lines[^1];
    }

    private static Process Start(string serverDll, string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            // The content root is the working directory: appsettings.json beside trustdesk.dll must be found.
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(serverDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Measure what production runs: not the Development environment a developer's shell may have set.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the server process.");
    }

    /// <summary>The dotnet host that runs this driver, so the server runs on the same runtime; PATH's as a fallback.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtime.Parent?.Parent?.Parent?.FullName;
        var candidate = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return candidate is not null && File.Exists(candidate) ? candidate : "dotnet";
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 120);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited ({_process.ExitCode}) before answering:{Environment.NewLine}{LastOutput()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(Url, "healthz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow first answer; try again.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The server did not answer /healthz within 120 s:{Environment.NewLine}{LastOutput()}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lastOutput)
        {
            _lastOutput.Enqueue(line);
            if (_lastOutput.Count > OutputLinesKept)
            {
                _lastOutput.Dequeue();
            }
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
