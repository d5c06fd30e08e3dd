"""Every issue reference the bot prints parses back as input: the short ``repo#12`` of its buttons
(when unambiguous among the configured repos), the full ``owner/repo#12`` and the GitHub URL."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cogs.good_first_issues.board import BoardRules
from cogs.good_first_issues.refs import parse_issue_ref, repos_named, short_ref
from tests.cogs.good_first_issues.conftest import GFI_YAML, REPO, item, seed, standard_board
from tests.fakes.github.port_double import RecordingGitHub
from tests.fixtures.chat import ChatFactory

# GitHub's rules: owners are letters, digits and inner hyphens; names also allow "." and "_" (".github").
OWNERS = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
NAMES = st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True).filter(lambda n: n not in (".", ".."))
FULL_NAMES = st.builds(lambda o, n: f"{o}/{n}", OWNERS, NAMES)


def _rules(configured: list[str]) -> BoardRules:
    return BoardRules(
        repo_labels={r.lower(): frozenset({"easy"}) for r in configured},
        repo_names={r.lower(): r for r in configured},
        areas={},
        difficulty={},
        priority_label=None,
    )


@given(
    configured=st.lists(FULL_NAMES, min_size=1, max_size=6, unique_by=str.lower),
    pick=st.integers(min_value=0),
    number=st.integers(min_value=1, max_value=999_999_999),
    shared_name=st.booleans(),
)
def test_printed_references_parse_back_to_the_same_issue(
    configured: list[str], pick: int, number: int, shared_name: bool
) -> None:
    if shared_name:  # another owner's repo of the same name: the short form would be ambiguous
        owner, name = configured[0].split("/")
        twin = f"{owner}x/{name}"
        if twin.lower() not in {r.lower() for r in configured}:
            configured.append(twin)
    repo = configured[pick % len(configured)]
    full = f"{repo}#{number}"
    for printed in (_rules(configured).short_ref(full), full, f"https://github.com/{repo}/issues/{number}"):
        parsed = parse_issue_ref(printed)
        assert parsed.number == number, printed
        assert parsed.repo is not None and repos_named(parsed.repo, configured) == [repo], printed


def test_short_form_only_when_unambiguous() -> None:
    configured = ["acme/widgets", "other/widgets", "acme/inference-engine"]
    assert short_ref("acme/inference-engine#140", configured) == "inference-engine#140"
    assert short_ref("acme/widgets#2", configured) == "acme/widgets#2"
    assert short_ref("elsewhere/thing#2", configured) == "elsewhere/thing#2"


async def test_the_claim_button_label_typed_back_claims_the_issue(
    chat_factory: ChatFactory, github: RecordingGitHub
) -> None:
    async with chat_factory(extra_yaml=GFI_YAML, github=github) as chat:
        seed(chat.app.db, REPO, standard_board(chat.clock.now()))
        seed(chat.app.db, "acme/docs", [item(2, "文档：补充示例", ["快乐开源"], created=chat.clock.now())])
        [page] = await chat.command("alice", "/gfi list")
        label = next(b for b in page.buttons if b.endswith("#7"))
        assert label == "Claim widgets#7"
        typed = label.split()[-1]
        [claimed] = await chat.command("alice", f"/gfi claim {typed}")
        assert f"You claimed {REPO}#7" in claimed.text
        [shown] = await chat.command("bob", "/gfi show WIDGETS#2")
        assert f"{REPO}#2 Add a unit test for parser" in shown.text
        [unknown] = await chat.command("bob", "/gfi claim gadgets#2")
        assert "gadgets is not one of the repositories this board follows" in unknown.text
        [bad] = await chat.command("bob", "/gfi claim banana")
        assert "Use #123, repo#123, owner/repo#123" in bad.text
