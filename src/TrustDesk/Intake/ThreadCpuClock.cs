using System.Runtime.InteropServices;

namespace TrustDesk.Intake;

/// <summary>
/// The processor time of the calling thread (Linux), for the intake writer's debug log. The writer's own processor
/// time per report is what bounds intake (it is serial), and unlike its wall time it does not grow when other
/// processes compete for the cores, so it is the figure to compare changes by.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>The calling thread's processor time in nanoseconds, or null where it cannot be read.</summary>
    public static long? Now()
    {
        if (_unavailable)
        {
            return null;
        }

        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out var time) == 0 ? (time.Seconds * 1_000_000_000) + time.Nanoseconds : null;
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library under another name (musl, say): the debug log goes without this figure.
            _unavailable = true;
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clockId, out TimeSpec time);
}
