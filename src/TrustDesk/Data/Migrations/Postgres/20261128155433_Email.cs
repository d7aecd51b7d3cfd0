using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Email : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DeliveryError",
                table: "Messages",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QuotedText",
                table: "Messages",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LinkedCaseId",
                table: "Cases",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ImapMailboxStates",
                columns: table => new
                {
                    Mailbox = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    UidValidity = table.Column<long>(type: "bigint", nullable: false),
                    LastUid = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ImapMailboxStates", x => x.Mailbox);
                });

            migrationBuilder.CreateTable(
                name: "InboundEmails",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DedupeKey = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    MessageIdHeader = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    Raw = table.Column<byte[]>(type: "bytea", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    SourceDetail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EnvelopeFrom = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    SenderAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CaseId = table.Column<long>(type: "bigint", nullable: true),
                    MessageRowId = table.Column<Guid>(type: "uuid", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    ProcessedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundEmails", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboundEmails_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "MessageAttachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    FileName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    DeclaredType = table.Column<string>(type: "character varying(127)", maxLength: 127, nullable: false),
                    DetectedType = table.Column<string>(type: "character varying(127)", maxLength: 127, nullable: true),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    BlobHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Inline = table.Column<bool>(type: "boolean", nullable: false),
                    ContentId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Problem = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MessageAttachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MessageAttachments_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OutboundEmails",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    ToAddress = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    ToName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    MessageIdHeader = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: false),
                    InReplyTo = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    References = table.Column<string>(type: "text", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OutboundEmails", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OutboundEmails_Messages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "Messages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases",
                column: "LinkedCaseId");

            migrationBuilder.CreateIndex(
                name: "IX_InboundEmails_CaseId",
                table: "InboundEmails",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_InboundEmails_DedupeKey",
                table: "InboundEmails",
                column: "DedupeKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundEmails_SenderAddress_ReceivedAt",
                table: "InboundEmails",
                columns: new[] { "SenderAddress", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboundEmails_State_ReceivedAt",
                table: "InboundEmails",
                columns: new[] { "State", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MessageAttachments_MessageId",
                table: "MessageAttachments",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_OutboundEmails_MessageId",
                table: "OutboundEmails",
                column: "MessageId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OutboundEmails_State_NextAttemptAt",
                table: "OutboundEmails",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ImapMailboxStates");

            migrationBuilder.DropTable(
                name: "InboundEmails");

            migrationBuilder.DropTable(
                name: "MessageAttachments");

            migrationBuilder.DropTable(
                name: "OutboundEmails");

            migrationBuilder.DropIndex(
                name: "IX_Cases_LinkedCaseId",
                table: "Cases");

            migrationBuilder.DropColumn(
                name: "DeliveryError",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "QuotedText",
                table: "Messages");

            migrationBuilder.DropColumn(
                name: "LinkedCaseId",
                table: "Cases");
        }
    }
}
