using System.Globalization;
using System.Text;

namespace TrustDesk.Metrics;

/// <summary>
/// CSV as spreadsheets read it (RFC 4180: comma, CRLF, quotes doubled), with formula injection defused: a text cell that a
/// spreadsheet would run as a formula (starting with = + - @ or a tab or carriage return) gets a leading apostrophe. Case
/// titles come from users; a title of <c>=HYPERLINK(...)</c> must stay text in a Lead's spreadsheet.
/// </summary>
public static class Csv
{
    public static string Write(IEnumerable<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows)
        {
            Line(text, row);
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, IEnumerable<object?> cells)
    {
        var first = true;
        foreach (var cell in cells)
        {
            text.Append(first ? "" : ",").Append(Field(cell));
            first = false;
        }

        text.Append("\r\n");
    }

    public static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            DateTime at => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            double number => number.ToString("0.####", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (value is string && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.AsSpan().IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
