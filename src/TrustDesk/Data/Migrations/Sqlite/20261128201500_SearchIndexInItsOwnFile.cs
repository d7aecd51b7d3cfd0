using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Sqlite
{
    /// <summary>
    /// Full-text search moves to a file of its own (search.db, see Data/SqliteSearchIndex.cs), indexed off the
    /// writers' transactions. The FTS5 tables and the triggers that fed them go; what stays is a small queue of renamed
    /// cases, the one change to indexed text that new-row watermarks cannot see. The new index builds itself from the
    /// database on first start.
    /// </summary>
    public partial class SearchIndexInItsOwnFile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS Messages_Search_Delete;
                DROP TRIGGER IF EXISTS Messages_Search_Update;
                DROP TRIGGER IF EXISTS Messages_Search_Insert;
                DROP TRIGGER IF EXISTS Cases_Search_Delete;
                DROP TRIGGER IF EXISTS Cases_Search_Update;
                DROP TRIGGER IF EXISTS Cases_Search_Insert;
                DROP TABLE IF EXISTS MessageSearch;
                DROP TABLE IF EXISTS CaseTitleSearch;
                CREATE TABLE "SearchTitleChanges" ("Seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "CaseId" INTEGER NOT NULL);
                CREATE TRIGGER Cases_Title_Changed AFTER UPDATE OF Title ON Cases WHEN new.Title IS NOT old.Title BEGIN
                    INSERT INTO "SearchTitleChanges" ("CaseId") VALUES (new.Id);
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS Cases_Title_Changed;
                DROP TABLE IF EXISTS "SearchTitleChanges";
                CREATE VIRTUAL TABLE CaseTitleSearch USING fts5(title, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE MessageSearch USING fts5(text, case_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');
                INSERT INTO CaseTitleSearch(rowid, title) SELECT Id, Title FROM Cases;
                INSERT INTO MessageSearch(rowid, text, case_id) SELECT rowid, Text, CaseId FROM Messages;
                CREATE TRIGGER Cases_Search_Insert AFTER INSERT ON Cases BEGIN
                    INSERT INTO CaseTitleSearch(rowid, title) VALUES (new.Id, new.Title);
                END;
                CREATE TRIGGER Cases_Search_Update AFTER UPDATE OF Title ON Cases BEGIN
                    UPDATE CaseTitleSearch SET title = new.Title WHERE rowid = new.Id;
                END;
                CREATE TRIGGER Cases_Search_Delete AFTER DELETE ON Cases BEGIN
                    DELETE FROM CaseTitleSearch WHERE rowid = old.Id;
                END;
                CREATE TRIGGER Messages_Search_Insert AFTER INSERT ON Messages BEGIN
                    INSERT INTO MessageSearch(rowid, text, case_id) VALUES (new.rowid, new.Text, new.CaseId);
                END;
                CREATE TRIGGER Messages_Search_Update AFTER UPDATE OF Text ON Messages BEGIN
                    UPDATE MessageSearch SET text = new.Text WHERE rowid = new.rowid;
                END;
                CREATE TRIGGER Messages_Search_Delete AFTER DELETE ON Messages BEGIN
                    DELETE FROM MessageSearch WHERE rowid = old.rowid;
                END;
                """);
        }
    }
}
