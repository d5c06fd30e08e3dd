"""The board end to end on every chat driver: list, claim by button, refusals, reminders, merge credit."""

from __future__ import annotations

from sqlmodel import select

from bot.core.community_events import ContributionCredited
from bot.core.github_events import IssueLabeled, PullRequestMerged, PullRequestOpened
from cogs.good_first_issues.models import GfiClaim
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, item, seed, standard_board
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory


async def _link(chat, github: RecordingGitHub, user: str, login: str) -> None:  # type: ignore[no-untyped-def]
    github.bios[login] = "I like compilers."
    [started] = await chat.command(user, f"/steward link github {login}")
    code = next(w for w in started.text.split() if w.startswith("steward-"))
    [not_yet] = await chat.click(user, started, "Check")
    assert "could not find" in not_yet.text
    github.bios[login] = f"I like compilers. {code}"
    [done] = await chat.click(user, started, "Check")
    assert f"Linked: you are {login} on GitHub" in done.text


async def test_list_claim_remind_merge_credit(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, maintainers=["mia"], github=github) as chat:
        now = chat.clock.now()
        seed(chat.app.db, REPO, standard_board(now))
        credits: list[ContributionCredited] = []

        async def record(ev: ContributionCredited) -> None:
            credits.append(ev)

        chat.app.bus.subscribe(ContributionCredited, record)
        await _link(chat, github, "alice", "alice-gh")

        [page1] = await chat.command("alice", "/gfi list")
        assert "Good first issues — page 1" in page1.text
        lines = [line for line in page1.text.splitlines() if line.startswith("•")]
        assert [line.split()[1] for line in lines] == [f"{REPO}#7", f"{REPO}#2", f"{REPO}#8"]
        assert "Rewrite the scheduler" not in page1.text and "PR: fix typo" not in page1.text
        assert "Next ▶" in page1.buttons
        [page2] = await chat.click("alice", page1, "Next ▶")
        assert (
            f"{REPO}#1 Fix typo in README" in page2.text
            and "page 2" in page2.text
            and "Next ▶" not in page2.buttons
        )

        [claimed] = await chat.click("alice", page1, "Claim widgets#2")
        assert f"You claimed {REPO}#2" in claimed.text
        # The claim ends at a time of day, not at the end of a day: the time and its zone are shown.
        assert "yours until Jan 19, 2026, 10:00\u202fAM Central European Standard Time;" in claimed.text
        [shown] = await chat.command("alice", f"/gfi show {REPO}#2")
        assert "alice (since Jan 5, 2026)" in shown.text
        assert "Join waitlist" not in shown.buttons  # not to the person holding the claim
        [seen] = await chat.command("bob", f"/gfi show {REPO}#2")
        assert "Join waitlist" in seen.buttons
        assert "Assigning you on GitHub" in claimed.text
        [assign] = github.of_kind("assign")
        assert (assign.repo, assign.number, assign.payload) == (REPO, 2, "alice-gh")
        [comment] = github.of_kind("comment")
        assert "@alice-gh (alice) is working on this issue" in comment.payload

        [refused] = await chat.click("bob", page1, "Claim widgets#2")
        assert f"{REPO}#2 is already claimed by alice" in refused.text
        assert "Join waitlist" in refused.buttons
        [again] = await chat.command("alice", f"/gfi claim https://github.com/{REPO}/issues/2")
        assert "You have already claimed" in again.text
        [relisted] = await chat.command("bob", "/gfi list")
        assert f"{REPO}#2 " not in relisted.text and f"{REPO}#1 " in relisted.text

        # 70% of the 14-day lifetime later, the reminder DM arrives with its two buttons.
        chat.clock.advance(days=9)
        await chat.app.scheduler.run_job_now("claim_reminders")
        assert chat.dms("alice") == []
        chat.clock.advance(days=1)
        await chat.app.scheduler.run_job_now("claim_reminders")
        [reminder] = chat.dms("alice")
        assert f"Still working on {REPO}#2?" in reminder.text
        assert {"Still working", "Release it"} <= set(reminder.buttons)
        await chat.app.scheduler.run_job_now("claim_reminders")
        assert len(chat.dms("alice")) == 1  # reminded once

        await chat.app.bus.publish(
            PullRequestMerged(
                repo=REPO,
                number=40,
                at=chat.clock.now(),
                actor_login="maint",
                is_pull_request=True,
                author_login="Alice-GH",
                linked_issues=(2,),
            )
        )
        [ev] = credits
        assert (ev.kind, ev.github_login, ev.detail) == ("gfi_done", "alice-gh", f"{REPO}#2")
        assert "was merged — thank you" in chat.dms("alice")[-1].text
        [mine] = await chat.command("alice", "/gfi mine")
        assert "You have no claimed issues" in mine.text
        claim = await chat.app.db.run(lambda s: s.exec(select(GfiClaim)).one())
        assert (claim.end_reason, claim.credited, claim.pr_number) == ("done", True, 40)
        assert [w.payload for w in github.of_kind("unassign")] == []  # done, not released: stays assigned


