using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace TrustDesk.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DisplayPrefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Scopes = table.Column<List<string>>(type: "text[]", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Categories",
                columns: table => new
                {
                    Code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DefaultSeverity = table.Column<int>(type: "integer", nullable: false),
                    DefaultQueue = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Departments = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    Restricted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Categories", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "Contacts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    AccountSubjectId = table.Column<Guid>(type: "uuid", nullable: true),
                    Locale = table.Column<string>(type: "character varying(35)", maxLength: 35, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Contacts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DataJson = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Key = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Operation = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => new { x.ClientId, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "Queues",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Queues", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Subjects",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CreatedOnPlatformAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attributes = table.Column<string>(type: "text", nullable: true),
                    FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Subjects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    QueueId = table.Column<Guid>(type: "uuid", nullable: false),
                    Assignee = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    RequesterId = table.Column<Guid>(type: "uuid", nullable: true),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PrimarySubjectId = table.Column<Guid>(type: "uuid", nullable: true),
                    ClusterKey = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    ReportCount = table.Column<int>(type: "integer", nullable: false),
                    LiveNow = table.Column<bool>(type: "boolean", nullable: false),
                    Graphic = table.Column<bool>(type: "boolean", nullable: false),
                    Minor = table.Column<bool>(type: "boolean", nullable: false),
                    LegalHold = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FirstRepliedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    Tags = table.Column<string[]>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Cases_Contacts_RequesterId",
                        column: x => x.RequesterId,
                        principalTable: "Contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Cases_Queues_QueueId",
                        column: x => x.QueueId,
                        principalTable: "Queues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "EventSubjects",
                columns: table => new
                {
                    EventId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventSubjects", x => new { x.EventId, x.SubjectId, x.Role });
                    table.ForeignKey(
                        name: "FK_EventSubjects_Events_EventId",
                        column: x => x.EventId,
                        principalTable: "Events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EventSubjects_Subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SubjectIdentifiers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Value = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectIdentifiers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubjectIdentifiers_Subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SubjectLinks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FromSubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Relation = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ToSubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SubjectLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SubjectLinks_Subjects_FromSubjectId",
                        column: x => x.FromSubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SubjectLinks_Subjects_ToSubjectId",
                        column: x => x.ToSubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CaseEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ActorType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    From = table.Column<string>(type: "text", nullable: true),
                    To = table.Column<string>(type: "text", nullable: true),
                    Detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaseEvents_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CaseSubjects",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseSubjects", x => new { x.CaseId, x.SubjectId, x.Role });
                    table.ForeignKey(
                        name: "FK_CaseSubjects_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CaseSubjects_Subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Messages",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Direction = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AuthorType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    AuthorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Html = table.Column<string>(type: "text", nullable: true),
                    ExternalId = table.Column<string>(type: "character varying(998)", maxLength: 998, nullable: true),
                    DeliveryState = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Messages_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Reports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReporterSubjectId = table.Column<Guid>(type: "uuid", nullable: true),
                    Category = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    ReasonCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    EvidenceJson = table.Column<string>(type: "text", nullable: true),
                    ExternalId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Reports_Cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "Cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Reports_Subjects_ReporterSubjectId",
                        column: x => x.ReporterSubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Reports_Subjects_SubjectId",
                        column: x => x.SubjectId,
                        principalTable: "Subjects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "Categories",
                columns: new[] { "Code", "DefaultQueue", "DefaultSeverity", "Departments", "Restricted", "Title" },
                values: new object[,]
                {
                    { "auction.break_manipulation", "auctions", 2, "Seller Ops,Payments", false, "Break manipulation" },
                    { "auction.giveaway_rigging", "auctions", 3, "Payments,Seller Ops", false, "Rigged giveaway" },
                    { "auction.misleading_value", "auctions", 3, "Payments,Seller Ops", false, "Misleading value claims" },
                    { "auction.non_paying_bidder", "auctions", 3, "Payments,Seller Ops", false, "Non-paying bidder" },
                    { "auction.shill_bidding", "auctions", 2, "Seller Ops,Payments", false, "Shill bidding" },
                    { "authenticity.altered_or_regraded", "authenticity", 2, "Authentication,Legal", false, "Altered or regraded item" },
                    { "authenticity.counterfeit", "authenticity", 2, "Authentication,Legal", false, "Counterfeit item" },
                    { "authenticity.ip_infringement", "legal", 3, "Legal", false, "Intellectual property infringement" },
                    { "authenticity.resealed_packs", "authenticity", 2, "Authentication,Legal", false, "Resealed packs" },
                    { "conduct.doxxing", "conduct", 2, "Policy,Legal", false, "Doxxing" },
                    { "conduct.harassment", "conduct", 3, "Support,Policy", false, "Harassment" },
                    { "conduct.hate", "conduct", 2, "Policy,Legal", false, "Hate" },
                    { "conduct.sexual", "conduct", 2, "Policy,Legal", false, "Sexual content" },
                    { "conduct.spam", "conduct", 4, "Policy", false, "Spam" },
                    { "conduct.staff_abuse", "conduct", 3, "Support,Policy", false, "Abuse of staff" },
                    { "conduct.threats_violence", "crisis", 1, "Law-Enforcement Response,Legal", false, "Threats of violence" },
                    { "legal.law_enforcement_request", "legal", 1, "Legal,Law-Enforcement Response", true, "Law-enforcement request" },
                    { "order.delivered_not_received", "orders", 3, "Logistics,Payments,Seller Ops", false, "Delivered but not received" },
                    { "order.late_shipment", "orders", 3, "Seller Ops,Logistics", false, "Late shipment" },
                    { "order.missing_hit", "orders", 2, "Seller Ops,Logistics", false, "Missing hit from a break" },
                    { "order.not_as_described", "orders", 3, "Logistics,Payments,Seller Ops", false, "Item not as described" },
                    { "order.not_received", "orders", 3, "Logistics,Payments,Seller Ops", false, "Order not received" },
                    { "payments.account_takeover", "payments", 1, "Security,Payments", false, "Account takeover" },
                    { "payments.ban_evasion", "payments", 2, "Payments,Logistics", false, "Ban evasion" },
                    { "payments.chargeback_abuse", "payments", 3, "Payments", false, "Chargeback abuse" },
                    { "payments.fake_prize_fee", "payments", 2, "Payments,Security", false, "Fake prize fee" },
                    { "payments.fake_tracking", "payments", 2, "Payments,Logistics", false, "Fake tracking number" },
                    { "payments.off_platform", "payments", 2, "Payments,Security", false, "Off-platform payment" },
                    { "payments.phishing_impersonation", "payments", 2, "Payments,Security", false, "Phishing or impersonation" },
                    { "payments.refund_abuse", "payments", 3, "Payments", false, "Refund abuse" },
                    { "payments.stolen_card", "payments", 2, "Payments,Logistics", false, "Stolen card" },
                    { "safety.child_exploitation", "crisis", 1, "Legal,Law-Enforcement Response", true, "Child exploitation" },
                    { "safety.minor", "crisis", 1, "Legal,Law-Enforcement Response", true, "Minor's safety" },
                    { "safety.prohibited_item", "conduct", 2, "Policy,Legal", false, "Prohibited item" },
                    { "safety.self_harm", "crisis", 1, "Support,Law-Enforcement Response", false, "Self-harm" },
                    { "safety.stolen_goods", "conduct", 2, "Policy,Legal", false, "Stolen goods" }
                });

            migrationBuilder.InsertData(
                table: "Queues",
                columns: new[] { "Id", "Description", "Name" },
                values: new object[,]
                {
                    { new Guid("0193a000-0000-7000-8000-000000000001"), "Everything not yet routed elsewhere", "triage" },
                    { new Guid("0193a000-0000-7000-8000-000000000002"), "Risk to life: self-harm, threats, children", "crisis" },
                    { new Guid("0193a000-0000-7000-8000-000000000003"), "Harm happening on a stream that is live now", "live-response" },
                    { new Guid("0193a000-0000-7000-8000-000000000004"), "Not received, not as described, late shipments", "orders" },
                    { new Guid("0193a000-0000-7000-8000-000000000005"), "Counterfeits, altered or resealed items", "authenticity" },
                    { new Guid("0193a000-0000-7000-8000-000000000006"), "Shill bidding, rigged breaks and giveaways", "auctions" },
                    { new Guid("0193a000-0000-7000-8000-000000000007"), "Scams, chargebacks, account takeover, ban evasion", "payments" },
                    { new Guid("0193a000-0000-7000-8000-000000000008"), "Harassment, hate, spam", "conduct" },
                    { new Guid("0193a000-0000-7000-8000-000000000009"), "Law-enforcement requests, IP claims", "legal" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CaseEvents_CaseId_At",
                table: "CaseEvents",
                columns: new[] { "CaseId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseSubjects_SubjectId",
                table: "CaseSubjects",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Assignee",
                table: "Cases",
                column: "Assignee");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_ClusterKey",
                table: "Cases",
                column: "ClusterKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cases_QueueId_Status",
                table: "Cases",
                columns: new[] { "QueueId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_RequesterId",
                table: "Cases",
                column: "RequesterId");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Status_Severity_Id",
                table: "Cases",
                columns: new[] { "Status", "Severity", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Cases_Title_Search",
                table: "Cases",
                column: "Title")
                .Annotation("Npgsql:IndexMethod", "GIN")
                .Annotation("Npgsql:TsVectorConfig", "english");

            migrationBuilder.CreateIndex(
                name: "IX_Cases_UpdatedAt",
                table: "Cases",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_Email",
                table: "Contacts",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_EventSubjects_SubjectId",
                table: "EventSubjects",
                column: "SubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Events_ExternalId",
                table: "Events",
                column: "ExternalId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Events_Type_OccurredAt",
                table: "Events",
                columns: new[] { "Type", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IdempotencyRecords_CreatedAt",
                table: "IdempotencyRecords",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_CaseId_CreatedAt",
                table: "Messages",
                columns: new[] { "CaseId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Messages_ExternalId",
                table: "Messages",
                column: "ExternalId");

            migrationBuilder.CreateIndex(
                name: "IX_Messages_Text_Search",
                table: "Messages",
                column: "Text")
                .Annotation("Npgsql:IndexMethod", "GIN")
                .Annotation("Npgsql:TsVectorConfig", "english");

            migrationBuilder.CreateIndex(
                name: "IX_Queues_Name",
                table: "Queues",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Reports_CaseId",
                table: "Reports",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_Reports_ReporterSubjectId",
                table: "Reports",
                column: "ReporterSubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Reports_SubjectId_CreatedAt",
                table: "Reports",
                columns: new[] { "SubjectId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectIdentifiers_SubjectId_Type_Value",
                table: "SubjectIdentifiers",
                columns: new[] { "SubjectId", "Type", "Value" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SubjectIdentifiers_Type_Value",
                table: "SubjectIdentifiers",
                columns: new[] { "Type", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_SubjectLinks_FromSubjectId_Relation_ToSubjectId",
                table: "SubjectLinks",
                columns: new[] { "FromSubjectId", "Relation", "ToSubjectId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SubjectLinks_ToSubjectId",
                table: "SubjectLinks",
                column: "ToSubjectId");

            migrationBuilder.CreateIndex(
                name: "IX_Subjects_Kind_ExternalId",
                table: "Subjects",
                columns: new[] { "Kind", "ExternalId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "CaseEvents");

            migrationBuilder.DropTable(
                name: "CaseSubjects");

            migrationBuilder.DropTable(
                name: "Categories");

            migrationBuilder.DropTable(
                name: "EventSubjects");

            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "Messages");

            migrationBuilder.DropTable(
                name: "Reports");

            migrationBuilder.DropTable(
                name: "SubjectIdentifiers");

            migrationBuilder.DropTable(
                name: "SubjectLinks");

            migrationBuilder.DropTable(
                name: "Events");

            migrationBuilder.DropTable(
                name: "Cases");

            migrationBuilder.DropTable(
                name: "Subjects");

            migrationBuilder.DropTable(
                name: "Contacts");

            migrationBuilder.DropTable(
                name: "Queues");
        }
    }
}
