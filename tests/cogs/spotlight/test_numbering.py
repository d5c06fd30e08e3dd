"""One numbering everywhere: a question keeps its own number in the form, the review, /spotlight note,
the preview, the published post and the blog export, also when an optional question before it was
skipped (the gap stays rather than the numbers after it moving)."""

from __future__ import annotations

from pathlib import Path

from bot.core.clock import FakeClock
from tests.cogs.spotlight.history import NOW
from tests.cogs.spotlight.interviews import SIX_QUESTIONS_YAML, only, submitted
from tests.fixtures.chat import console_chat


async def test_a_skipped_question_keeps_the_others_numbers(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, SIX_QUESTIONS_YAML, ["mia"], clock=clock) as chat:
        await submitted(chat, "ben")  # question 2 (B, optional) skipped
        noted = only(await chat.command("mia", '/spotlight note 1 4 "Note after D"'))
        assert noted.text == "Editor's note after answer 4 of #1 saved."
        skipped = only(await chat.command("mia", "/spotlight note 1 2 x"))
        assert skipped.text == "Question 2 was not answered, so it has no place for a note."

        review = only(await chat.command("mia", "/spotlight review 1")).text
        assert "4. Question D?\n" in review and review.index("Answer D.") < review.index("Note after D")

        preview = "\n".join(r.text for r in await chat.command("mia", "/spotlight preview 1"))
        for line in (
            "1. Question A?",
            "3. Question C?",
            "4. Question D?",
            "5. Question E?",
            "6. Question F?",
        ):
            assert line in preview, line
        assert "Question B?" not in preview and "2. " not in preview
        d_at = preview.index("4. Question D?")
        assert (
            d_at
            < preview.index("Answer D.")
            < preview.index("Note after D")
            < preview.index("5. Question E?")
        )

        files = [f for r in await chat.command("mia", "/spotlight export 1") for f in r.files]
        [(_, data)] = files
        export = data.decode("utf-8")
        assert "**3\\. Question C?**" in export and "**4\\. Question D?**" in export
        assert export.index("**4\\. Question D?**") < export.index("Note after D") < export.index("**5\\.")

        await chat.command("mia", "/spotlight approve 1")
        await chat.click("ben", chat.dms("ben")[-1], "Approve")
        await chat.app.jobs()["spotlight_publish"]()
        post = "\n".join(p.text for p in chat.posts("spotlight"))
        assert "4. Question D?" in post and "6. Question F?" in post and "Question B?" not in post
