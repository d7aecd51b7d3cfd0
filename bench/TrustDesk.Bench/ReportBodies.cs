using System.Text;
using System.Text.Json;

namespace TrustDesk.Bench;

/// <summary>
/// The reports the driver posts, serialised up front so the load loop only copies bytes. The mix is meant to look
/// like a marketplace's: most reports are about a subject nobody reported before (a new case each), a quarter are
/// about a few hundred "hot" subjects in one or two categories each (they cluster onto an open case), most come
/// from a known reporter account, categories lean towards orders as real reports do.
/// </summary>
public sealed class ReportBodies
{
    private const int HotSubjects = 300;
    private const double HotShare = 0.25;
    private const double ReporterShare = 0.7;
    private const int MinText = 100;
    private const int MaxText = 500;

    private static readonly string[] Sentences =
    [
        "I paid for this order two weeks ago and it still has not arrived.",
        "The tracking number the seller gave me does not exist on the carrier's site.",
        "The seller stopped answering my messages after I asked for a refund.",
        "The card I received is clearly not the one shown in the stream.",
        "The slab looks like it has been opened and resealed, the edges are scratched.",
        "During the break the host skipped my spot and gave the hit to someone else.",
        "Somebody in the chat keeps sending me insults and threats after the auction.",
        "The seller asked me to pay through a payment app outside the platform to save fees.",
        "I got a message claiming I won a giveaway but had to pay a shipping fee first.",
        "This listing uses photos copied from another seller's shop.",
        "The bidder who won never paid and now relists the same item under another account.",
        "The price history shown in the stream is made up to look like a bargain.",
        "My account was used to buy items I never ordered, I did not receive any code.",
        "The package arrived empty although the carrier says it was delivered with the right weight.",
        "He keeps bidding on his own items from a second account to push the price up.",
        "The stream showed packs being searched by weight before they were sold.",
        "Please look into this, several buyers in the chat say the same thing happened to them.",
        "I have screenshots of the conversation and the payment receipt if you need them.",
        "This is the third time this happens with this seller.",
        "The item is listed as new but the box was clearly used and damaged.",
    ];

    private readonly byte[][] _bodies;
    private readonly string?[] _idempotencyKeys;

    private ReportBodies(byte[][] bodies, string?[] idempotencyKeys, int distinctSubjects)
    {
        _bodies = bodies;
        _idempotencyKeys = idempotencyKeys;
        DistinctSubjects = distinctSubjects;
    }

    public int Count => _bodies.Length;
    public int DistinctSubjects { get; }
    public long TotalBytes { get; private init; }

    /// <summary>Body and Idempotency-Key (or null) of the n-th report; the pool repeats when exhausted.</summary>
    public (byte[] Body, string? IdempotencyKey) Get(long n)
    {
        var i = (int)(n % _bodies.Length);
        return (_bodies[i], _idempotencyKeys[i]);
    }

    /// <param name="categories">The server's category codes.</param>
    /// <param name="count">How many bodies.</param>
    /// <param name="idempotencyShare">Share sent with an Idempotency-Key.</param>
    /// <param name="seed">Seed of the sequence.</param>
    /// <param name="hotShare">Share about the hot subjects (default: a quarter).</param>
    /// <param name="hotSubjects">How many hot subjects (default: 300).</param>
    public static ReportBodies Generate(
        IReadOnlyList<string> categories, int count, double idempotencyShare, int seed, double hotShare = HotShare, int hotSubjects = HotSubjects)
    {
        if (categories.Count == 0)
        {
            throw new InvalidOperationException("The server lists no categories.");
        }

        var random = new Random(seed);
        var weighted = WeightCategories(categories);
        var hotCategories = new string[hotSubjects][];
        for (var i = 0; i < hotSubjects; i++)
        {
            hotCategories[i] = [weighted[random.Next(weighted.Count)], weighted[random.Next(weighted.Count)]];
        }

        var bodies = new byte[count][];
        var keys = new string?[count];
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new MemoryStream(1024);
        var text = new StringBuilder(MaxText + 200);
        long totalBytes = 0;
        for (var n = 0; n < count; n++)
        {
            string category;
            string kind;
            string externalId;
            if (random.NextDouble() < hotShare && hotSubjects > 0)
            {
                var hot = random.Next(hotSubjects);
                category = hotCategories[hot][random.Next(2)];
                kind = KindFor(category);
                externalId = $"{Prefix(kind)}{1000 + hot}";
            }
            else
            {
                category = weighted[random.Next(weighted.Count)];
                kind = KindFor(category);
                externalId = $"{Prefix(kind)}{random.Next(100_000, 100_000_000)}";
            }

            subjects.Add(kind + ":" + externalId);
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteStartObject("subject");
                json.WriteString("kind", kind);
                json.WriteString("externalId", externalId);
                json.WriteEndObject();
                if (random.NextDouble() < ReporterShare)
                {
                    json.WriteStartObject("reporter");
                    json.WriteString("kind", "account");
                    json.WriteString("externalId", $"u-{random.Next(100_000, 100_000_000)}");
                    json.WriteEndObject();
                }

                json.WriteString("category", category);
                if (random.NextDouble() < 0.5)
                {
                    json.WriteString("reason", ReasonFor(category));
                }

                json.WriteString("text", Text(random, text));
                if (random.NextDouble() < 0.15)
                {
                    json.WriteStartArray("evidence");
                    json.WriteStringValue($"https://cdn.example.com/evidence/{seed}/{n}.jpg");
                    json.WriteEndArray();
                }

                if (random.NextDouble() < 0.5)
                {
                    json.WriteString("externalId", $"r-{seed}-{n}");
                }

                json.WriteEndObject();
            }

            bodies[n] = buffer.ToArray();
            totalBytes += bodies[n].Length;
            keys[n] = random.NextDouble() < idempotencyShare ? $"bench-{seed}-{n}-{Guid.NewGuid():N}" : null;
        }

        return new ReportBodies(bodies, keys, subjects.Count) { TotalBytes = totalBytes };
    }

    /// <summary>Orders are reported most, then payments, auctions and conduct; the rest now and then.</summary>
    private static List<string> WeightCategories(IReadOnlyList<string> categories)
    {
        var weighted = new List<string>();
        foreach (var category in categories)
        {
            var weight = category.StartsWith("order.", StringComparison.Ordinal) ? 8
                : category.StartsWith("payments.", StringComparison.Ordinal) || category.StartsWith("auction.", StringComparison.Ordinal)
                    || category.StartsWith("conduct.", StringComparison.Ordinal) ? 3
                : 1;
            for (var i = 0; i < weight; i++)
            {
                weighted.Add(category);
            }
        }

        return weighted;
    }

    private static string KindFor(string category) => category.Split('.')[0] switch
    {
        "order" => "order",
        "authenticity" => "listing",
        "auction" => "livestream",
        _ => "account",
    };

    private static string Prefix(string kind) => kind switch
    {
        "order" => "o-",
        "listing" => "l-",
        "livestream" => "s-",
        _ => "u-",
    };

    private static string ReasonFor(string category) => "rc_" + category.Replace('.', '_');

    /// <summary>Between 100 and 500 characters of plausible complaint.</summary>
    private static string Text(Random random, StringBuilder text)
    {
        text.Clear();
        var target = random.Next(MinText, MaxText + 1);
        while (text.Length < target)
        {
            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(Sentences[random.Next(Sentences.Length)]);
        }

        if (text.Length > MaxText)
        {
            text.Length = MaxText;
        }

        return text.ToString().TrimEnd();
    }
}
