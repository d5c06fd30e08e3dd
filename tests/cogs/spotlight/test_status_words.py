"""A refusal that says where an interview stands names the status as people read it ("answering"),
in their language, never the internal code ("accepted"), whatever the state and whichever button or
command is refused."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from cogs.spotlight.models import Status
from tests.cogs.spotlight.history import NOW
from tests.cogs.spotlight.interviews import SIX_QUESTIONS_YAML, only, set_status, submitted
from tests.fixtures.chat import ChatDriver, Reply, console_chat

CATALOG = Catalog(catalog_directories())
CODES = {s.value for s in Status}


def labels(locale: str) -> set[str]:
    return {CATALOG.translate(locale, f"spotlight.status.{code}") for code in CODES}


async def replies_in(chat: ChatDriver, status: Status, buttons: list[tuple[Reply, str]]) -> list[str]:
    """What the maintainer's edits and the contributor's buttons answer with #1 in ``status``."""
    texts: list[str] = []
    actions = [
        ("mia", "/spotlight intro 1 Hello."),
        ("mia", "/spotlight stats 1"),
        ("mia", "/spotlight approve 1"),
    ]
    for user, line in actions:
        set_status(chat, 1, status)
        texts += [r.text for r in await chat.command(user, line) if r.kind == "reply"]
    for reply, label in buttons:
        set_status(chat, 1, status)
        texts += [r.text for r in await chat.click("ben", reply, label) if r.kind == "reply"]
        await chat.command("ben", ":cancel")  # a button that opened a form: close it again
    return texts


async def test_every_refusal_names_the_status_by_its_label(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia"], clock=clock) as chat:
        invitation, progress = await submitted(chat, "ben")
        await chat.command("mia", "/spotlight approve 1")
        final = chat.dms("ben")[-1]
        buttons = [
            (invitation, "Accept"),
            (invitation, "Not now"),
            (final, "Approve"),
            (final, "Request changes"),
        ]
        buttons += [(progress, "Questions 1–5"), (progress, "Submit")]
        named = 0
        for status in Status:
            for text in await replies_in(chat, status, buttons):
                assert not re.search(r"\b(editor_approved|opted_out)\b|\(it is ", text), (status, text)
                for shown in re.findall(r"Status: (.+)\.$", text, flags=re.M):
                    assert shown in labels("en"), (status, text)
                    named += 1
        assert named >= 30  # most states refuse most of these, each naming the state


async def test_the_label_is_in_the_readers_language(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    yaml = SIX_QUESTIONS_YAML
    async with console_chat(database_url, tmp_path, yaml, ["mia"], locale="zh-CN", clock=clock) as chat:
        await chat.command("ben", "/spotlight answer")
        await chat.command("mia", "/spotlight invite ben")
        set_status(chat, 1, Status.ACCEPTED)
        refused = only(await chat.command("mia", "/spotlight intro 1 你好"))
        assert refused.text == "访谈 #1 现在不能编辑（当前状态：回答中）。"
        set_status(chat, 1, Status.DECLINED)
        stale = only(await chat.click("ben", chat.dms("ben")[-1], "接受"))
        assert stale.text == "这个邀请已失效（当前状态：已婉拒（暂不））。"


async def test_the_reviewers_examples_read_as_labels(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia"], clock=clock) as chat:
        invitation, _ = await submitted(chat, "ben")
        set_status(chat, 1, Status.ACCEPTED)
        intro = only(await chat.command("mia", "/spotlight intro 1 hello"))
        assert intro.text == "Interview #1 cannot be edited now. Status: answering."
        approve = only(await chat.command("mia", "/spotlight approve 1"))
        assert approve.text == "Interview #1 cannot be edited now. Status: answering."
        set_status(chat, 1, Status.DECLINED)
        accept = only(await chat.click("ben", invitation, "Accept"))
        assert accept.text == "This invitation is no longer open. Status: declined (not now)."
        set_status(chat, 1, Status.SUBMITTED)
        accept = only(await chat.click("ben", invitation, "Accept"))
        assert accept.text == "This invitation is no longer open. Status: submitted, with the editors."
