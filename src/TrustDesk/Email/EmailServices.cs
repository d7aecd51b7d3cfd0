using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using TrustDesk.Cases;

namespace TrustDesk.Email;

public static class EmailServices
{
    /// <summary>The email channel: the three ways in, processing into cases, and the reply outbox.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<EmailOptions>(configuration.GetSection(EmailOptions.Section));
        services.AddSingleton<Data.BlobStore>();
        services.AddSingleton<ComposeEmail>();
        services.AddScoped<StoreInboundEmail>();
        services.AddScoped<ReceiveEmail>();
        services.AddReplyChannel<QueueEmailReply>();
        services.AddScoped<QueueNoticeEmail>();
        services.AddSingleton<ProcessInboundEmails>();
        services.AddHostedService(sp => sp.GetRequiredService<ProcessInboundEmails>());
        services.AddSingleton<DispatchEmailReplies>();
        services.AddHostedService(sp => sp.GetRequiredService<DispatchEmailReplies>());
        services.AddSingleton<SmtpListener>();
        services.AddHostedService(sp => sp.GetRequiredService<SmtpListener>());
        services.AddSingleton<ImapPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapPoller>());
        return services;
    }

    /// <summary>The email tables, and the parts of the case model email added.</summary>
    internal static void ConfigureEmailModel(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Case>(b =>
        {
            // A plain indexed column, no foreign key: adding one would make SQLite rebuild the Cases table (and drop its
            // full-text triggers), and a link to a deleted case is harmless.
            // Partial, like the assignee's: only cases email linked to an earlier one have a value.
            b.HasIndex(c => c.LinkedCaseId).HasFilter("\"LinkedCaseId\" IS NOT NULL");
        });

        modelBuilder.Entity<Message>(b =>
        {
            b.Property(m => m.DeliveryError).HasMaxLength(Message.DeliveryErrorMaxLength);
            b.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
            b.Navigation(m => m.Attachments).UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        modelBuilder.Entity<MessageAttachment>(b =>
        {
            b.Property(a => a.Id).ValueGeneratedNever();
            b.Property(a => a.FileName).HasMaxLength(MessageAttachment.FileNameMaxLength);
            b.Property(a => a.DeclaredType).HasMaxLength(MessageAttachment.ContentTypeMaxLength);
            b.Property(a => a.DetectedType).HasMaxLength(MessageAttachment.ContentTypeMaxLength);
            b.Property(a => a.BlobHash).HasMaxLength(64);
            b.Property(a => a.ContentId).HasMaxLength(255);
            b.Property(a => a.Problem).HasMaxLength(400);
            b.HasIndex(a => a.MessageId);
        });

        modelBuilder.Entity<InboundEmail>(b =>
        {
            b.Property(e => e.Id).ValueGeneratedNever();

            // The raw message is set once and never changed in place. EF Core's default for byte arrays copies each one
            // to snapshot it and compares them byte by byte to detect changes: ~20 KB per message, on the intake writer
            // (every stored row becomes tracked as unchanged) and again for every row processing loads.
            b.Property(e => e.Raw).Metadata.SetValueComparer(new ValueComparer<byte[]>(
                (left, right) => ReferenceEquals(left, right), value => RuntimeHelpers.GetHashCode(value), value => value));
            b.Property(e => e.DedupeKey).HasMaxLength(InboundEmail.DedupeKeyMaxLength);
            b.Property(e => e.MessageIdHeader).HasMaxLength(998);
            b.Property(e => e.Sha256).HasMaxLength(64);
            b.Property(e => e.Source).HasMaxLength(10);
            b.Property(e => e.SourceDetail).HasMaxLength(200);
            b.Property(e => e.EnvelopeFrom).HasMaxLength(320);
            b.Property(e => e.SenderAddress).HasMaxLength(320);
            b.Property(e => e.State).HasMaxLength(20);
            b.Property(e => e.Outcome).HasMaxLength(40);
            b.Property(e => e.Error).HasMaxLength(1000);
            b.HasIndex(e => e.DedupeKey).IsUnique();
            b.HasIndex(e => new { e.State, e.ReceivedAt });
            b.HasIndex(e => new { e.SenderAddress, e.ReceivedAt });
            b.HasOne(e => e.Case).WithMany().HasForeignKey(e => e.CaseId).OnDelete(DeleteBehavior.SetNull);
        });

        modelBuilder.Entity<OutboundEmail>(b =>
        {
            b.Property(o => o.Id).ValueGeneratedNever();
            b.Property(o => o.ToAddress).HasMaxLength(320);
            b.Property(o => o.ToName).HasMaxLength(200);
            b.Property(o => o.Subject).HasMaxLength(400);
            b.Property(o => o.MessageIdHeader).HasMaxLength(998);
            b.Property(o => o.InReplyTo).HasMaxLength(998);
            b.Property(o => o.State).HasMaxLength(20);
            b.Property(o => o.LastError).HasMaxLength(1000);
            b.HasIndex(o => new { o.State, o.NextAttemptAt });
            b.HasIndex(o => o.MessageId).IsUnique();
            b.HasOne<Message>().WithMany().HasForeignKey(o => o.MessageId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ImapMailboxState>(b =>
        {
            b.HasKey(s => s.Mailbox);
            b.Property(s => s.Mailbox).HasMaxLength(100);
        });
    }
}
