using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Signals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Cases_Status_Severity_Id",
                table: "Cases");

            migrationBuilder.AddColumn<DateTime>(
                name: "LiveChangedAt",
                table: "Subjects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LiveSince",
                table: "Subjects",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Band",
                table: "Cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "SignalBuckets",
                columns: table => new
                {
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Resolution = table.Column<int>(type: "integer", nullable: false),
                    BucketStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignalBuckets", x => new { x.SubjectId, x.Name, x.Resolution, x.BucketStart });
                    table.ForeignKey(
                        name: "FK_SignalBuckets_Subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_PrimarySubjectId",
                table: "Cases",
                column: "PrimarySubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Status_Band_Id",
                table: "Cases",
                columns: new[] { "Status", "Band", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_SignalBuckets_Resolution_BucketStart",
                table: "SignalBuckets",
                columns: new[] { "Resolution", "BucketStart" });

            // Cases that existed before the band: it equals the severity (nothing was flagged live yet).
            migrationBuilder.Sql("UPDATE \"Cases\" SET \"Band\" = \"Severity\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SignalBuckets");

            migrationBuilder.DropIndex(
                name: "IX_Cases_PrimarySubjectId",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_Status_Band_Id",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "LiveChangedAt",
                table: "Subjects");

            migrationBuilder.DropColumn(
                name: "LiveSince",
                table: "Subjects");

            migrationBuilder.DropColumn(
                name: "Band",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Status_Severity_Id",
                table: "Cases",
                columns: new[] { "Status", "Severity", "Id" });
        }
    }
}
