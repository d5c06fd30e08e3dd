"""``/spotlights``: published interviews, one stable page each (the blog export's Markdown, raw HTML
escaped) and an Atom feed. Drafts, unapproved answers and declined interviews never appear."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlmodel import Session

from bot.web import PageResult
from bot.web.site import PageContext
from cogs.spotlight.document import Document
from cogs.spotlight.export import without_front_matter
from cogs.spotlight.publishing import published_document, published_interviews
from cogs.web.request_numbers import canonical_number

if TYPE_CHECKING:
    from cogs.web.cog import WebCog

FEED_ENTRIES = 20
MEMO_SIZE = 256  # rendered interviews kept (the feed shows 20): a few MB at most
# Built once: constructing the parser (its rule chains) costs more than rendering one interview.
# breaks: a line break someone typed in an answer stays a line break on the page.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True})


@dataclass(frozen=True)
class Listed:
    """One archive entry."""

    id: int
    name: str
    published_at: datetime | None
    locale: str


def render_markdown(text: str) -> Markup:
    """CommonMark to HTML with raw HTML off: whatever someone typed is shown, never run.
    markdown-it also refuses javascript:/vbscript:/data: link targets."""
    return Markup(_MARKDOWN.render(text))


def _archive(session: Session) -> list[Listed]:
    return [
        Listed(i.id, i.display_name, i.published_at, i.locale)
        for i in published_interviews(session)
        if i.id is not None
    ]


class SpotlightPages:
    """The archive, one page per published spotlight, and the feed."""

    def __init__(self, cog: WebCog) -> None:
        self.cog = cog
        # Rendered interviews by everything their HTML depends on. Exporting (escaping every line)
        # and parsing the Markdown is most of a cold feed (20 interviews, ~5 kB each) and was
        # redone for every reader and crawler; the key holds the whole document, so an edited
        # interview, a changed blog setting or a new day is a new key, never a stale page.
        self._rendered: OrderedDict[Hashable, Markup] = OrderedDict()

    def _spotlight(self) -> Any:
        return self.cog.feature("spotlight")

    def _html(self, doc: Document) -> Markup:
        spotlight = self._spotlight()
        project = self.cog.services.config.project
        today = self.cog.now().astimezone(ZoneInfo(project.timezone)).date()
        key = (doc, spotlight.service.cfg.model_dump_json(), project.name, project.timezone, today)
        found = self._rendered.get(key)
        if found is None:
            text, _ = spotlight.export_text(doc)
            found = self._rendered[key] = render_markdown(without_front_matter(text))
            while len(self._rendered) > MEMO_SIZE:
                self._rendered.popitem(last=False)
        self._rendered.move_to_end(key)
        return found

    async def archive(self, ctx: PageContext, request: web.Request) -> PageResult:
        self._spotlight()
        items = await self.cog.services.db.read(_archive)
        changed = max((i.published_at for i in items if i.published_at), default=None)
        values = {"current": "spotlights", "title": ctx.t("web.spotlights.title"), "items": items}
        return self.cog.site.render("spotlights.html", ctx, values, changed)

    async def interview(self, ctx: PageContext, request: web.Request) -> PageResult:
        spotlight = self._spotlight()
        # One address per spotlight: /spotlights/01, /spotlights/١ (Arabic-Indic) or /spotlights/² are not it.
        number = canonical_number(request.match_info["id"])
        doc = await self.cog.services.db.read(published_document, number) if number is not None else None
        if doc is None:
            return self.cog.not_found(ctx, "web.error.unknown_spotlight")
        values = {
            "current": "spotlights",
            "title": spotlight.tr(doc.locale)("spotlight.post.title", name=doc.name),
            "doc": doc,
            "body": self._html(doc),
        }
        return self.cog.site.render("spotlight.html", ctx, values, doc.published_at)

    async def feed(self, ctx: PageContext, request: web.Request) -> PageResult:
        spotlight = self._spotlight()
        base = (self.cog.cfg.base_url or f"{request.scheme}://{request.host}").rstrip("/")

        def load(session: Session) -> list[Document]:
            listed = published_interviews(session, FEED_ENTRIES)
            docs = [published_document(session, i.id) for i in listed if i.id is not None]
            return [d for d in docs if d is not None]

        docs = await self.cog.services.db.read(load)
        entries = [
            {
                "doc": doc,
                "title": spotlight.tr(doc.locale)("spotlight.post.title", name=doc.name),
                "html": str(self._html(doc)),
            }
            for doc in docs
        ]
        changed = max((d.published_at for d in docs if d.published_at), default=None)
        values = {
            "base": base,
            "entries": entries,
            "updated": changed or self.cog.now(),
            "feed_title": ctx.t("web.spotlights.feed_title", project=self.cog.services.config.project.name),
        }
        return self.cog.site.render("feed.xml", ctx, values, changed, content_type="application/atom+xml")
