using System.Diagnostics;
using System.Globalization;

namespace TrustDesk.Bench;

/// <summary>
/// Who used the cores during a phase: the server, this driver, and the whole machine (from /proc/stat, Linux only).
/// On a shared machine the difference between the machine and server + driver is someone else's work (a build).
/// </summary>
public readonly record struct CpuSnapshot(long At, TimeSpan Server, TimeSpan Driver, long MachineBusy, long MachineTotal)
{
    public static CpuSnapshot Take(ServerProcess? server)
    {
        var (busy, total) = ReadProcStat();
        using var self = Process.GetCurrentProcess();
        return new CpuSnapshot(Stopwatch.GetTimestamp(), server?.ProcessorTime ?? TimeSpan.Zero, self.TotalProcessorTime, busy, total);
    }

    /// <summary>Average number of cores busy between two snapshots: (server, driver, whole machine or null).</summary>
    public static (double Server, double Driver, double? Machine) Between(CpuSnapshot from, CpuSnapshot to)
    {
        var wall = Stopwatch.GetElapsedTime(from.At, to.At).TotalSeconds;
        if (wall <= 0)
        {
            return (0, 0, null);
        }

        double? machine = to.MachineTotal > from.MachineTotal
            ? Math.Round(Environment.ProcessorCount * (double)(to.MachineBusy - from.MachineBusy) / (to.MachineTotal - from.MachineTotal), 2)
            : null;
        return (Math.Round((to.Server - from.Server).TotalSeconds / wall, 2), Math.Round((to.Driver - from.Driver).TotalSeconds / wall, 2), machine);
    }

    /// <summary>Jiffies of the "cpu" line: (busy, total), where idle and iowait are not busy.</summary>
    private static (long Busy, long Total) ReadProcStat()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return (0, 0);
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long total = 0;
            long idle = 0;
            // user nice system idle iowait irq softirq steal (guest time is already inside user).
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                var value = long.Parse(fields[i], CultureInfo.InvariantCulture);
                total += value;
                if (i is 4 or 5)
                {
                    idle += value;
                }
            }

            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
        catch (UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }
}
