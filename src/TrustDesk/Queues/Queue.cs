using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Queues;

/// <summary>Where cases wait to be worked.</summary>
public sealed class Queue
{
    private Queue()
    {
    }

    public Queue(Guid id, string name, string description)
    {
        Id = id;
        Name = name;
        Description = description;
    }

    public const int NameMaxLength = 64;
    public const int DescriptionMaxLength = 400;

    public Guid Id { get; private set; }

    /// <summary>Short, lower-case, unique: what the API and the rules call the queue.</summary>
    public string Name { get; private set; } = "";
    public string Description { get; private set; } = "";

    /// <summary>The name stays: categories, rules and saved views call the queue by it.</summary>
    public void Describe(string description) => Description = description;
}

/// <summary>The queues every installation starts with; seeded by the migrations so their ids are stable.</summary>
public static class DefaultQueues
{
    public const string Triage = "triage";
    public const string Appeals = "appeals";

    public static readonly Queue[] All =
    [
        new(new Guid("0193a000-0000-7000-8000-000000000001"), Triage, "Everything not yet routed elsewhere"),
        new(new Guid("0193a000-0000-7000-8000-000000000002"), "crisis", "Risk to life: self-harm, threats, children"),
        new(new Guid("0193a000-0000-7000-8000-000000000003"), "live-response", "Harm happening on a stream that is live now"),
        new(new Guid("0193a000-0000-7000-8000-000000000004"), "orders", "Not received, not as described, late shipments"),
        new(new Guid("0193a000-0000-7000-8000-000000000005"), "authenticity", "Counterfeits, altered or resealed items"),
        new(new Guid("0193a000-0000-7000-8000-000000000006"), "auctions", "Shill bidding, rigged breaks and giveaways"),
        new(new Guid("0193a000-0000-7000-8000-000000000007"), "payments", "Scams, chargebacks, account takeover, ban evasion"),
        new(new Guid("0193a000-0000-7000-8000-000000000008"), "conduct", "Harassment, hate, spam"),
        new(new Guid("0193a000-0000-7000-8000-000000000009"), "legal", "Law-enforcement requests, IP claims"),
        new(new Guid("0193a000-0000-7000-8000-00000000000a"), Appeals, "Users' appeals against enforcement decisions"),
    ];
}

/// <summary>How <see cref="Queue"/> is stored.</summary>
internal sealed class QueueConfiguration : IEntityTypeConfiguration<Queue>
{
    public void Configure(EntityTypeBuilder<Queue> b)
    {
        b.ToTable("Queues");
        b.Property(q => q.Id).ValueGeneratedNever();
        b.Property(q => q.Name).HasMaxLength(Queue.NameMaxLength);
        b.Property(q => q.Description).HasMaxLength(Queue.DescriptionMaxLength);
        b.HasIndex(q => q.Name).IsUnique();
        b.HasData(DefaultQueues.All.Select(q => new { q.Id, q.Name, q.Description }));
    }
}
