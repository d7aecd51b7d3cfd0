using System.Globalization;
using TrustDesk.Data;
using TrustDesk.Metrics;

namespace TrustDesk.Cli;

/// <summary><c>trustdesk metrics rebuild</c>: the dashboards' rollups again from the cases' logs, with a progress bar.</summary>
public static class MetricsCommands
{
    public static async Task<int> RebuildAsync(CliArguments options)
    {
        var app = TrustDeskApp.Build(options.ToHostArgs(), oneShot: true);
        await app.Services.GetServices<IHostedService>().OfType<DatabaseMigrator>().Single().StartAsync(CancellationToken.None);
        await using var scope = app.Services.CreateAsyncScope();
        var bar = new ProgressBar(Console.Out, Console.IsOutputRedirected);
        var result = await scope.ServiceProvider.GetRequiredService<RebuildRollups>().RunAsync(bar, CancellationToken.None);
        bar.Done();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Rebuilt the rollups from {result.Cases:N0} cases and {result.Events:N0} events: {result.Rows:N0} rows in {result.Took.TotalSeconds:F1} s."));
        return 0;
    }

    /// <summary>
    /// One line redrawn in place on a terminal (<c>[#####.....]  41.0%  2,050,000 / 5,000,000 cases</c>); redirected to a
    /// file or a pipe, a line per tenth instead of a stream of carriage returns.
    /// </summary>
    private sealed class ProgressBar(TextWriter output, bool redirected) : IProgress<RebuildRollups.Progress>
    {
        private const int Width = 30;
        private int _lastShown = -1;
        private bool _drawn;

        public void Report(RebuildRollups.Progress value)
        {
            var share = value.TotalCases == 0 ? 1.0 : Math.Min(1.0, (double)value.Cases / value.TotalCases);
            var permille = (int)(share * 1000);
            if (redirected ? permille / 100 == _lastShown / 100 && _lastShown >= 0 : permille == _lastShown)
            {
                return;
            }

            _lastShown = permille;
            var filled = (int)(share * Width);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"[{new string('#', filled)}{new string('.', Width - filled)}] {share * 100,5:F1}%  {value.Cases:N0} / {value.TotalCases:N0} cases, {value.Rows:N0} rows");
            if (redirected)
            {
                output.WriteLine(line);
            }
            else
            {
                output.Write("\r" + line);
                _drawn = true;
            }
        }

        public void Done()
        {
            if (_drawn)
            {
                output.WriteLine();
            }
        }
    }
}
