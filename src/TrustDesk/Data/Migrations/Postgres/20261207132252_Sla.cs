using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Sla : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DueAt",
                table: "Cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SlaCheckAt",
                table: "Cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SlaState",
                table: "Cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "CaseTargets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Calendar = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Target = table.Column<TimeSpan>(type: "interval", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Elapsed = table.Column<TimeSpan>(type: "interval", nullable: false),
                    RunningSince = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WarnAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WarnedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    MetAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    BreachedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaseTargets_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_DueAt_Id",
                table: "Cases",
                columns: new[] { "DueAt", "Id" },
                filter: "\"DueAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_SlaCheckAt",
                table: "Cases",
                column: "SlaCheckAt",
                filter: "\"SlaCheckAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_CaseTargets_CaseId",
                table: "CaseTargets",
                column: "CaseId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CaseTargets");

            migrationBuilder.DropIndex(
                name: "IX_Cases_DueAt_Id",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_SlaCheckAt",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "SlaCheckAt",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "SlaState",
                table: "Cases");
        }
    }
}
