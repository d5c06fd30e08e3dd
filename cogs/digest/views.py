"""Assemble the weekly digest message from the core facts and every feature's section."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.core.messages import (
    Block,
    BulletList,
    Context,
    Divider,
    Header,
    Inline,
    Link,
    Message,
    Plain,
    Section,
)
from bot.core.moments import Day
from bot.i18n import Translate
from cogs.digest.service import CommunityWeek

MAX_NAMES = 15


def render_digest(
    t: Translate,
    project: str,
    start: datetime,
    end: datetime,
    week: CommunityWeek,
    sections: list[list[Block]],
) -> Message:
    """The digest as one message; adapters split it cleanly at block boundaries if a platform needs it."""
    last_day = end - timedelta(seconds=1)
    msg = Message([Header(t("digest.title", project=project, start=Day(start), end=Day(last_day)))])
    msg.add(
        Section(
            t(
                "digest.activity",
                merged=t("digest.merged_prs", count=week.merged_prs),
                opened=t("digest.opened_issues", count=week.opened_issues),
                closed=week.closed_issues,
            )
        )
    )
    if week.new_members:
        shown = ", ".join(week.new_members[:MAX_NAMES])
        more = len(week.new_members) - MAX_NAMES
        text: list[Inline] = [t("digest.new_members", count=len(week.new_members)), " ", Plain(shown)]
        if more > 0:
            text.append(t("digest.and_more", count=more))
        msg.add(Section(*text))
    if week.first_merges:
        items: list[tuple[Inline, ...]] = []
        for fm in week.first_merges[:MAX_NAMES]:
            label = Plain(f"{fm.repo}#{fm.number} {fm.title}")
            items.append((Plain(fm.login), " — ", Link(fm.url, label) if fm.url else label))
        msg.add(Section(t("digest.first_merges", count=len(week.first_merges))), BulletList(tuple(items)))
    for blocks in sections:
        if blocks:
            msg.add(Divider(), *blocks)
    msg.add(Context(t("digest.footer")))
    msg.summary = t("digest.summary", project=project, start=Day(start))
    return msg


def week_ending(moment: datetime) -> tuple[datetime, datetime]:
    """The 7 days before ``moment``."""
    return moment - timedelta(days=7), moment
