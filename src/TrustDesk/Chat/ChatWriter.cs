using System.Diagnostics;
using Channel = TrustDesk.Cases.Channel;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TrustDesk.Cases;
using TrustDesk.Contacts;
using TrustDesk.Data;
using TrustDesk.Taxonomy;
using TrustDesk.Triage;
using WorkChannel = System.Threading.Channels.Channel;

namespace TrustDesk.Chat;

/// <summary>A chat write waiting for the <see cref="ChatWriter"/>.</summary>
public abstract class ChatWork
{
    /// <summary>Called once the work's commit is durable (or has failed), off the writer's thread.</summary>
    internal abstract void Committed();

    internal abstract void Failed(Exception error);
}

/// <summary>A visitor's message: stored, triaged and answered in one group commit.</summary>
public sealed class VisitorMessageWork(Guid sessionId, string text, string? clientMessageId) : ChatWork
{
    private readonly TaskCompletionSource<ChatMessagePosted> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Guid SessionId { get; } = sessionId;
    public string Text { get; } = text;
    public string? ClientMessageId { get; } = clientMessageId;
    public Task<ChatMessagePosted> Outcome => _outcome.Task;

    /// <summary>Set by the writer when the batch is applied; handed to the caller once durable.</summary>
    internal ChatMessagePosted? Posted { get; set; }

    internal override void Committed() => _outcome.TrySetResult(Posted!);

    internal override void Failed(Exception error) => _outcome.TrySetException(error);
}

/// <summary>An agent's queued reply on a chat case, turned into the conversation's next event.</summary>
public sealed class ChatReplyWork(Guid messageId) : ChatWork
{
    public Guid MessageId { get; } = messageId;

    internal override void Committed()
    {
    }

    // Left queued: the dispatcher's sweep tries again.
    internal override void Failed(Exception error)
    {
    }
}

/// <summary>
/// The single writer of chat. Every visitor message was its own transaction with a dozen queries, and every agent reply's
/// dispatch another: on SQLite's one writer that was ~60 messages a second, each waiting its turn (and, when it found the
/// file locked, Microsoft.Data.Sqlite's fixed 150 ms sleep). Here they queue and are committed together, as intake does
/// (<see cref="Intake.IntakeWriter"/>): one transaction and one fsync for everything that arrived while the previous batch
/// was written, with the batch's sessions, contacts, cases, replays and sequence numbers read in one query each. A
/// visitor is answered only once its batch is on disk, triage and crisis resources included; the streams are woken then.
/// </summary>
/// <remarks>
/// One batch at a time per node, in arrival order, so a session's messages take their seqs in the order they were sent.
/// Another node (PostgreSQL) taking the same seq, or a row changed since it was read, fails the batch on the key or the
/// case's version: the batch is tried again on a fresh context, then each work alone, so only a work that cannot be
/// stored fails.
/// </remarks>
public sealed class ChatWriter : BackgroundService
{
    public const int MaxBatchSize = 256;
    private const int GroupAttempts = 3;
    private const int LoneAttempts = 8;

