"""``web:`` — the community's public, read-only pages served by the HTTP server."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from bot.config.base import FeatureSection, StrictModel

PageName = Literal["board", "oncall", "spotlights", "start", "health"]
ALL_PAGES: tuple[PageName, ...] = ("board", "oncall", "spotlights", "start", "health")
Colour = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", examples=["#1f6feb"])]
PublicUrl = Annotated[
    str, Field(pattern=r"^https?://[^\s\"'<>]+$", examples=["https://community.example.org"])
]


class WebColours(StrictModel):
    """The site's colours (CSS hex), so the pages look like the project."""

    accent: Colour = Field(default="#1f6feb", description="Links, buttons and chart bars.")
    header: Colour = Field(default="#24292f", description="Background of the page header.")
    header_text: Colour = Field(default="#ffffff", description="Text in the page header.")


class WebClaimLinks(StrictModel):
    """Where "claim it in chat" points: a channel's web address per platform (else the command is shown)."""

    discord: PublicUrl | None = Field(default=None, description="Link to the Discord channel for claims.")
    slack: PublicUrl | None = Field(default=None, description="Link to the Slack channel for claims.")


class WebConfig(FeatureSection):
    """Public pages: good first issues, on-call, spotlights, start here, health (en and zh-CN)."""

    enabled: bool = Field(
        default=True, description="Serve the pages (false keeps the section but hides them)."
    )
    base_url: PublicUrl | None = Field(
        default=None,
        description="Public address of the site (for feed and calendar links); default: the request's.",
    )
    pages: list[PageName] = Field(
        default_factory=lambda: list(ALL_PAGES),
        description="Which pages to serve: board, oncall, spotlights, start, health.",
    )
    logo: PublicUrl | None = Field(default=None, description="Address of the project's logo image.")
    colours: WebColours = Field(default_factory=WebColours, description="The site's colours.")
    claim_links: WebClaimLinks = Field(
        default_factory=WebClaimLinks, description="Chat channels where issues are claimed."
    )
    page_size: int = Field(default=25, ge=5, le=100, description="Issues per page of the board.")
    render_cache: int = Field(
        default=10,
        ge=0,
        le=3600,
        description="Seconds a rendered page is reused for the same address and language (0: never).",
    )
    max_age: int = Field(
        default=60,
        ge=0,
        le=86400,
        description="Seconds browsers and proxies may reuse a page (Cache-Control).",
    )
