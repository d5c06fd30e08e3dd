"""Numbers in addresses: only the canonical spelling of a number is one. A superscript, an
Arabic-Indic or full-width digit, a leading zero or a sign never yields a 5xx or a traceback: a
spotlight id that is not canonical is 404 (one spotlight, one address), a page number is page 1 with
the usual notice."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlmodel import Session

from bot.db.models import Member
from cogs.spotlight.models import SpotlightAnswer, SpotlightInterview, Status
from cogs.web.request_numbers import canonical_number
from tests.cogs.web.conftest import SiteFactory
from tests.cogs.web.seeds import FULL_YAML, seed_community

# '²' and '١' pass str.isdigit(); int() takes '١', '１' and ' 1'; none of them is how the site writes 1.
NOT_CANONICAL = (
    "%C2%B2",
    "%D9%A1",
    "%EF%BC%91",
    "01",
    "+1",
    "-1",
    "0",
    "1%20",
    "%201",
    "1.0",
    "1e0",
    "%E2%85%A0",
)
BAD_PAGE = "That page number is not valid; showing the first page."


def test_only_plain_ascii_digits_without_a_leading_zero_are_a_number() -> None:
    assert canonical_number("1") == 1 and canonical_number("907") == 907
    for raw in ("²", "١", "１", "01", "+1", "-1", "0", " 1", "1 ", "", None, "1" * 13, "Ⅰ", "1_0"):
        assert canonical_number(raw) is None, raw
    assert canonical_number("10001", high=10_000) is None


async def test_a_spotlight_has_one_address(
    site_factory: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seeded = seed_community(site.chat.app.db, site.chat.clock.now())
        assert seeded.published_id == 1
        status, _, _ = await site.get("/spotlights/1")
        assert status == 200
        with caplog.at_level(logging.WARNING):
            for raw in NOT_CANONICAL:
                status, body, _ = await site.get(f"/spotlights/{raw}")
                assert status == 404 and "There is no published spotlight at this address." in body, raw
                assert "Traceback" not in body, raw
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_page_number_that_is_not_one_shows_page_one(
    site_factory: SiteFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        seed_community(site.chat.app.db, site.chat.clock.now())
        with caplog.at_level(logging.WARNING):
            for raw in NOT_CANONICAL:
                status, html, _ = await site.get(f"/?page={raw}")
                assert status == 200 and BAD_PAGE in html, raw
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        for fine in ("/", "/?page=1", "/?page="):
            status, html, _ = await site.get(fine)
            assert status == 200 and BAD_PAGE not in html, fine


async def test_the_page_keeps_the_questions_own_numbers(site_factory: SiteFactory) -> None:
    async with site_factory(extra_yaml=FULL_YAML) as site:
        now = site.chat.clock.now()

        def write(session: Session) -> int:
            ada = Member(display_name="Ada", created_at=now)
            session.add(ada)
            session.flush()
            assert ada.id is not None
            texts = ("Who are you?", "Favourite tools?", "Advice?")
            row = SpotlightInterview(
                member_id=ada.id,
                display_name="Ada",
                status=Status.PUBLISHED,
                questions=[
                    {"id": qid, "texts": {"en": text}, "optional": qid == "tools"}
                    for qid, text in zip(("intro", "tools", "advice"), texts, strict=True)
                ],
                invited_at=now - timedelta(days=9),
                approved_at=now - timedelta(days=2),
                published_at=now - timedelta(days=1),
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add(SpotlightAnswer(interview_id=row.id, question_id="intro", text="I am Ada."))
            session.add(SpotlightAnswer(interview_id=row.id, question_id="advice", text="Ask early."))
            return row.id

        interview_id = site.chat.app.db.call(write)
        status, html, _ = await site.get(f"/spotlights/{interview_id}")
        assert status == 200
        assert "<strong>1. Who are you?</strong>" in html and "<strong>3. Advice?</strong>" in html
        assert "Favourite tools?" not in html
