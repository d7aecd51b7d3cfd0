using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Data;
using TrustDesk.Taxonomy;

namespace TrustDesk.Bench;

/// <summary>
/// The rows the <c>dashboard</c> bench seeds, whatever the database: one generator (seeded <see cref="Random"/>, so every
/// provider gets the same cases, events and targets in the same order) writing into a <see cref="DashboardRows"/> sink
/// that each provider implements with its own bulk path (prepared INSERTs on SQLite, binary COPY on PostgreSQL).
/// </summary>
/// <remarks>
/// N cases over the last D days, categories with their default queue and severity, 60 agents, channels
/// report/email/chat/api 55/25/15/5 %, first replies and resolutions log-normal around per-severity medians, a first-reply
/// target per case (met in time or late, a breach event when late), 3 % reopened, a fifth of the solved surveyed and two
/// fifths of those answering; the last three days' cases 40 % open, older ones 1 %.
/// </remarks>
internal static class DashboardSeed
{
    public const int Agents = 60;

    /// <summary>Cases go to the sink in chunks of this many (one transaction each on SQLite).</summary>
    public const int Chunk = 50_000;

    public sealed record Kind(string Code, int Severity, Guid Queue, string QueueName, double Weight);

    /// <summary>The default taxonomy's categories with their queue's id (from the migrated database) and a weight.</summary>
    public static async Task<Kind[]> KindsAsync(TrustDeskDb db, CancellationToken cancellationToken)
    {
        var queues = await db.Set<TrustDesk.Queues.Queue>().AsNoTracking().ToDictionaryAsync(q => q.Name, q => q.Id, cancellationToken);
        return DefaultTaxonomy.All.Select(c => new Kind(c.Code, (int)c.DefaultSeverity, queues[c.DefaultQueue], c.DefaultQueue,
            c.Code.StartsWith("order.", StringComparison.Ordinal) ? 6 : c.Code == "conduct.spam" ? 5 : c.DefaultSeverity == Severity.S1 ? 0.4 : 1.5)).ToArray();
    }

