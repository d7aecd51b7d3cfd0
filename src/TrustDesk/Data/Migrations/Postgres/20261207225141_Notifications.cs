using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAt",
                table: "Escalations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DueAt",
                table: "Escalations",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "EvidenceIds",
                table: "Escalations",
                type: "character varying(740)",
                maxLength: 740,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "QuestionMessageId",
                table: "Escalations",
                type: "uuid",
                nullable: true);

            // Escalations made before they had a due date get the default target from when they were made.
            migrationBuilder.Sql("""UPDATE "Escalations" SET "DueAt" = "CreatedAt" + interval '1 day';""");

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Text = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
