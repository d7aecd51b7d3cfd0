using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "AnsweredAt",
                table: "Escalations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAt",
                table: "Escalations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DueAt",
                table: "Escalations",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "EvidenceIds",
                table: "Escalations",
                type: "TEXT",
                maxLength: 740,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "QuestionMessageId",
                table: "Escalations",
                type: "TEXT",
                nullable: true);

            // Escalations made before they had a due date get the default target from when they were made.
            migrationBuilder.Sql("""UPDATE "Escalations" SET "DueAt" = datetime("CreatedAt", '+1 day');""");

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Escalations_Department_Status_DueAt",
                table: "Escalations",
                columns: new[] { "Department", "Status", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_CreatedAt",
                table: "Notifications",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_UserId_ReadAt",
                table: "Notifications",
                columns: new[] { "UserId", "ReadAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Escalations_Department_Status_DueAt",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "EvidenceIds",
                table: "Escalations");

            migrationBuilder.DropColumn(
                name: "QuestionMessageId",
                table: "Escalations");
        }
    }
}
