"""Counts read right (one merged PR, six questions, two pages), a nomination given twice counts and
shows once, and `/spotlight stats <id> remove` is typed as its usage line shows it."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FakeClock
from bot.i18n import Catalog, catalog_directories
from tests.cogs.spotlight.history import NOW, link_github, seed_history
from tests.cogs.spotlight.interviews import SIX_QUESTIONS_YAML, invited, only, submitted
from tests.fixtures.chat import console_chat

CATALOG = Catalog(catalog_directories())


async def test_a_repeated_nomination_counts_and_reads_once(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia", "ola"], clock=clock) as chat:
        await chat.command("felix", "/spotlight answer")
        for _ in range(2):
            await chat.command("mia", '/spotlight nominate felix "Great work"')
        line = next(
            x
            for x in only(await chat.command("mia", "/spotlight candidates")).text.splitlines()
            if "felix" in x
        )
        assert line.endswith("felix — nominated (Great work) (score 4)"), line
        await chat.command("ola", "/spotlight nominate felix Helpful reviews")
        line = next(
            x
            for x in only(await chat.command("mia", "/spotlight candidates")).text.splitlines()
            if "felix" in x
        )
        assert line.endswith("felix — nominated by 2 people (Great work; Helpful reviews) (score 4)"), line


async def test_counts_and_the_remove_option(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia"], clock=clock) as chat:
        seed_history(chat.app.db)
        await chat.command("ben", "/spotlight answer")
        link_github(chat.app.db, "ben", "newbie-dev")  # one merged pull request
        await submitted(chat, "ben")
        assert "GitHub stats attached to #1." in only(await chat.command("mia", "/spotlight stats 1")).text
        review = only(await chat.command("mia", "/spotlight review 1")).text
        assert "GitHub stats attached (1 merged PR)." in review

        removed = only(await chat.command("mia", "/spotlight stats 1 remove"))
        assert removed.text == "GitHub stats removed from #1."
        assert "GitHub stats attached" not in only(await chat.command("mia", "/spotlight review 1")).text
        wrong = only(await chat.command("mia", "/spotlight stats 1 yes"))
        assert "remove" in wrong.text and "/spotlight stats <id> [remove]" in wrong.text

        missing = only(await chat.command("mia", "/spotlight note 1 9 x"))
        assert missing.text == "There is no question 9; this interview has 6 questions."


async def test_the_page_count_is_a_number_of_pages(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia"], clock=clock) as chat:
        await chat.click("ben", await invited(chat, "ben"), "Accept")
        await chat.command("ben", ":cancel")
        no_page = only(await chat.command("ben", "/spotlight answer 3"))
        assert no_page.text == "There is no page 3; this interview has 2 pages."


def test_singular_forms() -> None:
    t = CATALOG.translate
    assert (
        t("en", "spotlight.answer.no_page", page=2, count=1)
        == "There is no page 2; this interview has 1 page."
    )
    assert t("en", "spotlight.review.no_question", number=2, count=1).endswith("has 1 question.")
    assert (
        t("en", "spotlight.review.stats_attached", prs=3, count=3) == "GitHub stats attached (3 merged PRs)."
    )
    assert t("en", "spotlight.reason.gfi_done", count=2) == "finished 2 good first issues"
    assert (
        t("zh-CN", "spotlight.review.stats_attached", prs=1, count=1)
        == "已附上 GitHub 统计（1 个已合并 PR）。"
    )