    /// <summary>Writes <paramref name="count"/> cases with their targets and events into <paramref name="rows"/>; returns the events written.</summary>
    public static async Task<long> GenerateAsync(DashboardRows rows, Kind[] kinds, int count, int days, DateTime now, CancellationToken cancellationToken)
    {
        var totalWeight = kinds.Sum(k => k.Weight);
        var random = new Random(42);
        var start = now.AddDays(-days);
        var span = (now - start).Ticks;
        // Creation times in order, so ids grow with time as they would.
        var created = new long[count];
        for (var i = 0; i < count; i++)
        {
            created[i] = start.Ticks + (long)(random.NextDouble() * span);
        }

        Array.Sort(created);
        long events = 0;
        for (var first = 0; first < count; first += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await rows.BeginChunkAsync(cancellationToken);

            void Event(long caseId, DateTime at, string kind, string? agent, string? from, string? to, string? detail = null)
            {
                rows.Event(Guid.CreateVersion7(at), caseId, at, kind, agent is null ? "system" : "user", agent ?? "trustdesk", agent ?? "TrustDesk", from, to, detail);
                events++;
            }

            for (var i = first; i < Math.Min(count, first + Chunk); i++)
            {
                long id = i + 1;
                var at = new DateTime(created[i], DateTimeKind.Utc);
                var pick = random.NextDouble() * totalWeight;
                var kind = kinds[^1];
                foreach (var k in kinds)
                {
                    if ((pick -= k.Weight) <= 0)
                    {
                        kind = k;
                        break;
                    }
                }

                var channelDraw = random.NextDouble();
                var channel = channelDraw < 0.55 ? "Report" : channelDraw < 0.80 ? "Email" : channelDraw < 0.95 ? "Chat" : "Api";
                var agent = random.NextDouble() < 0.85 ? $"agent{random.Next(Agents):D2}@bench.example" : null;
                var (frtMedian, resolutionMedian, targetMinutes) = kind.Severity switch
                {
                    1 => (9.0, 150.0, 15),
                    2 => (35.0, 600.0, 60),
                    3 => (170.0, 2_000.0, 480),
                    _ => (420.0, 2_900.0, 1_440),
                };
                var age = now - at;
                var stillOpen = random.NextDouble() < (age < TimeSpan.FromDays(3) ? 0.4 : 0.01);
                DateTime? replied = at.AddMinutes(LogNormal(random, frtMedian, 0.9));
                if (replied > now || (stillOpen && random.NextDouble() < 0.3))
                {
                    replied = null;
                }

                DateTime? solved = replied is { } r && !stillOpen ? r.AddMinutes(LogNormal(random, resolutionMedian, 0.8)) : null;
                if (solved > now)
                {
                    solved = null;
                }

                var status = solved is not null ? "Solved" : replied is null ? "New" : "Open";
                rows.Case(new SeedCase(id, "Report about an account", status, kind.Severity, kind.Code, kind.Queue, agent, channel, at,
                    solved ?? replied ?? at, replied, solved, solved is null ? null : "actioned"));

                Event(id, at, "created", null, null, "new", $"S{kind.Severity} {kind.Code} in {kind.QueueName}");
                if (agent is not null)
                {
                    Event(id, at.AddMinutes(1 + random.Next(20)), "assigned", null, null, agent);
                }

                var due = at.AddMinutes(targetMinutes);
                DateTime? breached = (replied ?? now) > due ? due : null;
                rows.Target(new SeedTarget(Guid.CreateVersion7(at), id, TimeSpan.FromMinutes(targetMinutes), at,
                    replied is null ? at : null, replied is null ? due : null, replied, breached));
                if (breached is { } b && b < now)
                {
                    Event(id, b, "sla_breached", null, null, "first_reply", $"due {b:yyyy-MM-ddTHH:mm:ssZ}");
                }

                if (random.NextDouble() < 0.3)
                {
                    Event(id, at.AddMinutes(random.Next(5, 60)), "message_added", null, null, "inbound");
                }

                if (replied is { } reply)
                {
                    Event(id, reply, "status_changed", agent, "new", "open");
                    Event(id, reply, "message_added", agent, null, "outbound");
                }

                if (solved is { } s)
                {
                    Event(id, s, "status_changed", agent, "open", "solved");
                    if (random.NextDouble() < 0.03 && s.AddHours(5) < now)
                    {
                        Event(id, s.AddHours(4), "status_changed", null, "solved", "open");
                        Event(id, s.AddHours(5), "status_changed", agent, "open", "solved");
                        s = s.AddHours(5);
                    }

                    if (random.NextDouble() < 0.2 && s.AddHours(1) < now)
                    {
                        Event(id, s.AddHours(1), "csat_sent", null, null, null);
                        if (random.NextDouble() < 0.4)
                        {
                            var score = random.NextDouble() switch { < 0.05 => 1, < 0.12 => 2, < 0.25 => 3, < 0.55 => 4, _ => 5 };
                            Event(id, s.AddHours(1 + random.Next(1, 20)), "csat_received", null, null, score.ToString(CultureInfo.InvariantCulture));
                        }
                    }
                }
            }

            await rows.EndChunkAsync(cancellationToken);
            if ((first / Chunk) % 10 == 9)
            {
                Console.WriteLine($"  seeded {first + Chunk:N0} cases, {events:N0} events");
            }
        }

        return events;
    }

    private static double LogNormal(Random random, double medianMinutes, double sigma)
    {
        // Box–Muller: a standard normal from two uniforms.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return medianMinutes * Math.Exp(sigma * normal);
    }
}

/// <summary>A seeded case: the columns the overview and the rollups read; the rest take the entity's defaults.</summary>
internal readonly record struct SeedCase(
    long Id, string Title, string Status, int Severity, string Category, Guid QueueId, string? Assignee, string Channel,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? FirstRepliedAt, DateTime? SolvedAt, string? Resolution);

/// <summary>A seeded first-reply target (calendar 24x7, nothing elapsed while paused).</summary>
internal readonly record struct SeedTarget(
    Guid Id, long CaseId, TimeSpan Target, DateTime StartedAt, DateTime? RunningSince, DateTime? DueAt, DateTime? MetAt, DateTime? BreachedAt);

/// <summary>Where <see cref="DashboardSeed"/> writes: one implementation per provider.</summary>
internal abstract class DashboardRows
{
    public virtual Task BeginChunkAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task EndChunkAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract void Case(in SeedCase row);

    public abstract void Target(in SeedTarget row);

    public abstract void Event(Guid id, long caseId, DateTime at, string kind, string actorType, string actorId, string actorName, string? from, string? to, string? detail);
}
