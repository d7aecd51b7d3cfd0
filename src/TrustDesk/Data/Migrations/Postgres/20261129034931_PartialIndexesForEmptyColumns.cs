using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PartialIndexesForEmptyColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_ExternalId",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_Cases_Assignee",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_RequesterId",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ExternalId",
                table: "Messages",
                column: "ExternalId",
                filter: "\"ExternalId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Assignee",
                table: "Cases",
                column: "Assignee",
                filter: "\"Assignee\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases",
                column: "LinkedCaseId",
                filter: "\"LinkedCaseId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_RequesterId",
                table: "Cases",
                column: "RequesterId",
                filter: "\"RequesterId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Messages_ExternalId",
                table: "Messages");

            migrationBuilder.DropIndex(
                name: "IX_Cases_Assignee",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases");

            migrationBuilder.DropIndex(
                name: "IX_Cases_RequesterId",
                table: "Cases");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ExternalId",
                table: "Messages",
                column: "ExternalId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Assignee",
                table: "Cases",
                column: "Assignee");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases",
                column: "LinkedCaseId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_RequesterId",
                table: "Cases",
                column: "RequesterId");
        }
    }
}
