using System.Collections.Concurrent;
using NodaTime;
using PublicHoliday;

namespace TrustDesk.Sla;

/// <summary>
/// Public holidays by country from the PublicHoliday package (maintained, with the observed-day rules: a US holiday that
/// falls on a Saturday is observed on the Friday before), plus the company's own dates.
/// </summary>
public static class HolidayCalendars
{
    private static readonly Dictionary<string, Func<IPublicHolidays>> Countries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US"] = () => new USAPublicHoliday(),
        ["GB"] = () => new UKBankHoliday(),
        ["UK"] = () => new UKBankHoliday(),
        ["IE"] = () => new IrelandPublicHoliday(),
        ["DE"] = () => new GermanPublicHoliday(),
        ["FR"] = () => new FrancePublicHoliday(),
        ["NL"] = () => new DutchPublicHoliday(),
        ["BE"] = () => new BelgiumPublicHoliday(),
        ["ES"] = () => new SpainPublicHoliday(),
        ["IT"] = () => new ItalyPublicHoliday(),
        ["PL"] = () => new PolandPublicHoliday(),
        ["AT"] = () => new AustriaPublicHoliday(),
        ["CH"] = () => new SwitzerlandPublicHoliday(),
        ["PT"] = () => new PortugalPublicHoliday(),
        ["SE"] = () => new SwedenPublicHoliday(),
        ["NO"] = () => new NorwayPublicHoliday(),
        ["DK"] = () => new DenmarkPublicHoliday(),
        ["FI"] = () => new FinlandPublicHoliday(),
        ["CA"] = () => new CanadaPublicHoliday(),
        ["AU"] = () => new AustraliaPublicHoliday(),
        ["NZ"] = () => new NewZealandPublicHoliday(),
        ["MX"] = () => new MexicoPublicHoliday(),
        ["BR"] = () => new BrazilPublicHoliday(),
        ["JP"] = () => new JapanPublicHoliday(),
    };

    // Holidays of a country and year never change; computing them costs far more than the SLA arithmetic that asks.
    private static readonly ConcurrentDictionary<(string Country, int Year), HashSet<LocalDate>> Cache = new();

    public static IReadOnlyCollection<string> SupportedCountries => Countries.Keys;

    public static bool IsSupported(string country) => Countries.ContainsKey(country);

    /// <summary>The public holidays (observed days) of <paramref name="country"/> in <paramref name="year"/>.</summary>
    public static IReadOnlySet<LocalDate> PublicHolidays(string country, int year) =>
        Cache.GetOrAdd((country.ToUpperInvariant(), year), key =>
        {
            if (!Countries.TryGetValue(key.Country, out var make))
            {
                throw new ArgumentException($"No public holidays for country '{key.Country}'. One of {string.Join(", ", Countries.Keys)}.");
            }

            return make().PublicHolidays(key.Year).Select(LocalDate.FromDateTime).ToHashSet();
        });

    /// <summary>A holiday test for a calendar: the country's public holidays (if any) and the company's own dates.</summary>
    public static Func<LocalDate, bool> For(string? country, IEnumerable<LocalDate> companyDates)
    {
        var own = companyDates.ToHashSet();
        if (country is null)
        {
            return own.Contains;
        }

        _ = PublicHolidays(country, 2000); // fails now, at start-up, for an unknown country
        return date => own.Contains(date) || PublicHolidays(country, date.Year).Contains(date);
    }
}
