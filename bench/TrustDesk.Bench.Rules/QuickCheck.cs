using System.Diagnostics;
using System.Globalization;

namespace TrustDesk.Bench.Rules;

/// <summary>
/// <c>--quick</c>: a Stopwatch loop over the same benchmark methods, for a look in seconds (and when a shared machine
/// is too busy for BenchmarkDotNet's statistics to settle). Prints the median and the best batch per item, and what one
/// item allocates.
/// </summary>
internal static class QuickCheck
{
    public static void Run(int batches = 300, int perBatch = 20)
    {
        foreach (var history in new[] { "quiet", "busy" })
        {
            Run(history, batches, perBatch);
        }
    }

    private static void Run(string history, int batches, int perBatch)
    {
        var benchmark = new RulesBenchmark { History = history };
        benchmark.Setup();
        var methods = new (string Name, Func<object> Run)[]
        {
            ("report.received, compiled", () => benchmark.CompiledReport()),
            ("report.received, Jint", () => benchmark.JintReport()),
            ("event.order.placed, compiled", () => benchmark.CompiledOrder()),
            ("event.order.placed, Jint", () => benchmark.JintOrder()),
        };
        // Warm every method up for two seconds first: tiered compilation promotes hot code only once start-up settles,
        // and the first method measured would otherwise run half-optimised code.
        var warmup = Stopwatch.StartNew();
        while (warmup.ElapsedMilliseconds < 2_000)
        {
            foreach (var (_, run) in methods)
            {
                run();
            }
        }

        // Two passes, the first discarded: it still catches methods the JIT has not promoted yet.
        foreach (var (name, run) in methods.Concat(methods).Select((m, i) => (Name: i < methods.Length ? null : m.Name, m.Run)))
        {

            var perItem = new List<double>();
            for (var b = 0; b < batches; b++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < perBatch; i++)
                {
                    run();
                }

                perItem.Add(watch.Elapsed.TotalMicroseconds / perBatch);
            }

            perItem.Sort();
            if (name is null)
            {
                continue;
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            run();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{history,-6} {name,-32} median {perItem[perItem.Count / 2],9:0.0} us   best batch {perItem[0],9:0.0} us   allocated {allocated,7:N0} B"));
        }

        benchmark.Dispose();
    }
}
