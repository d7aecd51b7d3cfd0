using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MetricRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written (not CreateTable) for one clause EF Core cannot say: WITHOUT ROWID. The rows are then stored in the
            // order of their key (grain, hour, queue, ...), so a month of one grain is one contiguous range, read without a
            // look-up per row; measured by the dashboard bench (docs/benchmarks.md). A later migration that rebuilds this
            // table through EF Core would drop the clause: write it by hand again.
            migrationBuilder.Sql("""
                CREATE TABLE "MetricRollups" (
                    "Grain" INTEGER NOT NULL,
                    "HourStart" TEXT NOT NULL,
                    "QueueId" TEXT NOT NULL,
                    "Severity" INTEGER NOT NULL,
                    "Category" TEXT NOT NULL,
                    "Channel" TEXT NOT NULL,
                    "Agent" TEXT NOT NULL,
                    "Created" INTEGER NOT NULL,
                    "Reports" INTEGER NOT NULL,
                    "Solved" INTEGER NOT NULL,
                    "Reopened" INTEGER NOT NULL,
                    "InboundMessages" INTEGER NOT NULL,
                    "OutboundMessages" INTEGER NOT NULL,
                    "FirstReplies" INTEGER NOT NULL,
                    "FirstReplySeconds" INTEGER NOT NULL,
                    "ResolutionSeconds" INTEGER NOT NULL,
                    "SlaMet" INTEGER NOT NULL,
                    "SlaMissed" INTEGER NOT NULL,
                    "SlaBreaches" INTEGER NOT NULL,
                    "Escalations" INTEGER NOT NULL,
                    "Actions" INTEGER NOT NULL,
                    "CsatSent" INTEGER NOT NULL,
                    "CsatResponses" INTEGER NOT NULL,
                    "CsatScoreSum" INTEGER NOT NULL,
                    "Csat1" INTEGER NOT NULL,
                    "Csat2" INTEGER NOT NULL,
                    "Csat3" INTEGER NOT NULL,
                    "Csat4" INTEGER NOT NULL,
                    "Csat5" INTEGER NOT NULL,
                    "Frt0" INTEGER NOT NULL,
                    "Frt1" INTEGER NOT NULL,
                    "Frt2" INTEGER NOT NULL,
                    "Frt3" INTEGER NOT NULL,
                    "Frt4" INTEGER NOT NULL,
                    "Frt5" INTEGER NOT NULL,
                    "Frt6" INTEGER NOT NULL,
                    "Frt7" INTEGER NOT NULL,
                    "Frt8" INTEGER NOT NULL,
                    "Frt9" INTEGER NOT NULL,
                    "Frt10" INTEGER NOT NULL,
                    "Frt11" INTEGER NOT NULL,
                    "Frt12" INTEGER NOT NULL,
                    "Frt13" INTEGER NOT NULL,
                    "Frt14" INTEGER NOT NULL,
                    "Frt15" INTEGER NOT NULL,
                    "Res0" INTEGER NOT NULL,
                    "Res1" INTEGER NOT NULL,
                    "Res2" INTEGER NOT NULL,
                    "Res3" INTEGER NOT NULL,
                    "Res4" INTEGER NOT NULL,
                    "Res5" INTEGER NOT NULL,
                    "Res6" INTEGER NOT NULL,
                    "Res7" INTEGER NOT NULL,
                    "Res8" INTEGER NOT NULL,
                    "Res9" INTEGER NOT NULL,
                    "Res10" INTEGER NOT NULL,
                    "Res11" INTEGER NOT NULL,
                    "Res12" INTEGER NOT NULL,
                    "Res13" INTEGER NOT NULL,
                    "Res14" INTEGER NOT NULL,
                    "Res15" INTEGER NOT NULL,
                    CONSTRAINT "PK_MetricRollups" PRIMARY KEY ("Grain", "HourStart", "QueueId", "Severity", "Category", "Channel", "Agent")
                ) WITHOUT ROWID;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MetricRollups");
        }
    }
}
