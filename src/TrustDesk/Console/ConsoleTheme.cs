using MudBlazor;

namespace TrustDesk.AgentConsole;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f3a5f",
            Secondary = "#c2410c",
            AppbarBackground = "#1f3a5f",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"], FontSize = ".875rem" },
        },
        LayoutProperties = new LayoutProperties { AppbarHeight = "48px" },
    };
}