    private readonly Channel<ChatWork> _queue = WorkChannel.CreateBounded<ChatWork>(new BoundedChannelOptions(20_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly SingleWriterContexts _contexts;
    private readonly CategoryCatalog _catalog;
    private readonly TriageEngine _triage;
    private readonly ChatHub _hub;
    private readonly ChatAgents _agents;
    private readonly IOptionsMonitor<ChatOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatWriter> _logger;
    private readonly CaseChanges? _caseChanges;
    private readonly SqliteCheckpointer? _checkpointer;
    private readonly CaseObservers _caseObservers;

    // For the debug log: works, commits and the writer's busy time per work.
    private long _statsStarted = Stopwatch.GetTimestamp();
    private long _statsBusyTicks;
    private int _statsWorks;
    private int _statsCommits;
    private TimeSpan _statsProcessorTime = Environment.CpuUsage.TotalTime;

    // Where a commit's wall time goes (debug log): the turn and BEGIN, the batch's loads, applying the works, save and commit.
    private static readonly string[] PhaseNames = ["turn and begin", "load", "apply", "save and commit"];
    private readonly long[] _statsPhaseTicks = new long[PhaseNames.Length];
    private long _phaseMark;

    private void Phase(int phase)
    {
        var now = Stopwatch.GetTimestamp();
        _statsPhaseTicks[phase] += now - _phaseMark;
        _phaseMark = now;
    }

    public ChatWriter(
        IServiceScopeFactory scopes, CategoryCatalog catalog, TriageEngine triage, ChatHub hub, ChatAgents agents, IOptionsMonitor<ChatOptions> options,
        IOptions<DatabaseOptions> databaseOptions, TimeProvider time, ILogger<ChatWriter> logger, IEnumerable<ICaseChangeObserver> caseObservers,
        CaseChanges? caseChanges = null, SqliteCheckpointer? checkpointer = null)
    {
        _caseObservers = new CaseObservers(caseObservers);
        _contexts = new SingleWriterContexts(scopes, databaseOptions, logger);
        _catalog = catalog;
        _triage = triage;
        _hub = hub;
        _agents = agents;
        _options = options;
        _time = time;
        _logger = logger;
        _caseChanges = caseChanges;
        _checkpointer = checkpointer;
    }

    /// <summary>Queues the message and returns once it is durable and triaged (or has failed).</summary>
    public async Task<ChatMessagePosted> SubmitAsync(VisitorMessageWork work, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(work, cancellationToken);
        // Once queued the message will be committed even if the visitor goes away: never cancel between queue and commit.
        return await work.Outcome.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
    }

    /// <summary>Queues an agent reply's dispatch; a failure leaves it queued for the sweep.</summary>
    public void Enqueue(ChatReplyWork work) => _queue.Writer.TryWrite(work);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<ChatWork>(MaxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var work))
                {
                    batch.Add(work);
                }

                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the web server has stopped taking requests; what is queued is still committed and answered.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var work))
            {
                batch.Add(work);
                if (batch.Count == MaxBatchSize)
                {
                    await CommitAsync(batch);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch);
            }
        }
        finally
        {
            await _contexts.DisposeAsync();
        }
    }

    private async Task CommitAsync(List<ChatWork> works)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await CommitWithRetriesAsync(works, works.Count > 1 ? GroupAttempts : LoneAttempts);
        }
        catch (Exception error) when (works.Count > 1)
        {
            // One bad work must not fail its neighbours: each alone, so only the bad one fails.
            _logger.LogWarning(error, "Group commit of {Count} chat works failed; committing them one by one", works.Count);
            foreach (var work in works)
            {
                try
                {
                    await CommitWithRetriesAsync([work], LoneAttempts);
                }
                catch (Exception lone)
                {
                    Fail(work, lone);
                }
            }
        }
        catch (Exception error)
        {
            Fail(works[0], error);
        }
        finally
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                LogLoad(works.Count, Stopwatch.GetTimestamp() - started);
            }
        }
    }

    private void Fail(ChatWork work, Exception error)
    {
        _logger.Log(work is ChatReplyWork ? LogLevel.Warning : LogLevel.Error, error, "Chat work {Work} failed", work.GetType().Name);
        work.Failed(error);
    }

    private async Task CommitWithRetriesAsync(List<ChatWork> works, int attempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await CommitOnceAsync(works);
                return;
            }
            catch (Exception error) when (attempt < attempts && error is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                // Whatever failed, the next try starts on a fresh connection and reads again.
                _contexts.Reset();
                _logger.LogDebug(error, "Chat commit of {Count} works, try {Attempt}, gave way", works.Count, attempt);
                await Task.Delay(attempt == 1 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)));
            }
            catch
            {
                _contexts.Reset();
                throw;
            }
        }
    }

    private async Task CommitOnceAsync(List<ChatWork> works)
    {
        await using var lease = await _contexts.OpenAsync(CancellationToken.None);
        var db = lease.Db;
        var batch = new ChatBatch(db, _time.GetUtcNow().UtcDateTime, await _catalog.GetAsync(CancellationToken.None),
            await _triage.GetAsync(CancellationToken.None), _options.CurrentValue, _agents.OnShift, _caseObservers);

        _phaseMark = Stopwatch.GetTimestamp();
        await db.SaveBatchAsync<Case, long>(async () =>
        {
            // The batch's reads happen inside its transaction (on SQLite, after taking the writer's turn): what it read
            // (a session's case, the last seq) stays true until it commits. Changes are detected once, before the save
            // (SaveBatchAsync turns automatic detection off): detected on every look-up, as EF Core does by default, a
            // batch's cost grew with the square of its size (measured: 35 ms of CPU per message at 200 connections).
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            Phase(0);
            await batch.LoadAsync(works);
            Phase(1);
            foreach (var work in works)
            {
                switch (work)
                {
                    case VisitorMessageWork message:
                        message.Posted = await batch.ApplyAsync(message);
                        break;
                    case ChatReplyWork reply:
                        batch.Apply(reply);
                        break;
                }
            }

            Phase(2);
            await SaveAsync(db, _caseObservers);
            await transaction.CommitAsync(CancellationToken.None);
            Phase(3);
        }, (Case c) => c.Id);

        _checkpointer?.Nudge();
        _caseChanges?.Publish(batch.Cases);
        var signals = batch.Signals.ToArray();
        var committed = works.ToArray();
        if (_contexts.Flusher is { } flusher)
        {
            // Answered, and the streams woken, once the log is on disk; meanwhile this thread writes the next batch.
            flusher.AfterCommit(error => Answer(committed, signals, error));
            return;
        }

        Answer(committed, signals, null);
    }

    private void Answer(ChatWork[] works, KeyValuePair<Guid, long>[] signals, Exception? notDurable)
    {
        foreach (var work in works)
        {
            if (notDurable is null)
            {
                work.Committed();
            }
            else
            {
                work.Failed(notDurable);
            }
        }

        if (notDurable is null)
        {
            foreach (var (sessionId, lastSeq) in signals)
            {
                _hub.Publish(sessionId, new ChatSignal(lastSeq));
            }
        }
    }

    private void LogLoad(int works, long busyTicks)
    {
        _statsWorks += works;
        _statsCommits++;
        _statsBusyTicks += busyTicks;
        var elapsed = Stopwatch.GetElapsedTime(_statsStarted);
        if (elapsed < TimeSpan.FromSeconds(5))
        {
            return;
        }

        var busy = TimeSpan.FromSeconds((double)_statsBusyTicks / Stopwatch.Frequency);
        var processorTime = Environment.CpuUsage.TotalTime;
        var cpu = processorTime - _statsProcessorTime;
        _logger.LogDebug(
            "Chat writer: {Works} works in {Commits} commits in {Seconds:F1} s, busy {Busy:F0} ms ({PerWork:F0} µs per work); process CPU {CpuPerWork:F0} µs per work",
            _statsWorks, _statsCommits, elapsed.TotalSeconds, busy.TotalMilliseconds, busy.TotalMicroseconds / _statsWorks, cpu.TotalMicroseconds / _statsWorks);
        _logger.LogDebug("Chat writer phases per commit: {Phases}", string.Join(", ", PhaseNames.Select((name, i) =>
            $"{name} {_statsPhaseTicks[i] * 1000.0 / Stopwatch.Frequency / _statsCommits:F2} ms")));
        Array.Clear(_statsPhaseTicks);
        _statsProcessorTime = processorTime;
        _statsStarted = Stopwatch.GetTimestamp();
        _statsWorks = _statsCommits = 0;
        _statsBusyTicks = 0;
    }

    /// <summary>One group commit's state: what it loaded up front, and the seqs it has handed out.</summary>
    /// <summary>
    /// Saves what the batch changed. Changes are detected once (automatic detection is off in a batch). The writer's own
    /// context runs no saving hooks, so the case observers (SLA clocks, metrics rollups) are shown the batch's cases here,
    /// as every other save shows them theirs; what they add or change is detected again before the save.
    /// </summary>
    private static async Task SaveAsync(TrustDeskDb db, CaseObservers observers)
    {
        db.ChangeTracker.DetectChanges();
        if (!SavingHooks.Run(db))
        {
            await observers.OnSavingAsync(db, CancellationToken.None);
            db.ChangeTracker.DetectChanges();
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private sealed class ChatBatch(TrustDeskDb db, DateTime now, CategoryCatalog.Snapshot catalog, CompiledRulePack rules, ChatOptions settings, int agentsOnShift,
        CaseObservers observers)
    {
        private readonly Dictionary<Guid, long> _lastSeq = [];
        private readonly Dictionary<(Guid, string), (long Seq, Guid? MessageId)> _stored = [];
        private readonly Dictionary<Guid, Message> _replies = [];
        private readonly Dictionary<long, Guid> _sessionOfCase = [];
        private readonly Dictionary<Guid, ChatSession> _sessions = [];
        private readonly Dictionary<Guid, Contact> _contacts = [];
        private readonly Dictionary<long, Case> _cases = [];
        private readonly Dictionary<Guid, long> _caseOfMessage = [];

        /// <summary>The last seq written per session: the streams to wake.</summary>
        public Dictionary<Guid, long> Signals { get; } = [];

        /// <summary>The cases written, for the consoles.</summary>
        public HashSet<long> Cases { get; } = [];

        public async Task LoadAsync(List<ChatWork> works)
        {
            var sessionIds = works.OfType<VisitorMessageWork>().Select(w => w.SessionId).ToHashSet();
            var replyIds = works.OfType<ChatReplyWork>().Select(w => w.MessageId).Distinct().ToList();
            if (replyIds.Count > 0)
            {
                foreach (var message in await db.Set<Message>().Where(m => replyIds.Contains(m.Id)).ToListAsync())
                {
                    _replies[message.Id] = message;
                }

                var caseIds = _replies.Values.Select(m => m.CaseId).Distinct().ToList();
                // The conversation most recently updated on the case (a closed case's conversation moved on to a new one).
                foreach (var link in (await db.ChatSessions.AsNoTracking().Where(s => s.CaseId != null && caseIds.Contains(s.CaseId.Value))
                    .Select(s => new { s.Id, CaseId = s.CaseId!.Value, s.UpdatedAt }).ToListAsync())
                    .GroupBy(s => s.CaseId).Select(g => g.MaxBy(s => s.UpdatedAt)!))
                {
                    _sessionOfCase[link.CaseId] = link.Id;
                }

                sessionIds.UnionWith(_sessionOfCase.Values);
            }

            // Tracked: the visitor's works change them (resume, crisis, a new case).
            var sessions = await db.ChatSessions.Where(s => sessionIds.Contains(s.Id)).ToListAsync();
            foreach (var session in sessions)
            {
                _sessions[session.Id] = session;
            }

            var contactIds = sessions.Select(s => s.ContactId).Distinct().ToList();
            foreach (var contact in await db.Contacts.Where(c => contactIds.Contains(c.Id)).ToListAsync())
            {
                _contacts[contact.Id] = contact;
            }

            var sessionCases = sessions.Where(s => s.CaseId is not null).Select(s => s.CaseId!.Value).Distinct().ToList();
            foreach (var @case in await db.Cases.Where(c => sessionCases.Contains(c.Id)).ToListAsync())
            {
                _cases[@case.Id] = @case;
            }

            var clientIds = works.OfType<VisitorMessageWork>().Where(w => w.ClientMessageId is not null).Select(w => w.ClientMessageId!).Distinct().ToList();
            if (clientIds.Count > 0)
            {
                foreach (var earlier in await db.ChatEvents.AsNoTracking()
                    .Where(e => sessionIds.Contains(e.SessionId) && e.ClientMessageId != null && clientIds.Contains(e.ClientMessageId))
                    .Select(e => new { e.SessionId, e.ClientMessageId, e.Seq, e.MessageId }).ToListAsync())
                {
                    _stored[(earlier.SessionId, earlier.ClientMessageId!)] = (earlier.Seq, earlier.MessageId);
                }
            }

            foreach (var last in await db.ChatEvents.Where(e => sessionIds.Contains(e.SessionId))
                .GroupBy(e => e.SessionId).Select(g => new { g.Key, Seq = g.Max(e => e.Seq) }).ToListAsync())
            {
                _lastSeq[last.Key] = last.Seq;
            }
        }

        private long NextSeq(Guid sessionId)
        {
            var seq = _lastSeq.GetValueOrDefault(sessionId) + 1;
            _lastSeq[sessionId] = seq;
            Signals[sessionId] = seq;
            return seq;
        }

        private ChatSession Session(Guid sessionId) =>
            _sessions.GetValueOrDefault(sessionId) ?? throw new InvalidOperationException($"Chat session {sessionId} was not found.");

        public async Task<ChatMessagePosted> ApplyAsync(VisitorMessageWork work)
        {
            var sessionId = work.SessionId;
            var session = Session(sessionId);
            if (work.ClientMessageId is { } clientId && _stored.TryGetValue((sessionId, clientId), out var earlier))
            {
                // A retry (or the same message sent twice at once): nothing new, the first one's answer.
                var caseId = earlier.MessageId is { } messageId && _caseOfMessage.TryGetValue(messageId, out var known) ? known : await db.Set<Message>().AsNoTracking().Where(m => m.Id == earlier.MessageId).Select(m => m.CaseId).FirstAsync();
                return new ChatMessagePosted(earlier.Seq, caseId, Case.FormatNumber(caseId), clientId, session.Crisis, Replayed: true);
            }

            var contact = _contacts.GetValueOrDefault(session.ContactId) ?? throw new InvalidOperationException($"Contact {session.ContactId} was not found.");
            var actor = new Actor("contact", contact.Id.ToString(), session.VisitorName);
            var first = session.CaseId is null;
            var @case = session.CaseId is { } current ? _cases.GetValueOrDefault(current) : null;
            var created = false;
            if (@case is null || @case.Status == CaseStatus.Closed)
            {
                // A closed case takes no more messages: the conversation goes on, on a new case linked to it.
                @case = OpenChatCase.Open(db, catalog, session, contact, actor, now, @case?.Id);
                created = true;
            }
            else if (@case.Status is CaseStatus.Solved or CaseStatus.PendingUser)
            {
                @case.ChangeStatus(CaseStatus.Open, actor, now);
            }

            session.Resume(now);
            var message = @case.AddMessage(MessageDirection.Inbound, Channel.Chat, work.Text, actor, now);
            var crisis = await TriageChatMessage.ApplyAsync(db, catalog, rules, @case, created, contact, work.Text, now, CancellationToken.None);
            if (created)
            {
                // Saved at once (in the batch's transaction) for its id, once triage has set it: the observers count it
                // opened with the severity and queue it got in this commit, as a report's case is.
                await SaveAsync(db, observers);
                session.MoveToCase(@case.Id, now);
                _cases[@case.Id] = @case;
            }

            var seq = NextSeq(sessionId);
            db.ChatEvents.Add(new ChatEvent(sessionId, seq, ChatEvent.MessageType, ChatEvent.FromVisitor, work.Text, session.VisitorName, work.ClientMessageId, message.Id, null, now));
            if (crisis && !session.Crisis)
            {
                // Before any agent answers: the resources go out in the same commit as the message that needed them.
                session.MarkCrisis(now);
                db.ChatEvents.Add(new ChatEvent(sessionId, NextSeq(sessionId), ChatEvent.SystemType, ChatEvent.FromSystem, settings.CrisisResources, null, null, null, null, now));
            }

            if (first && agentsOnShift == 0)
            {
                db.ChatEvents.Add(new ChatEvent(sessionId, NextSeq(sessionId), ChatEvent.SystemType, ChatEvent.FromSystem,
                    session.VisitorEmail is null ? settings.NoAgentText.Replace(" by email at the address you gave", " here as soon as someone is on shift", StringComparison.Ordinal) : settings.NoAgentText,
                    null, null, null, null, now));
            }

            if (work.ClientMessageId is not null)
            {
                _stored[(sessionId, work.ClientMessageId)] = (seq, message.Id);
            }

            _caseOfMessage[message.Id] = @case.Id;
            Cases.Add(@case.Id);
            return new ChatMessagePosted(seq, @case.Id, @case.Number, work.ClientMessageId, session.Crisis, Replayed: false);
        }

        public void Apply(ChatReplyWork work)
        {
            // Gone, or already dispatched (by the sweep, another node, or earlier in this batch): nothing to do.
            if (!_replies.TryGetValue(work.MessageId, out var message) || message.DeliveryState != Message.Queued)
            {
                return;
            }

            if (!_sessionOfCase.TryGetValue(message.CaseId, out var sessionId))
            {
                message.MarkFailed("The case has no chat conversation to answer.");
                return;
            }

            var seq = NextSeq(sessionId);
            db.ChatEvents.Add(new ChatEvent(sessionId, seq, ChatEvent.MessageType, ChatEvent.FromAgent, message.Text, DispatchChatReplies.FirstName(message.AuthorName),
                null, message.Id, null, now));
            message.MarkSent();
        }
    }
}
