"""No adapter shortens what a person wrote: an answer over the limit is refused with a message that
says the limit and how much to cut, on every platform, and nothing is stored until it fits."""

from __future__ import annotations

from bot.core.clock import FakeClock
from cogs.spotlight.document import answers_of
from tests.cogs.spotlight.history import NOW, link_github, seed_history
from tests.cogs.spotlight.test_e2e import SPOTLIGHT_YAML
from tests.fixtures.chat import ChatFactory

REST = {"found": "A friend.", "bug": "A race.", "advice": "Ask."}  # page one's other required answers
LONG = ("All of this matters. " * 360)[:7559] + "!"  # 7,560 characters; the spotlight limit is 3,000


async def test_an_answer_over_the_limit_is_refused_not_cut(chat_factory: ChatFactory) -> None:
    async with chat_factory(extra_yaml=SPOTLIGHT_YAML, maintainers=["mia"], clock=FakeClock(NOW)) as chat:
        seed_history(chat.app.db)
        await chat.command("nina", "/spotlight answer")  # nina is known from here on
        link_github(chat.app.db, "nina", "newbie-dev")
        await chat.command("mia", "/spotlight invite newbie-dev")
        await chat.click("nina", chat.dms("nina")[-1], "Accept")

        replies = await chat.fill_form("nina", {"intro": LONG, **REST})
        shown = "\n".join(r.text for r in replies)
        refusal = "This answer has 7,560 characters; the limit here is 3,000. Please cut 4,560 characters"
        assert refusal in shown, shown
        assert await chat.app.db.run(lambda s: answers_of(s, 1)) == {}  # nothing stored, nothing cut

        again = await chat.fill_form("nina", {"intro": LONG[:2999] + "!", **REST})
        assert any("questions answered" in r.text for r in again), again
        stored = await chat.app.db.run(lambda s: answers_of(s, 1))
        assert stored["intro"].text == LONG[:2999] + "!"  # what she sent, to the character
