using System.Net;

namespace TrustDesk.Chat;

/// <summary>The widget script (embedded in the binary) and the demo marketplace page.</summary>
public static class ChatWidget
{
    public const string DemoPlatform = "demo";

    public static readonly byte[] Script = Load("TrustDesk.Chat.widget.js");

    /// <summary>The console's crisis alert (a sound), loaded as a module by the live chat list.</summary>
    public static readonly byte[] ConsoleScript = Load("TrustDesk.Chat.console.js");

    private static byte[] Load(string name)
    {
        using var stream = typeof(ChatWidget).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException("The chat widget is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public static string DemoHtml(string identityToken) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>LiveMarket · demo shop with TrustDesk chat</title>
        <style>
          body { margin: 0; font-family: Georgia, serif; background: #fbf8f3; color: #222; }
          .top { background: #222; color: #fff; padding: 14px 24px; display: flex; justify-content: space-between; }
          main { max-width: 960px; margin: 24px auto; padding: 0 16px; display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 16px; }
          .item { background: #fff; border: 1px solid #e4ddd2; border-radius: 8px; padding: 14px; }
          .pic { height: 120px; background: linear-gradient(135deg, #f3d9b1, #c9e4de); border-radius: 6px; margin-bottom: 8px; }
          .note { max-width: 960px; margin: 0 auto; padding: 0 16px; color: #555; font-size: 14px; }
        </style>
        </head>
        <body>
        <div class="top"><strong>LiveMarket</strong><span>Signed in as Dana Demo (buyer)</span></div>
        <p class="note">A mock marketplace page. The chat button below right is TrustDesk's widget, signed in with an identity token this page's server signed for the demo buyer.</p>
        <main>
          <div class="item"><div class="pic"></div>Vintage camera · $120 <br><small>Live auction tonight</small></div>
          <div class="item"><div class="pic"></div>Handmade mug · $24</div>
          <div class="item"><div class="pic"></div>Sneakers, size 42 · $80</div>
          <div class="item"><div class="pic"></div>Trading cards lot · $45</div>
        </main>
        <script src="/chat/widget.js" data-identity-token="{{WebUtility.HtmlEncode(identityToken)}}" data-user="demo:demo-buyer-1" data-title="LiveMarket help" async></script>
        </body>
        </html>
        """;
}
