using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ConsoleSavedViewsAndMacros : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Macros",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Type = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Template = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Macros", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SavedViews",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Status = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Severity = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Assignee = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Queue = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Search = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedViews", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedViews_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "Macros",
                columns: new[] { "Id", "Name", "Template", "Type", "UpdatedAt", "UpdatedBy" },
                values: new object[,]
                {
                    { new Guid("0193a0c0-0000-7000-8000-000000000001"), "Acknowledge", "Hi {{ requester.name }},\n\nThank you for reporting this. We are looking into case {{ case.number }} now and will write again as soon as we know more.\n\n{{ agent.name }}, Trust & Safety", "reply", new DateTime(2026, 11, 28, 0, 0, 0, 0, DateTimeKind.Utc), null },
                    { new Guid("0193a0c0-0000-7000-8000-000000000002"), "Ask for order details", "Hi {{ requester.name }},\n\nTo look into case {{ case.number }} we need the order number and, if you have them, photos of what arrived.\n\n{{ agent.name }}, Trust & Safety", "reply", new DateTime(2026, 11, 28, 0, 0, 0, 0, DateTimeKind.Utc), null },
                    { new Guid("0193a0c0-0000-7000-8000-000000000003"), "Resolved", "Hi {{ requester.name }},\n\nWe have acted on case {{ case.number }} ({{ case.title }}). Thank you for helping keep the marketplace safe.\n\n{{ agent.name }}, Trust & Safety", "reply", new DateTime(2026, 11, 28, 0, 0, 0, 0, DateTimeKind.Utc), null },
                    { new Guid("0193a0c0-0000-7000-8000-000000000004"), "Note: checked linked accounts", "Checked linked accounts for {{ case.number }}: no shared devices or payment fingerprints found.", "note", new DateTime(2026, 11, 28, 0, 0, 0, 0, DateTimeKind.Utc), null }
                });

            migrationBuilder.CreateIndex(
                name: "IX_Macros_Name",
                table: "Macros",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedViews_UserId_Name",
                table: "SavedViews",
                columns: new[] { "UserId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Macros");

            migrationBuilder.DropTable(
                name: "SavedViews");
        }
    }
}
