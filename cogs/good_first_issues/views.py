"""Messages the board shows the person who asked: pages, issue details, claims, stats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.core.messages import (
    Block,
    Bold,
    BulletList,
    Button,
    Buttons,
    ButtonStyle,
    Context,
    Fields,
    Header,
    Inline,
    Link,
    Message,
    Plain,
    Section,
)
from bot.core.moments import Day
from bot.i18n import Translate
from cogs.good_first_issues.board import BoardEntry, BoardPage
from cogs.good_first_issues.board_stats import Stats
from cogs.good_first_issues.claim_actions import ClaimResult
from cogs.good_first_issues.home import HomeBoard
from cogs.good_first_issues.notices import ACTION_CLAIM, issue_link
from cogs.good_first_issues.reservations import Reservation
from cogs.good_first_issues.service import IssueDetails, MyClaim

ACTION_PAGE = "gfi_page"
ACTION_WAIT = "gfi_waitlist"
BUTTONS_PER_ROW = 5
MAX_CLAIM_BUTTONS = 20  # 4 rows; the fifth row is Prev/Next (Discord allows 5 rows of 5)


def age(t: Translate, since: datetime, now: datetime) -> str:
    days = max(0, (now - since).days)
    if days == 0:
        return t("gfi.age.today")
    return t("gfi.age.days", count=days)


def _tags(entry: BoardEntry) -> list[Inline]:
    tags = [x for x in (entry.area, entry.difficulty) if x]
    return [" — ", Bold(Plain(", ".join(tags)))] if tags else []


def _reserved(t: Translate, entry: BoardEntry) -> tuple[Inline, ...]:
    """`` · reserved for NAME until WHEN`` while a waitlist offer runs, else nothing."""
    return () if entry.reserved is None else (" · ", _reserved_for(t, "gfi.list.reserved", entry.reserved))


def _reserved_for(t: Translate, key: str, held: Reservation) -> Plain:
    # Plain as a whole: the name is the person's own and must never render as markup or a ping.
    return Plain(t(key, name=held.name, until=held.until))


def board_page(t: Translate, page: BoardPage, now: datetime, nav_value: Callable[[int], str]) -> Message:
    """One page with a Claim button per entry and Prev/Next buttons."""
    msg = Message([Header(t("gfi.list.title", page=page.page))])
    if not page.entries:
        msg.add(Section(t("gfi.list.empty" if page.page == 1 else "gfi.list.past_end")))
        return msg
    items: list[tuple[Inline, ...]] = []
    for e in page.entries:
        items.append(
            (
                issue_link(e.ref, e.title, e.url),
                *_tags(e),
                " · ",
                age(t, e.created_at, now),
                " · ",
                t("gfi.list.comments", count=e.comments),
                *_reserved(t, e),
            )
        )
    msg.add(BulletList(tuple(items)))
    claim = [
        Button(t("gfi.button.claim", ref=e.short_ref), ACTION_CLAIM, str(e.issue_id), ButtonStyle.PRIMARY)
        for e in page.entries[:MAX_CLAIM_BUTTONS]
        if e.reserved is None  # only its reservee may claim it, and their offer DM has the button
    ]
    for i in range(0, len(claim), BUTTONS_PER_ROW):
        msg.add(Buttons(tuple(claim[i : i + BUTTONS_PER_ROW])))
    nav = []
    if page.page > 1:
        nav.append(Button(t("gfi.button.prev"), ACTION_PAGE, nav_value(page.page - 1)))
    if page.has_next:
        nav.append(Button(t("gfi.button.next"), ACTION_PAGE, nav_value(page.page + 1)))
    if nav:
        msg.add(Buttons(tuple(nav)))
    msg.add(Context(t("gfi.list.footer")))
    msg.summary = t("gfi.list.title", page=page.page)
    return msg


def details(t: Translate, d: IssueDetails, now: datetime, viewer: int | None = None) -> Message:
    """/gfi show for ``viewer`` (their member id): the claim button, or the waitlist's unless the
    viewer holds the claim."""
    e = d.entry
    holder: Inline = t("gfi.show.nobody")
    if d.claimer is not None and d.claimer_since is not None:
        holder = Plain(t("gfi.show.claimed_since", name=d.claimer, since=Day(d.claimer_since)))
    elif d.assignees:
        holder = Plain(", ".join(d.assignees) + " (GitHub)")
    state = t(f"gfi.show.state_{d.state}") if d.state in ("open", "closed") else d.state
    fields: list[tuple[Inline, Inline]] = [
        (t("gfi.show.labels"), Plain(", ".join(e.labels)) if e.labels else "—"),
        (t("gfi.show.age"), age(t, e.created_at, now)),
        (t("gfi.show.comments"), str(e.comments)),
        (t("gfi.show.state"), state),
        (t("gfi.show.holder"), holder),
    ]
    if e.area or e.difficulty:
        fields.append((t("gfi.show.area"), Plain(" / ".join(x for x in (e.area, e.difficulty) if x))))
    if d.waiting:
        fields.append((t("gfi.show.waiting"), str(d.waiting)))
    if d.reserved is not None:
        fields.append((t("gfi.show.reserved"), _reserved_for(t, "gfi.show.reserved_for", d.reserved)))
    msg = Message([Header(Plain(f"{e.ref} {e.title}")), Fields(tuple(fields))])
    if e.url:
        msg.add(Section(Link(e.url, e.url)))
    if d.state == "open":
        if d.claimer is None and d.reserved is None and d.on_board and not d.assignees:
            label = t("gfi.button.claim", ref=e.short_ref)
            msg.add(Buttons((Button(label, ACTION_CLAIM, str(e.issue_id), ButtonStyle.PRIMARY),)))
        elif d.claimer is not None and (viewer is None or viewer != d.claimer_id):
            msg.add(Buttons((Button(t("gfi.button.wait"), ACTION_WAIT, str(e.issue_id)),)))
    return msg


def claimed(t: Translate, r: ClaimResult, parts: Callable[..., tuple[Any, ...]]) -> Message:
    msg = Message([Section(*parts("gfi.claim.done", {"ref": r.ref}, until=r.expires_at))])
    msg.add(Section(issue_link(r.ref, r.title, r.url)))
    msg.add(Context(t(f"gfi.claim.github_{r.github}")))
    return msg


def mine(t: Translate, claims: list[MyClaim], now: datetime) -> Message:
    if not claims:
        return Message([Section(t("gfi.mine.none"))])
    items: list[tuple[Inline, ...]] = [
        (
            issue_link(c.ref, c.title, c.url),
            " — ",
            t("gfi.mine.until", until=c.expires_at),
            " · ",
            t(f"gfi.mine.github_{c.github_state}"),
        )
        for c in claims
    ]
    return Message([Header(t("gfi.mine.title", count=len(claims))), BulletList(tuple(items))])


def stats(t: Translate, s: Stats) -> Message:
    fields: tuple[tuple[Inline, Inline], ...] = (
        (t("gfi.stats.on_board"), str(s.on_board)),
        (t("gfi.stats.active"), str(s.active)),
        (t("gfi.stats.waiting"), str(s.waiting)),
        (t("gfi.stats.finished"), str(s.finished_30d)),
        (t("gfi.stats.expired"), str(s.expired_30d)),
        (t("gfi.stats.released"), str(s.released_30d)),
        (t("gfi.stats.refused"), str(s.refused_on_github)),
    )
    msg = Message([Header(t("gfi.stats.title")), Fields(fields)])
    if s.top:
        msg.add(
            Section(t("gfi.stats.top")),
            BulletList(tuple((Plain(name), f" — {n}") for name, n in s.top)),
        )
    return msg


HOME_ITEMS = 15  # per list; claims are capped by the claim limit, but maintainers may assign more


def home_blocks(t: Translate, board: HomeBoard) -> list[Block]:
    """The board's part of a person's home page; ``t`` writes times in their zone, naming it."""

    blocks: list[Block] = [Header(t("gfi.home.title"))]
    if not board.claims and not board.waiting:
        return [*blocks, Section(t("gfi.home.none"))]
    if board.claims:
        claims = tuple(
            (
                issue_link(c.ref, c.title, c.url),
                " — ",
                t("gfi.home.dates", claimed=c.claimed_at, expires=c.expires_at),
                " · ",
                t("gfi.home.reminded", at=c.reminded_at)
                if c.reminded_at
                else t("gfi.home.reminder_due", at=c.remind_at),
            )
            for c in board.claims[:HOME_ITEMS]
        )
        blocks += [Section(t("gfi.home.claims", count=len(board.claims))), BulletList(claims)]
        if len(board.claims) > HOME_ITEMS:
            blocks.append(Context(t("gfi.home.more", count=len(board.claims) - HOME_ITEMS)))
    if board.waiting:
        waits = tuple(
            (
                issue_link(w.ref, w.title, w.url),
                " — ",
                t("gfi.home.offered", until=w.offered_until)
                if w.offered_until
                else t("gfi.home.position", position=w.position),
            )
            for w in board.waiting[:HOME_ITEMS]
        )
        blocks += [Section(t("gfi.home.waiting")), BulletList(waits)]
    return blocks
