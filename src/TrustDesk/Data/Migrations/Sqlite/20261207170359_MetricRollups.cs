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
            migrationBuilder.CreateTable(
                name: "MetricRollups",
                columns: table => new
                {
                    Grain = table.Column<int>(type: "INTEGER", nullable: false),
                    HourStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    QueueId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Agent = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Reports = table.Column<int>(type: "INTEGER", nullable: false),
                    Solved = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    InboundMessages = table.Column<int>(type: "INTEGER", nullable: false),
                    OutboundMessages = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstReplies = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstReplySeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolutionSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    SlaMet = table.Column<int>(type: "INTEGER", nullable: false),
                    SlaMissed = table.Column<int>(type: "INTEGER", nullable: false),
                    SlaBreaches = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalations = table.Column<int>(type: "INTEGER", nullable: false),
                    Actions = table.Column<int>(type: "INTEGER", nullable: false),
                    CsatSent = table.Column<int>(type: "INTEGER", nullable: false),
                    CsatResponses = table.Column<int>(type: "INTEGER", nullable: false),
                    CsatScoreSum = table.Column<int>(type: "INTEGER", nullable: false),
                    Csat1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Csat2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Csat3 = table.Column<int>(type: "INTEGER", nullable: false),
                    Csat4 = table.Column<int>(type: "INTEGER", nullable: false),
                    Csat5 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt0 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt3 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt4 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt5 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt6 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt7 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt8 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt9 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt10 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt11 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt12 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt13 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt14 = table.Column<int>(type: "INTEGER", nullable: false),
                    Frt15 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res0 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res3 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res4 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res5 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res6 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res7 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res8 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res9 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res10 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res11 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res12 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res13 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res14 = table.Column<int>(type: "INTEGER", nullable: false),
                    Res15 = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetricRollups", x => new { x.Grain, x.HourStart, x.QueueId, x.Severity, x.Category, x.Channel, x.Agent });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MetricRollups");
        }
    }
}
