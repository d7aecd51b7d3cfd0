using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace TrustDesk.Email;

/// <summary>
/// Email HTML made safe to show an agent: HtmlSanitizer removes scripts, event handlers, <c>javascript:</c> and other
/// dangerous URLs, forms, frames and style sheets, and keeps only harmless CSS properties (no positioning, so a message
/// cannot draw over the console). Then remote images are disarmed (they would tell the sender when and where an
/// agent read the message; the console may load them on request from <c>data-remote-src</c>), and the quoted history
/// is folded into a closed <c>&lt;details&gt;</c> — hidden, but kept.
/// </summary>
public static class EmailHtml
{
    public const int MaxHtmlChars = 1_000_000;

    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private const int MaxCachedStyles = 20_000;
    private const int MaxCachedStyleChars = 2_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> StyleVerdicts = new(StringComparer.Ordinal);

    // The wrappers the common clients put around quoted history.
    private const string QuoteSelectors =
        "blockquote[type=cite], div.gmail_quote, blockquote.gmail_quote, div#appendonsend, div#divRplyFwdMsg, div.moz-cite-prefix, " +
        "blockquote#mozQuote, div.yahoo_quoted, div#mail-editor-reference-message-container";

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.UnionWith(["http", "https", "mailto", "cid"]);
        sanitizer.AllowedTags.UnionWith(["details", "summary"]);

        // Forms in an email are phishing aimed at the agent: no form controls at all.
        sanitizer.AllowedTags.ExceptWith(["form", "input", "button", "select", "option", "optgroup", "textarea", "label", "fieldset", "legend", "datalist", "output"]);
        sanitizer.AllowedAttributes.ExceptWith(["action", "formaction", "method"]);
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("type");
        sanitizer.AllowedAttributes.Add("id");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedAttributes.Add("style");
        foreach (var property in new[]
        {
            "position", "top", "left", "right", "bottom", "z-index", "display", "visibility", "opacity", "float", "clear",
            "overflow", "overflow-x", "overflow-y", "cursor", "clip", "clip-path", "transform", "content", "filter", "pointer-events",
            "background-image", "background", "list-style-image", "behavior",
        })
        {
            sanitizer.AllowedCssProperties.Remove(property);
        }

