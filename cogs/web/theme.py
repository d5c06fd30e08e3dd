"""The configured colours as a stylesheet, so no page needs an inline style (the CSP forbids them)."""

from __future__ import annotations

from cogs.web.config import WebColours


def theme_css(colours: WebColours) -> str:
    """CSS custom properties the site's stylesheet reads; values are validated ``#rrggbb`` strings."""
    return (
        ":root {\n"
        f"  --accent: {colours.accent};\n"
        f"  --header: {colours.header};\n"
        f"  --header-text: {colours.header_text};\n"
        "}\n"
    )