async def test_refusals_are_clear_and_change_nothing(
    chat_factory: ChatFactory, github: RecordingGitHub
) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, maintainers=["mia"], github=github) as chat:
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        seed(chat.app.db, "acme/docs", [item(2, "文档：补充示例", ["快乐开源"], created=chat.clock.now())])
        cases = {
            "/gfi claim acme/widgets#99": "I don't know issue acme/widgets#99",
            "/gfi claim acme/widgets#4": "is a pull request, not an issue",
            "/gfi claim https://github.com/acme/widgets/pull/1": "is a pull request",
            "/gfi claim acme/widgets#5": "acme/widgets#5 is closed.",
            "/gfi claim other/repo#1": "other/repo is not one of the repositories",
            "/gfi claim acme/widgets#3": "is not on the good-first-issue board",
            "/gfi claim acme/widgets#6": "already assigned on GitHub to carol",
            "/gfi claim #2": "exists in several repositories: acme/docs#2, acme/widgets#2",
            "/gfi claim banana": "'banana' is not an issue reference",
            "/gfi list klingon": "'klingon' is not a repository, area, difficulty or page",
        }
        for line, expected in cases.items():
            [reply] = await chat.command("dave", line)
            assert expected in reply.text, (line, reply.text)
        assert await chat.app.db.run(lambda s: s.exec(select(GfiClaim)).all()) == []

        [ok] = await chat.command("dave", "/gfi claim #1")
        assert "You claimed acme/widgets#1" in ok.text and "Link your GitHub account" in ok.text
        [limit] = await chat.command("dave", "/gfi claim acme/docs#2")
        assert "1 open claim, your limit" in limit.text  # a newcomer's limit is 1
        await chat.command("dave", "/steward language zh-CN")
        [docs] = await chat.command("erin", "/gfi list docs")
        assert "acme/widgets#1" not in docs.text  # claimed
        [claimed_zh] = await chat.command("dave", "/gfi claim acme/widgets#8")
        assert "已达当前上限" in claimed_zh.text
        assert github.writes == []  # dave is not linked: nothing is done on GitHub in his name

        [denied] = await chat.command("dave", "/gfi release #1")
        assert "只有维护者" in denied.text
        replies = await chat.command("mia", "/gfi release acme/widgets#1")
        assert any("Released acme/widgets#1" in r.text for r in replies if r.kind == "reply")
        [dm] = chat.dms("dave")
        assert "维护者释放了你对 acme/widgets#1 的认领" in dm.text  # in dave's language

        # A maintainer assigning a claimed issue is told how to hand it over, not to join its waitlist.
        await chat.command("erin", "/gfi claim #8")
        [taken] = await chat.command("mia", "/gfi assign #8 dave")
        assert "claimed by erin. To give it to someone else, release it first with /gfi release" in taken.text
        assert "Join waitlist" not in taken.buttons
        [theirs] = await chat.command("mia", "/gfi assign #8 erin")
        assert "erin already holds acme/widgets#8" in theirs.text
        # An issue assigned on GitHub has no waitlist here: no claim here will ever free it.
        [queued] = await chat.command("erin", "/gfi waitlist #6")
        assert "already assigned on GitHub to carol" in queued.text


