"""``/``: the good-first-issue board, read through the board service /gfi list uses (same order)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web
from sqlmodel import Session

from bot.web import PageResult
from bot.web.site import PageContext
from cogs.good_first_issues.board import BoardFilter, BoardRules, list_board
from cogs.good_first_issues.board import BoardPage as BoardPageData
from cogs.good_first_issues.claimed import ClaimedEntry, board_changed_at, claimed_entries
from cogs.web.request_numbers import canonical_number

if TYPE_CHECKING:
    from cogs.web.cog import WebCog

MAX_PAGE = 10_000  # deeper pages are refused politely rather than walked
MAX_TEXT = 200
CLAIMED_SHOWN = 10


def _pick(value: str | None, names: list[str]) -> tuple[str | None, bool]:
    """The configured name ``value`` means (any case), and whether a given value was not understood."""
    if not value:
        return None, False
    found = next((n for n in names if n.casefold() == value.strip().casefold()), None)
    return found, found is None


def read_filter(query: dict[str, str], rules: BoardRules) -> tuple[BoardFilter, int, list[str]]:
    """The filter and page the query string asks for, with the parameters that were not understood."""
    problems: list[str] = []
    repo, bad = _pick(query.get("repo"), sorted(rules.repo_names.values()))
    problems += ["repo"] if bad else []
    area, bad = _pick(query.get("area"), rules.area_names())
    problems += ["area"] if bad else []
    difficulty, bad = _pick(query.get("difficulty"), rules.difficulty_names())
    problems += ["difficulty"] if bad else []
    label = (query.get("label") or "").strip()[:MAX_TEXT] or None
    text = (query.get("q") or "").strip()[:MAX_TEXT] or None
    raw_page = query.get("page")
    page = canonical_number(raw_page, high=MAX_PAGE)
    if page is None:
        problems += ["page"] if raw_page else []  # an empty page= is the form's own default
        page = 1
    return BoardFilter(repo, area, difficulty, label, text), page, problems


class BoardPage:
    """The board with filters, pagination, claim state and how to claim in chat."""

    def __init__(self, cog: WebCog) -> None:
        self.cog = cog

    async def build(self, ctx: PageContext, request: web.Request) -> PageResult:
        gfi = self.cog.feature("good_first_issues").service
        rules = gfi.rules
        flt, page_no, problems = read_filter(dict(request.query), rules)
        size, now = self.cog.cfg.page_size, self.cog.now()
        await gfi.ensure_board()  # the board index /gfi list reads (built once per process and rules)

        def load(session: Session) -> tuple[BoardPageData, list[ClaimedEntry], datetime | None]:
            # The queries /gfi list runs, on one read-only snapshot: one connection, one thread hop.
            return (
                list_board(session, rules, flt, page_no, size, now),
                claimed_entries(session, rules, flt, CLAIMED_SHOWN),
                board_changed_at(session),
            )

        page, claimed, changed = await self.cog.services.db.read(load)
        config = self.cog.services.config
        labels = sorted({label for labels in rules.repo_labels.values() for label in labels})
        params = {
            "repo": flt.repo,
            "area": flt.area,
            "difficulty": flt.difficulty,
            "label": flt.label,
            "q": flt.text,
        }
        values = {
            "current": "board",
            "title": ctx.t("web.board.title"),
            "flt": flt,
            "params": params,
            "problems": problems,
            "board": page,
            "claimed": claimed,
            "repos": sorted(rules.repo_names.values()),
            "areas": rules.area_names(),
            "difficulties": rules.difficulty_names(),
            "labels": labels,
            "platforms": [p for p in ("discord", "slack") if getattr(config, p, None) is not None],
            "claim_links": self.cog.cfg.claim_links,
            "first_number": (page_no - 1) * size + 1,
            "prev_url": ctx.url("/", **params, page=page_no - 1) if page_no > 1 else None,
            "next_url": ctx.url("/", **params, page=page_no + 1) if page.has_next else None,
        }
        return self.cog.site.render("board.html", ctx, values, changed)
