"""A step a maintainer confirms: while it waits, the step says so (no 'run /onboard done' again), and
confirming the last step tells the maintainer the path is finished, not that a next step follows."""

from __future__ import annotations

from pathlib import Path

from tests.cogs.onboarding.test_e2e import only
from tests.fixtures.chat import console_chat

PATHS = """
onboarding:
  paths:
    - id: talks
      title: Talks
      steps:
        - {id: read, title: Read the talk guide}
        - {id: talk, title: Give a talk, completes: self_report, confirm_by_maintainer: true}
"""


async def test_a_step_waiting_for_a_maintainer_says_so_until_the_last_one_is_confirmed(
    database_url: str, tmp_path: Path
) -> None:
    async with console_chat(database_url, tmp_path, PATHS, maintainers=["mia"]) as chat:
        await chat.command("ana", "/onboard start talks")
        await chat.command("ana", "/onboard done")  # step 1
        before = only(await chat.command("ana", "/onboard next"))
        assert "run /onboard done; a maintainer will confirm it" in before.text
        assert "I've done this" in before.buttons
        sent = only(await chat.command("ana", "/onboard done"))
        assert "A maintainer will confirm this step" in sent.text

        waiting = only(await chat.command("ana", "/onboard next"))
        assert "Step 2 of 2: Give a talk" in waiting.text
        assert "already waiting for a maintainer to confirm it" in waiting.text
        assert "run /onboard done" not in waiting.text and "I've done this" not in waiting.buttons

        [request] = chat.posts("maintainers")
        confirmed = only(await chat.click("mia", request, "Confirm"), "reply")
        assert "that was the last step: they finished the path" in confirmed.text


def test_a_merged_pr_step_asks_to_link_github_only_of_those_who_have_not() -> None:
    from bot.core.plaintext import render_plain
    from bot.i18n import Catalog, catalog_directories
    from cogs.onboarding.config import OnboardingConfig
    from cogs.onboarding.views import step_message

    config = OnboardingConfig.model_validate(
        {"paths": [{"id": "p", "title": "P", "steps": [
            {"id": "pr", "title": "A PR", "completes": "merged_pr", "repos": ["acme/widgets"]}]}]}
    )  # fmt: skip
    catalog = Catalog(catalog_directories())

    def t(key: str, **params: object) -> str:
        return catalog.translate("en", key, **params)

    path = config.paths[0]
    unlinked = render_plain(step_message(t, "en", path, 0, [], linked=False))
    linked = render_plain(step_message(t, "en", path, 0, [], linked=True))
    assert "merged (acme/widgets); link your GitHub account first." in unlinked
    assert "merged (acme/widgets)." in linked and "link your GitHub" not in linked
