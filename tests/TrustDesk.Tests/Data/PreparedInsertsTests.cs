using TrustDesk.Data;
using TrustDesk.Intake;
using TrustDesk.Queues;
using TrustDesk.Subjects;
using TrustDesk.Taxonomy;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using TrustDesk.Cases;
using TrustDesk.Api;

namespace TrustDesk.Tests.Data;

public sealed class PreparedInsertsTests : IAsyncLifetime
{
    private static readonly DateTime Now = new(2026, 11, 28, 9, 30, 15, 123, DateTimeKind.Utc);
    private readonly string _directory = Directory.CreateTempSubdirectory("trustdesk-test-").FullName;

    private static readonly string[] Tables =
    [
        "Subjects", "SubjectLinks", "SubjectIdentifiers", "Cases", "CaseEvents", "CaseSubjects", "Messages", "Reports",
        "Events", "EventSubjects", "IdempotencyRecords", "AuditEntries",
    ];

    [Fact]
    public async Task SaveChangesAsync_AddedGraph_WritesTheRowsSaveChangesWrites()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var entities = MakeIntakeGraph();
        await using (var prepared = await OpenAsync("prepared.db"))
        {
            var types = prepared.Model.GetEntityTypes().Select(t => t.ClrType).Where(t => Tables.Contains(prepared.Model.FindEntityType(t)!.GetTableName()));
            Assert.All(types, type => Assert.True(PreparedInserts.Takes(prepared, type), $"{type.Name} falls back to SaveChanges"));

            // What triage adds in the same commit is taken too, or every rule hit would send the whole save to EF Core.
            Assert.True(PreparedInserts.Takes(prepared, typeof(RecordedRuleHit)));
            Assert.True(PreparedInserts.Takes(prepared, typeof(ProposedAction)));
            prepared.AddRange(entities);
            await prepared.SaveBatchAsync(() => prepared.SaveChangesAsync(cancellationToken), (Case c) => c.Id);
        }

        // The same objects, now carrying the case id the first database gave them, saved by EF Core itself.
        await using (var saved = await OpenAsync("saved.db"))
        {
            saved.AddRange(entities);
            await saved.SaveChangesAsync(cancellationToken);
        }

