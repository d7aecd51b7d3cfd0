using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
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
                    Grain = table.Column<int>(type: "integer", nullable: false),
                    HourStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    QueueId = table.Column<Guid>(type: "uuid", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Agent = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Created = table.Column<int>(type: "integer", nullable: false),
                    Reports = table.Column<int>(type: "integer", nullable: false),
                    Solved = table.Column<int>(type: "integer", nullable: false),
                    Reopened = table.Column<int>(type: "integer", nullable: false),
                    InboundMessages = table.Column<int>(type: "integer", nullable: false),
                    OutboundMessages = table.Column<int>(type: "integer", nullable: false),
                    FirstReplies = table.Column<int>(type: "integer", nullable: false),
                    FirstReplySeconds = table.Column<long>(type: "bigint", nullable: false),
                    ResolutionSeconds = table.Column<long>(type: "bigint", nullable: false),
                    SlaMet = table.Column<int>(type: "integer", nullable: false),
                    SlaMissed = table.Column<int>(type: "integer", nullable: false),
                    SlaBreaches = table.Column<int>(type: "integer", nullable: false),
                    Escalations = table.Column<int>(type: "integer", nullable: false),
                    Actions = table.Column<int>(type: "integer", nullable: false),
                    CsatSent = table.Column<int>(type: "integer", nullable: false),
                    CsatResponses = table.Column<int>(type: "integer", nullable: false),
                    CsatScoreSum = table.Column<int>(type: "integer", nullable: false),
                    Csat1 = table.Column<int>(type: "integer", nullable: false),
                    Csat2 = table.Column<int>(type: "integer", nullable: false),
                    Csat3 = table.Column<int>(type: "integer", nullable: false),
                    Csat4 = table.Column<int>(type: "integer", nullable: false),
                    Csat5 = table.Column<int>(type: "integer", nullable: false),
                    Frt0 = table.Column<int>(type: "integer", nullable: false),
                    Frt1 = table.Column<int>(type: "integer", nullable: false),
                    Frt2 = table.Column<int>(type: "integer", nullable: false),
                    Frt3 = table.Column<int>(type: "integer", nullable: false),
                    Frt4 = table.Column<int>(type: "integer", nullable: false),
                    Frt5 = table.Column<int>(type: "integer", nullable: false),
                    Frt6 = table.Column<int>(type: "integer", nullable: false),
                    Frt7 = table.Column<int>(type: "integer", nullable: false),
                    Frt8 = table.Column<int>(type: "integer", nullable: false),
                    Frt9 = table.Column<int>(type: "integer", nullable: false),
                    Frt10 = table.Column<int>(type: "integer", nullable: false),
                    Frt11 = table.Column<int>(type: "integer", nullable: false),
                    Frt12 = table.Column<int>(type: "integer", nullable: false),
                    Frt13 = table.Column<int>(type: "integer", nullable: false),
                    Frt14 = table.Column<int>(type: "integer", nullable: false),
                    Frt15 = table.Column<int>(type: "integer", nullable: false),
                    Res0 = table.Column<int>(type: "integer", nullable: false),
                    Res1 = table.Column<int>(type: "integer", nullable: false),
                    Res2 = table.Column<int>(type: "integer", nullable: false),
                    Res3 = table.Column<int>(type: "integer", nullable: false),
                    Res4 = table.Column<int>(type: "integer", nullable: false),
                    Res5 = table.Column<int>(type: "integer", nullable: false),
                    Res6 = table.Column<int>(type: "integer", nullable: false),
                    Res7 = table.Column<int>(type: "integer", nullable: false),
                    Res8 = table.Column<int>(type: "integer", nullable: false),
                    Res9 = table.Column<int>(type: "integer", nullable: false),
                    Res10 = table.Column<int>(type: "integer", nullable: false),
                    Res11 = table.Column<int>(type: "integer", nullable: false),
                    Res12 = table.Column<int>(type: "integer", nullable: false),
                    Res13 = table.Column<int>(type: "integer", nullable: false),
                    Res14 = table.Column<int>(type: "integer", nullable: false),
                    Res15 = table.Column<int>(type: "integer", nullable: false)
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
