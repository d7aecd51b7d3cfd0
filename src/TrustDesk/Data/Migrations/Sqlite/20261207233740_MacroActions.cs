using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MacroActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AddTags",
                table: "Macros",
                type: "TEXT",
                maxLength: 1020,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "NoteTemplate",
                table: "Macros",
                type: "TEXT",
                maxLength: 10000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SetAssignee",
                table: "Macros",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SetCategory",
                table: "Macros",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SetSeverity",
                table: "Macros",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SetStatus",
                table: "Macros",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "Categories",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "auction.break_manipulation",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "auction.giveaway_rigging",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "auction.misleading_value",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "auction.non_paying_bidder",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "auction.shill_bidding",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "authenticity.altered_or_regraded",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "authenticity.counterfeit",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "authenticity.ip_infringement",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "authenticity.resealed_packs",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.doxxing",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.harassment",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.hate",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.sexual",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.spam",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.staff_abuse",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "conduct.threats_violence",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "legal.law_enforcement_request",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "order.delivered_not_received",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "order.late_shipment",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "order.missing_hit",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "order.not_as_described",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "order.not_received",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.account_takeover",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.ban_evasion",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.chargeback_abuse",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.fake_prize_fee",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.fake_tracking",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.off_platform",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.phishing_impersonation",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.refund_abuse",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "payments.stolen_card",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "safety.child_exploitation",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "safety.minor",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "safety.prohibited_item",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "safety.self_harm",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Categories",
                keyColumn: "Code",
                keyValue: "safety.stolen_goods",
                column: "Description",
                value: null);

            migrationBuilder.UpdateData(
                table: "Macros",
                keyColumn: "Id",
                keyValue: new Guid("0193a0c0-0000-7000-8000-000000000001"),
                columns: new[] { "AddTags", "NoteTemplate", "SetAssignee", "SetCategory", "SetSeverity", "SetStatus" },
                values: new object[] { "", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "Macros",
                keyColumn: "Id",
                keyValue: new Guid("0193a0c0-0000-7000-8000-000000000002"),
                columns: new[] { "AddTags", "NoteTemplate", "SetAssignee", "SetCategory", "SetSeverity", "SetStatus" },
                values: new object[] { "", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "Macros",
                keyColumn: "Id",
                keyValue: new Guid("0193a0c0-0000-7000-8000-000000000003"),
                columns: new[] { "AddTags", "NoteTemplate", "SetAssignee", "SetCategory", "SetSeverity", "SetStatus" },
                values: new object[] { "", null, null, null, null, null });

            migrationBuilder.UpdateData(
                table: "Macros",
                keyColumn: "Id",
                keyValue: new Guid("0193a0c0-0000-7000-8000-000000000004"),
                columns: new[] { "AddTags", "NoteTemplate", "SetAssignee", "SetCategory", "SetSeverity", "SetStatus" },
                values: new object[] { "", null, null, null, null, null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AddTags",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "NoteTemplate",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "SetAssignee",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "SetCategory",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "SetSeverity",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "SetStatus",
                table: "Macros");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "Categories");
        }
    }
}