        sanitizer.AllowedAtRules.Clear();
        sanitizer.UriAttributes.Add("data-remote-src");
        return sanitizer;
    }

    /// <param name="Html">The sanitised HTML, quoted history folded.</param>
    /// <param name="PlainText">The text of the HTML; null unless asked for.</param>
    public sealed record Result(string Html, string? PlainText);

    // A parser per thread: building one costs about as much as parsing a short message, and processing sanitises the
    // messages of a batch on every core at once.
    [ThreadStatic]
    private static HtmlParser? _parser;

    /// <param name="html">The HTML part as received.</param>
    /// <param name="withPlainText">
    /// Also the text of the HTML, for a message that came as HTML only. Most mail carries a text part too, and walking
    /// the tree for text nobody reads was a third of sanitising.
    /// </param>
    public static Result Sanitize(string html, bool withPlainText = true)
    {
        if (html.Length > MaxHtmlChars)
        {
            html = html[..MaxHtmlChars];
        }

        // One parse, and the sanitiser cleans that tree in place; the rest works on the same tree. Inline styles are
        // the expensive part of sanitising (a CSS parse per attribute, ~3/4 of all processing time on a typical mail)
        // and mail repeats the same few style strings on every paragraph: each distinct string is sanitised once, by the
        // sanitiser itself, and its verdict reused. The styles are taken off before the sanitiser walks the tree and
        // put back, as sanitised, after; on an element the sanitiser removed, that changes nothing.
        var document = (_parser ??= new HtmlParser()).ParseDocument("<!doctype html><html><body>" + html);
        var body = document.Body!;
        var styled = new List<(IElement Element, string? Safe)>();
        foreach (var element in body.Descendants<IElement>())
        {
            if (element.GetAttribute("style") is { } style)
            {
                styled.Add((element, SafeStyle(style)));
                element.RemoveAttribute("style");
            }
        }

        Sanitizer.SanitizeDom(document, body);
        foreach (var (element, safe) in styled)
        {
            if (!string.IsNullOrWhiteSpace(safe))
            {
                element.SetAttribute("style", safe);
            }
        }

        // Images and links in one walk over what the sanitiser left (one selector query each cost a walk and a selector
        // parse per message).
        foreach (var element in body.Descendants<IElement>())
        {
            if (element.LocalName == "img" && element.GetAttribute("src") is { } src)
            {
                if (!src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
                {
                    element.RemoveAttribute("src");
                    element.SetAttribute("data-remote-src", src);
                }
            }
            else if (element.LocalName == "a" && element.HasAttribute("href"))
            {
                element.SetAttribute("rel", "noopener noreferrer nofollow");
                element.SetAttribute("target", "_blank");
            }
        }

        var plain = withPlainText ? PlainText(body) : null;
        var quotes = body.QuerySelectorAll(QuoteSelectors).Where(q => !HasQuoteAncestor(q)).ToList();
        foreach (var quote in quotes)
        {
            var details = document.CreateElement("details");
            details.ClassList.Add("td-quoted");
            var summary = document.CreateElement("summary");
            summary.TextContent = "Earlier messages";
            details.AppendChild(summary);
            quote.Parent!.ReplaceChild(details, quote);
            details.AppendChild(quote);
        }

        return new Result(body.InnerHtml, plain);
    }

    /// <summary>What the sanitiser makes of a style attribute (null: nothing left), cached by the attribute's text.</summary>
    private static string? SafeStyle(string style)
    {
        if (style.Length <= MaxCachedStyleChars && StyleVerdicts.TryGetValue(style, out var cached))
        {
            return cached;
        }

        var probe = Sanitizer.SanitizeDom($"<p style=\"{System.Net.WebUtility.HtmlEncode(style)}\"></p>");
        var safe = probe.Body?.FirstElementChild?.GetAttribute("style");
        if (style.Length <= MaxCachedStyleChars)
        {
            if (StyleVerdicts.Count >= MaxCachedStyles)
            {
                StyleVerdicts.Clear();
            }

            StyleVerdicts[style] = safe;
        }

        return safe;
    }

    private static bool HasQuoteAncestor(IElement element)
    {
        for (var parent = element.ParentElement; parent is not null; parent = parent.ParentElement)
        {
            if (parent.Matches(QuoteSelectors))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Text of the HTML with line breaks where blocks end, for messages that came as HTML only.</summary>
    private static string PlainText(IElement body)
    {
        var builder = new System.Text.StringBuilder();
        Walk(body, builder);
        return QuotedHistory.NormaliseLines(builder.ToString());

        static void Walk(INode node, System.Text.StringBuilder builder)
        {
            foreach (var child in node.ChildNodes)
            {
                switch (child)
                {
                    case IText text:
                        builder.Append(System.Text.RegularExpressions.Regex.Replace(text.Data, @"\s+", " "));
                        break;
                    case IElement element when element.LocalName is "br":
                        builder.Append('\n');
                        break;
                    case IElement element when element.LocalName is "blockquote":
                        var inner = new System.Text.StringBuilder();
                        Walk(element, inner);
                        builder.Append('\n');
                        foreach (var line in inner.ToString().Split('\n'))
                        {
                            builder.Append("> ").Append(line.Trim()).Append('\n');
                        }

                        break;
                    case IElement element:
                        var block = element.LocalName is "p" or "div" or "tr" or "li" or "h1" or "h2" or "h3" or "h4" or "table" or "ul" or "ol" or "hr";
                        if (block)
                        {
                            builder.Append('\n');
                        }

                        Walk(element, builder);
                        if (block)
                        {
                            builder.Append('\n');
                        }

                        break;
                }
            }
        }
    }
}
