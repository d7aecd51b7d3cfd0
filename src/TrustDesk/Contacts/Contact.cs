using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore;
namespace TrustDesk.Contacts;

/// <summary>A person who writes in.</summary>
public sealed class Contact
{
    private Contact()
    {
    }

    public Contact(string? email, string? name, Guid? accountSubjectId, string? locale, DateTime now)
    {
        Id = Guid.CreateVersion7(now);
        Email = email?.Trim().ToLowerInvariant();
        Name = name?.Trim();
        AccountSubjectId = accountSubjectId;
        Locale = locale;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string? Email { get; private set; }
    public string? Name { get; private set; }

    /// <summary>The platform account this person is, when known.</summary>
    public Guid? AccountSubjectId { get; private set; }
    public string? Locale { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Connects this person to their platform account once it is known (an account carries their email).</summary>
    public void LinkAccount(Guid accountSubjectId) => AccountSubjectId ??= accountSubjectId;

    /// <summary>Fills in a name the first time one is seen.</summary>
    public void LearnName(string? name)
    {
        if (string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(name))
        {
            Name = name.Trim().Length <= 200 ? name.Trim() : name.Trim()[..200];
        }
    }
}

/// <summary>How <see cref="Contact"/> is stored.</summary>
internal sealed class ContactConfiguration : IEntityTypeConfiguration<Contact>
{
    public void Configure(EntityTypeBuilder<Contact> b)
    {
        b.ToTable("Contacts");
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Email).HasMaxLength(320);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Locale).HasMaxLength(35);
        b.HasIndex(c => c.Email);
    }
}
