"""The board's part of a person's home page: their claims and waitlist places, over real databases,
and how it reads (times in their zone, reminder state, the /gfi list hint, the Home tab's limits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.adapters.slack.blocks import MAX_SURFACE_BLOCKS, render_blocks
from bot.core.messages import Message
from bot.core.plaintext import render_plain
from bot.db.database import Database
from bot.db.models import Member
from bot.i18n import Catalog, catalog_directories
from cogs.good_first_issues.claims import ClaimPolicy, ClaimStore
from cogs.good_first_issues.home import HomeBoard, HomeClaim, home_board
from cogs.good_first_issues.lookup import IssueLookup
from cogs.good_first_issues.models import GfiClaim
from cogs.good_first_issues.refs import IssueRef
from cogs.good_first_issues.views import HOME_ITEMS, home_blocks
from tests.cogs.good_first_issues.conftest import REPO, RULES, item, seed, standard_board

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
POLICY = ClaimPolicy(
    timedelta(days=14), 0.5, claim_limit=3, newcomer_claim_limit=3, offer_window=timedelta(days=2)
)
STORE = ClaimStore(RULES, POLICY)
CATALOG = Catalog(catalog_directories())
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _t(locale: str = "en", zone: str = "Asia/Shanghai"):  # type: ignore[no-untyped-def]
    return lambda key, **params: CATALOG.translate(locale, key, reader_zone=zone, **params)


def _people(db: Database, *names: str) -> list[int]:
    with db.session() as session:
        members = [Member(display_name=n, created_at=NOW) for n in names]
        session.add_all(members)
        session.flush()
        return [m.id for m in members if m.id is not None]


def _claim(db: Database, member_id: int, number: int, at: datetime = NOW) -> GfiClaim:
    def work(session: Session) -> GfiClaim:
        repo, issue = IssueLookup(RULES).resolve(session, IssueRef(REPO, number))
        return STORE.claim(session, repo, issue, member_id, None, at)

    return db.call(work)


def _wait(db: Database, member_id: int, number: int, at: datetime) -> int:
    def work(session: Session) -> int:
        repo, issue = IssueLookup(RULES).resolve(session, IssueRef(REPO, number))
        return STORE.join_waitlist(session, repo, issue, member_id, at)

    return db.call(work)


def _board(db: Database, member_id: int, now: datetime = NOW) -> HomeBoard:
    return db.call(lambda s: home_board(s, STORE, member_id, now))


def test_claims_reminders_waitlist_places_and_offers(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    alice, bob, carol = _people(db, "alice", "bob", "carol")
    _claim(db, alice, 1, NOW - timedelta(days=8))
    _claim(db, alice, 2)
    bobs = _claim(db, bob, 7)
    assert _wait(db, alice, 7, NOW + timedelta(minutes=1)) == 1
    assert _wait(db, carol, 7, NOW + timedelta(minutes=2)) == 2

    def remind_first(session: Session) -> None:
        claim = STORE.active_for_member(session, alice)[0]
        claim.reminded_at = NOW - timedelta(hours=1)
        session.add(claim)

    db.call(remind_first)

    board = _board(db, alice)
    assert [(c.ref, c.title) for c in board.claims] == [
        (f"{REPO}#1", "Fix typo in README"),
        (f"{REPO}#2", "Add a unit test for parser"),
    ]
    first, second = board.claims
    assert first.claimed_at == NOW - timedelta(days=8) and first.expires_at == NOW + timedelta(days=6)
    assert first.reminded_at == NOW - timedelta(hours=1) and second.reminded_at is None
    assert second.remind_at == NOW + timedelta(days=7)
    assert [(w.ref, w.position, w.offered_until) for w in board.waiting] == [(f"{REPO}#7", 1, None)]
    assert [(w.position, w.offered_until) for w in _board(db, carol).waiting] == [(2, None)]
    assert _board(db, bob).waiting == [] and [c.ref for c in _board(db, bob).claims] == [f"{REPO}#7"]

    # bob lets go: the issue is reserved for alice (first in line); carol moves up behind her.
    def release(session: Session) -> None:
        claim = session.get(GfiClaim, bobs.id)
        assert claim is not None
        STORE.end(session, claim, "unclaimed", NOW)
        STORE.offer_next(session, claim.issue_id, NOW)

    db.call(release)
    assert _board(db, bob) == HomeBoard([], [])
    [offer] = _board(db, alice).waiting
    assert offer.offered_until == NOW + timedelta(days=2)
    assert _board(db, alice, NOW + timedelta(days=3)).waiting[0].offered_until is None  # lapsed offer
    assert [w.position for w in _board(db, carol).waiting] == [2]


def test_removed_issues_are_left_out(db: Database) -> None:
    seed(db, REPO, standard_board(NOW))
    [alice] = _people(db, "alice")
    _claim(db, alice, 1)
    _claim(db, alice, 8)

    def remove(session: Session) -> None:
        _, issue = IssueLookup(RULES).resolve(session, IssueRef(REPO, 8))
        issue.removed_at = NOW
        session.add(issue)

    db.call(remove)
    assert [c.ref for c in _board(db, alice).claims] == [f"{REPO}#1"]


def test_rendering_in_the_persons_zone_with_plain_titles() -> None:
    claim = HomeClaim(
        f"{REPO}#9",
        "Fix <!channel> @everyone *bold*",
        f"https://github.com/{REPO}/issues/9",
        NOW,
        NOW + timedelta(days=14),
        NOW + timedelta(days=7),
        None,
    )
    reminded = HomeClaim(f"{REPO}#3", "Docs", None, NOW, NOW + timedelta(days=1), NOW, NOW)
    board = HomeBoard([claim, reminded], [])
    text = render_plain(Message(home_blocks(_t(), board)))
    assert "Your claims (2):" in text
    assert f"{REPO}#9 Fix <!channel> @everyone *bold*" in text
    at = "8:00\u202fPM China Standard Time"  # in her zone, named
    assert f"claimed Mar 2, 2026, {at} · expires Mar 16, 2026, {at} · reminder on Mar 9, 2026, {at}" in text
    assert f"reminder sent Mar 2, 2026, {at}" in text
    assert "/gfi list" not in text
    slack = str(render_blocks(Message(home_blocks(_t(), board))))
    assert "<!channel>" not in slack and "&lt;!channel&gt;" in slack  # outside text never pings

    zh = render_plain(Message(home_blocks(_t("zh-CN"), board)))
    assert "你的认领（2）" in zh and "2026年3月2日 20:00 中国标准时间" in zh


def test_nothing_yet_points_to_the_board() -> None:
    text = render_plain(Message(home_blocks(_t(zone="UTC"), HomeBoard([], []))))
    assert "/gfi list" in text and "no claims" in text


def test_many_claims_stay_within_the_home_tab_limits(db: Database) -> None:
    seed(db, REPO, [item(n, "t" * 250, ["good first issue"], created=NOW) for n in range(1, 41)])
    [alice] = _people(db, "alice")

    def assign_all(session: Session) -> None:
        for n in range(1, 41):
            repo, issue = IssueLookup(RULES).resolve(session, IssueRef(REPO, n))
            STORE.claim(
                session, repo, issue, alice, None, NOW, assigned_by=alice
            )  # maintainers may exceed limits

    db.call(assign_all)
    board = _board(db, alice)
    assert len(board.claims) == 40
    blocks = render_blocks(Message(home_blocks(_t(zone="UTC"), board)))
    assert len(blocks) < MAX_SURFACE_BLOCKS // 4
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section" and "text" in b)
    text = render_plain(Message(home_blocks(_t(zone="UTC"), board)))
    assert f"…and {40 - HOME_ITEMS} more: /gfi mine" in text