async def test_waitlist_offer_and_expiry(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        await chat.command("alice", "/gfi claim #8")
        [wait] = await chat.command("bob", "/gfi waitlist #8")
        assert "number 1 on the waitlist of acme/widgets#8" in wait.text
        [blocked] = await chat.command("carol", "/gfi claim #8")
        assert "already claimed by alice" in blocked.text

        # No activity for the whole lifetime: released, alice told, bob offered it first.
        chat.clock.advance(days=14, minutes=1)
        await chat.app.scheduler.run_job_now("claim_reminders")
        assert "ran out without activity" in chat.dms("alice")[-1].text
        [offer] = chat.dms("bob")
        assert "free again and reserved for you" in offer.text
        [reserved] = await chat.command("carol", "/gfi claim #8")
        assert "reserved for bob" in reserved.text
        [took] = await chat.click("bob", offer, "Claim widgets#8")
        assert "You claimed acme/widgets#8" in took.text

        # Activity by the claimer (an open PR referencing the issue) extends the claim.
        await _link(chat, github, "carol", "carol-gh")
        await chat.command("carol", "/gfi claim #1")
        chat.clock.advance(days=12)
        await chat.app.bus.publish(
            PullRequestOpened(
                repo=REPO,
                number=41,
                at=chat.clock.now(),
                actor_login="carol-gh",
                is_pull_request=True,
                author_login="carol-gh",
                linked_issues=(1,),
            )
        )
        chat.clock.advance(days=5)
        await chat.app.scheduler.run_job_now("claim_reminders")
        [mine] = await chat.command("carol", "/gfi mine")
        assert "acme/widgets#1" in mine.text


async def test_assignment_refused_names_claimer(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    github.assignable = {"maint"}
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        await _link(chat, github, "alice", "alice-gh")
        await chat.command("alice", "/gfi claim #1")
        await github.deliver(chat.app.bus)
        comments = [w.payload for w in github.of_kind("comment")]
        assert any("GitHub would not assign them" in c and "@alice-gh" in c for c in comments)
        assert "GitHub would not assign you" in chat.dms("alice")[-1].text
        [mine] = await chat.command("alice", "/gfi mine")
        assert "GitHub refused the assignment" in mine.text
        await github.deliver(chat.app.bus)
        assert len(github.of_kind("comment")) == 2  # no repeat


async def test_announcements_batched_once(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        now = chat.clock.now()
        seed(chat.app.db, REPO, standard_board(now))
        for number in (1, 2, 8):
            # The webhook and the poll both report the label; the issue is announced once.
            for delivery in ("d-1", None):
                await chat.app.bus.publish(
                    IssueLabeled(
                        repo=REPO, number=number, at=now, label="good first issue", delivery=delivery
                    )
                )
        await chat.app.bus.publish(IssueLabeled(repo=REPO, number=3, at=now, label="enhancement"))
        await chat.app.scheduler.run_job_now("gfi_announcements")
        assert chat.posts("announcements") == []  # still inside the batch window
        chat.clock.advance(minutes=3)
        await chat.app.scheduler.run_job_now("gfi_announcements")
        await chat.app.scheduler.run_job_now("gfi_announcements")
        [post] = chat.posts("announcements")
        assert "New good first issues (3)" in post.text
        assert "Rewrite the scheduler" not in post.text
        [claimed] = await chat.click("zoe", post, "Claim widgets#8")
        assert "You claimed acme/widgets#8" in claimed.text

        chat.clock.advance(minutes=1)  # the digest covers [now - 7 days, now)
        [digest] = await chat.command("zoe", "/steward digest preview")
        assert "3 new, 1 claimed, 0 finished, 0 stale." in digest.text, digest.text


async def test_link_errors(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        [bad] = await chat.command("amy", "/steward link github not_valid!")
        assert "not a valid GitHub login" in bad.text
        [missing] = await chat.command("amy", "/steward link github ghost")
        assert "GitHub has no user called ghost" in missing.text
        [none] = await chat.command("amy", "/steward link check")
        assert "no pending link" in none.text
        github.unreachable = True
        [down] = await chat.command("amy", "/steward link github amy-gh")
        assert "GitHub could not be reached" in down.text
        github.unreachable = False
        github.bios["amy-gh"] = ""
        github.gists["amy-gh"] = []
        [started] = await chat.command("amy", "/steward link github amy-gh")
        code = next(w for w in started.text.split() if w.startswith("steward-"))
        github.gists["amy-gh"] = [f"proof: {code}"]
        [done] = await chat.click("amy", started, "Check")
        assert "Linked: you are amy-gh" in done.text
        [me] = await chat.command("amy", "/steward me")
        assert "amy-gh (verified)" in me.text
        [taken] = await chat.command("ben", "/steward link github AMY-GH")
        assert "already linked to someone else" in taken.text
        [gone] = await chat.command("amy", "/steward unlink")
        assert "Unlinked amy-gh" in gone.text


async def test_without_github_section(chat_factory: ChatFactory) -> None:
    async with chat_factory(extra_yaml="good_first_issues: {}\n") as chat:
        [reply] = await chat.command("amy", "/gfi list")
        assert "No repositories are configured" in reply.text
        [link] = await chat.command("amy", "/steward link github amy")
        assert "GitHub is not connected" in link.text


async def test_running_claims_follow_a_later_link(chat_factory: ChatFactory, github: RecordingGitHub) -> None:
    """Linking lives in /steward; the board hears of it by event and its open claims carry the login."""
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        [claimed] = await chat.command("amy", f"/gfi claim {REPO}#2")
        assert f"You claimed {REPO}#2" in claimed.text

        def logins() -> list[str | None]:
            return chat.app.db.call(lambda s: [c.github_login for c in s.exec(select(GfiClaim)).all()])

        assert logins() == [None]
        await _link(chat, github, "amy", "amy-gh")
        assert logins() == ["amy-gh"]
        [gone] = await chat.command("amy", "/steward unlink")
        assert "Unlinked amy-gh" in gone.text
        assert logins() == [None]