        await AssertSameRowsAsync("saved.db", "prepared.db", Tables);
    }

    [Fact]
    public async Task SaveChangesAsync_AddedAndModified_CommitsBothTogether()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var actor = new Actor("account", "u-9", "u-9");
        var caseId = await SeedSpamCaseAsync(actor);

        await using (var db = await OpenAsync("trustdesk.db"))
        {
            var @case = await db.Cases.SingleAsync(c => c.Id == caseId, cancellationToken);
            @case.AddReport("Again.", null, actor, Now.AddMinutes(1));
            await db.SaveBatchAsync(() => db.SaveChangesAsync(cancellationToken), (Case c) => c.Id);
        }

        await using (var db = await OpenAsync("trustdesk.db"))
        {
            var @case = await db.Cases.Include(c => c.Messages).Include(c => c.Events).SingleAsync(c => c.Id == caseId, cancellationToken);
            Assert.Equal(1, @case.ReportCount);
            Assert.Single(@case.Messages);
            Assert.Equal(2, @case.Events.Count);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrackedWrites_NewGraph_WritesTheRowsSaveChangesWrites(bool onTheWritersConnection)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var entities = MakeIntakeGraph();
        await using (var untracked = await OpenAsync("untracked.db"))
        {
            if (onTheWritersConnection)
            {
                // As the intake writer keeps its connection: statements kept, rows bound through SQLite's own API.
                await untracked.Database.OpenConnectionAsync(cancellationToken);
                var connection = (SqliteConnection)untracked.Database.GetDbConnection();
                SqliteStatements.KeepFor(connection);
                Assert.NotNull(SqliteStatements.For(connection));
            }

            var writes = new UntrackedWrites(untracked);
            foreach (var entity in entities)
            {
                writes.Insert(entity);
            }

            await using var transaction = await untracked.Database.BeginTransactionAsync(cancellationToken);
            var saved = await writes.SaveAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            // The roots and what hangs from them: the case's events, message and links, the seller's link and identifier.
            Assert.Contains(saved.Inserted, e => e is CaseEvent);
            Assert.Contains(saved.Inserted, e => e is SubjectIdentifier);
            Assert.Empty(untracked.ChangeTracker.Entries());
        }

        await using (var tracked = await OpenAsync("tracked.db"))
        {
            tracked.AddRange(entities);
            await tracked.SaveChangesAsync(cancellationToken);
        }

        // Audit entries are the writer's to append (SaveChanges appends them for the case events it saves).
        await AssertSameRowsAsync("tracked.db", "untracked.db", Tables.Where(t => t != "AuditEntries"));
    }

    [Fact]
    public async Task DirectQuery_ReadsTheEntitiesEfCoreReads()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var db = await OpenAsync("trustdesk.db");
        db.AddRange(MakeIntakeGraph());
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        SqliteStatements.KeepFor(connection);
        var statements = SqliteStatements.For(connection)!;

        AssertSame(await db.Subjects.AsNoTracking().OrderBy(s => s.ExternalId).ToListAsync(cancellationToken),
            statements.Query<Subject>(db.Model.FindEntityType(typeof(Subject))!, "ORDER BY \"ExternalId\"", _ => { }));
        AssertSame(await db.Cases.AsNoTracking().ToListAsync(cancellationToken),
            statements.Query<Case>(db.Model.FindEntityType(typeof(Case))!, "", _ => { }));
        AssertSame(await db.CaseSubjects.AsNoTracking().OrderBy(s => s.Role).ToListAsync(cancellationToken),
            statements.Query<CaseSubject>(db.Model.FindEntityType(typeof(CaseSubject))!, "ORDER BY \"Role\"", _ => { }));

        // A list goes in as a JSON array of stored values (an enum as its text, a Guid upper-case).
        var subjectType = db.Model.FindEntityType(typeof(Subject))!;
        var accounts = statements.Query<Subject>(subjectType, "WHERE \"Kind\" IN (SELECT value FROM json_each(?1))",
            statement => SqliteStatements.Bind(statement, 1, SqliteStatements.JsonArray(subjectType.FindProperty(nameof(Subject.Kind))!, new object[] { SubjectKind.Account })))!;
        Assert.Equal(await db.Subjects.CountAsync(s => s.Kind == SubjectKind.Account, cancellationToken), accounts.Count);
        Assert.NotEmpty(accounts);

        void AssertSame<T>(List<T> byEf, List<T>? direct)
            where T : class
        {
            Assert.NotNull(direct);
            Assert.NotEmpty(byEf);
            var type = db.Model.FindEntityType(typeof(T))!;
            string Row(T entity) => string.Join(" | ", type.GetProperties().Select(p =>
                $"{p.Name}={PreparedInserts.TablePlan.ProviderValue(p.GetRelationalTypeMapping(), p.GetGetter().GetClrValueUsingContainingEntity(entity))}"));
            Assert.Equal(byEf.Select(Row), direct.Select(Row));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrackedWrites_LoadedCase_UpdatedOnlyWhenChanged_AndNeverOverAnotherWritersChange(bool onTheWritersConnection)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var actor = new Actor("account", "u-9", "u-9");
        var caseId = await SeedSpamCaseAsync(actor);

        // Read and left alone: no UPDATE. Read and given a report: updated, with the new event and message inserted.
        await using (var db = await OpenWriterAsync("trustdesk.db", onTheWritersConnection))
        {
            var writes = new UntrackedWrites(db);
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            writes.Loaded(@case);
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                var saved = await writes.SaveAsync(cancellationToken);
                Assert.Empty(saved.Updated);
                Assert.Empty(saved.Inserted);
                await transaction.CommitAsync(cancellationToken);
            }

            writes.Loaded(@case);
            @case.AddReport("Again.", null, actor, Now.AddMinutes(1));
            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                var saved = await writes.SaveAsync(cancellationToken);
                Assert.Same(@case, Assert.Single(saved.Updated));
                Assert.Equal(2, saved.Inserted.Count);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        // Read, then changed by an agent before this save: the save fails and the agent's change stays.
        await using (var db = await OpenWriterAsync("trustdesk.db", onTheWritersConnection))
        {
            var writes = new UntrackedWrites(db);
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            writes.Loaded(@case);
            await using (var agent = await OpenAsync("trustdesk.db"))
            {
                var theirs = await agent.Cases.SingleAsync(c => c.Id == caseId, cancellationToken);
                theirs.ChangeSeverity(Severity.S1, new Actor("user", "agent-1", "Agent"), Now.AddMinutes(2));
                await agent.SaveChangesAsync(cancellationToken);
            }

            @case.AddReport("And again.", null, actor, Now.AddMinutes(3));
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => writes.SaveAsync(cancellationToken));
        }

        await using (var db = await OpenAsync("trustdesk.db"))
        {
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            Assert.Equal(Severity.S1, @case.Severity);
            Assert.Equal(1, @case.ReportCount);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrackedWrites_LoadedCase_SetsOnlyTheColumnsThatChanged(bool onTheWritersConnection)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var actor = new Actor("account", "u-9", "u-9");
        var caseId = await SeedSpamCaseAsync(actor);

        await using (var db = await OpenWriterAsync("trustdesk.db", onTheWritersConnection))
        {
            var writes = new UntrackedWrites(db);
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            writes.Loaded(@case);

            // A column this save does not change, changed meanwhile without its version: an UPDATE of every column
            // would put the loaded title back.
            await db.Database.ExecuteSqlAsync($"""UPDATE "Cases" SET "Title" = 'Renamed by hand' WHERE "Id" = {caseId}""", cancellationToken);
            @case.AddReport("Again.", null, actor, Now.AddMinutes(1));
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            Assert.Same(@case, Assert.Single((await writes.SaveAsync(cancellationToken)).Updated));
            await transaction.CommitAsync(cancellationToken);
        }

        await using (var db = await OpenAsync("trustdesk.db"))
        {
            var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == caseId, cancellationToken);
            Assert.Equal("Renamed by hand", @case.Title);
            Assert.Equal(1, @case.ReportCount);
        }
    }

    private async Task AssertSameRowsAsync(string expectedFile, string actualFile, IEnumerable<string> tables)
    {
        foreach (var table in tables)
        {
            var expected = await DumpAsync(expectedFile, table);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await DumpAsync(actualFile, table));
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>What intake adds in one group commit: subjects with a link and an identifier, a case with its report, an event, an idempotency record.</summary>
    private static List<object> MakeIntakeGraph()
    {
        var actor = new Actor("api_key", "key-1", "Marketplace");
        var seller = new Subject(SubjectKind.Account, "u-seller", Now);
        var reporter = new Subject(SubjectKind.Account, "u-buyer", Now);
        var stream = new Subject(SubjectKind.Livestream, "s-1", Now);
        seller.Link("host_of", stream.Id, Now);
        seller.Identify(IdentifierType.Email, "Seller@Example.com", Now);
        var @case = Case.OpenForReports("Order not received: account u-seller", Severity.S3, "order.not_received",
            DefaultQueues.All[0], seller.Id, actor, Now);
        @case.AddReport("Paid two weeks ago, nothing arrived. Ünïcödé too.", reporter.Id, new Actor("account", "u-buyer", "u-buyer"), Now);
        var report = new Report(Guid.CreateVersion7(Now), @case.Id, seller.Id, reporter.Id, "order.not_received", "nr_14d",
            "Paid two weeks ago, nothing arrived. Ünïcödé too.", "[\"https://cdn.example.com/1.jpg\"]", "r-1", Now);
        report.AttachTo(@case);
        var platformEvent = new PlatformEvent("ev-1", "order.placed", Now.AddDays(-14), "{\"amount\":42}", Now);
        platformEvent.Involve(seller.Id, "seller");
        platformEvent.Involve(reporter.Id, "buyer");
        var idempotency = new IdempotencyRecord("key-1", "idem-1", new string('a', 64), SubmitReport.Operation, report.Id.ToString(), Now);
        return [seller, reporter, stream, @case, report, platformEvent, idempotency];
    }

    // One reported account and the open spam case about it, as an earlier batch would have left them.
    private async Task<long> SeedSpamCaseAsync(Actor actor)
    {
        await using var db = await OpenAsync("trustdesk.db");
        var subject = new Subject(SubjectKind.Account, "u-1", Now);
        var @case = Case.OpenForReports("Spam: u-1", Severity.S4, "conduct.spam", DefaultQueues.All[0], subject.Id, actor, Now);
        db.AddRange(subject, @case);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return @case.Id;
    }

    // A context whose connection stays open and binds through SQLite's API, as the intake writer's does (or a plain one).
    private async Task<SqliteTrustDeskDb> OpenWriterAsync(string file, bool keepStatements)
    {
        var db = await OpenAsync(file);
        if (keepStatements)
        {
            await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            SqliteStatements.KeepFor((SqliteConnection)db.Database.GetDbConnection());
        }

        return db;
    }

    private async Task<SqliteTrustDeskDb> OpenAsync(string file)
    {
        var options = new DbContextOptionsBuilder<SqliteTrustDeskDb>().UseSqlite($"Data Source={Path.Combine(_directory, file)}").Options;
        var db = new SqliteTrustDeskDb(options);
        await DatabaseMigrator.MigrateAsync(db, TestContext.Current.CancellationToken);
        return db;
    }

    /// <summary>
    /// Every row of a table as SQLite stores it (type and value of each column), so formats are compared too; sorted,
    /// since the two paths may insert the rows of one table in another order.
    /// </summary>
    private async Task<List<string>> DumpAsync(string file, string table)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, file)}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            var columns = new List<string>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                columns.Add($"{reader.GetName(i)}={reader.GetDataTypeName(i)}:{(reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))}");
            }

            rows.Add(string.Join(" | ", columns));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
