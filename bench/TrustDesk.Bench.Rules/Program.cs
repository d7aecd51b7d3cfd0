using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TrustDesk.Bench.Rules;

if (args.Contains("--classifier"))
{
    ClassifierCost.Run();
    return;
}

if (args.Contains("--quick"))
{
    QuickCheck.Run();
    return;
}

// In-process: the benchmark runs in this Release build, so the repository's analyzers and warnings-as-errors do not
// meet BenchmarkDotNet's generated project. `--job short` (the default here) or `--job medium` / `--job long`.
var jobName = args.SkipWhile(a => a != "--job").Skip(1).FirstOrDefault() ?? "short";
var job = (jobName switch
{
    "medium" => Job.MediumRun,
    "long" => Job.LongRun,
    "dry" => Job.Dry,
    _ => Job.ShortRun,
}).WithToolchain(InProcessEmitToolchain.Instance).WithId(jobName);
var rest = args.Where((a, i) => a != "--job" && (i == 0 || args[i - 1] != "--job")).ToArray();
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.JoinSummary)
    .WithArtifactsPath(Path.Combine("artifacts", "bench-rules")); // under the repository's ignored artifacts/ when run from the root
BenchmarkSwitcher.FromAssembly(typeof(RulesBenchmark).Assembly).Run(rest.Length == 0 ? ["--filter", "*"] : rest, config);
