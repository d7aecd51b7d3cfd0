using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HandleTime : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "HandleSeconds",
                table: "MetricRollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HandleSeconds",
                table: "MetricRollups");
        }
    }
}
