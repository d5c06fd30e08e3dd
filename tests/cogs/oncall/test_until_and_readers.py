"""The "until" of a shift is the end of the whole stretch its person holds, wherever it is shown; and
every message is written for whoever reads it: the channel in the project's language and zone, a DM
in its recipient's, a reply in the invoker's, each naming the zone of its times."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.clock import FakeClock
from bot.core.messages import Message
from bot.core.plaintext import render_plain
from tests.cogs.oncall.helpers import CET, CONFIG, NOW, PST, cog, en, kinds, shanghai, text
from tests.fixtures.chat import ChatDriver, console_chat

LA = "/steward timezone America/Los_Angeles"
ANN_LA = en(f"Dec 7, 2026, 5:00 PM {PST} → Dec 8, 2026, 5:00 PM {PST}")  # ann's Dec 8 shift (Shanghai)
ANN_BERLIN = en(f"Dec 8, 2026, 2:00 AM {CET} → Dec 9, 2026, 2:00 AM {CET}")
ANN_ZH_LA = "2026年12月7日 17:00 北美太平洋标准时间 → 2026年12月8日 17:00 北美太平洋标准时间"


def topics(chat: ChatDriver) -> list[str]:
    transcript = chat.console.transcript  # type: ignore[attr-defined]
    return [r.text for r in transcript if r.kind == "topic"]


def handoffs(chat: ChatDriver) -> list[str]:
    return [p.text for p in chat.posts("oncall") if "Handoff" in p.text]


async def home(chat: ChatDriver, user: str) -> str:
    members = chat.app.services.members
    known = await chat.app.db.run(lambda s: members.known(s, "console", user, user))
    assert known is not None
    blocks = await cog(chat).home_section(known.id, await chat.app.services.reader_of(known.id))
    return render_plain(Message(blocks))


async def test_until_is_the_end_of_the_whole_stretch_everywhere(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=clock) as chat:
        await chat.command("ann", LA)
        # ann is put on call until the end of Dec 7 in her zone (Dec 8 16:00 Shanghai); her own shift
        # starts Dec 8 09:00 Shanghai and runs until Dec 9 09:00: one stretch, one "until".
        done = text(await chat.command("ann", "/oncall override triage ann 2026-12-07"))
        assert done == en(f"Ann is on call for triage until Dec 8, 2026, 5:00 PM {PST}.")
        [post] = chat.posts("oncall")
        assert en(f"is on call for triage until Dec 9, 2026, 2:00 AM {CET} (override by ann).") in post.text
        assert topics(chat) == [en(f"On call for triage: Ann until Dec 9, 2026, 2:00 AM {CET}")]

        now = text(await chat.command("ann", "/oncall now"))
        assert en("Until: Tue Dec 8, 2026, 5:00 PM") in now
        assert en("Next: ben from Tue Dec 8, 2026, 5:00 PM") in now
        assert now.endswith("Times in America/Los_Angeles.")  # she chose it: no advice to choose one
        noted = text(await chat.command("ann", "/oncall handoff Watch the flaky CI"))
        assert noted == en(
            f"Noted for the handoff of triage at Dec 8, 2026, 5:00 PM {PST}. 0 items are waiting."
        )
        on_call = en("You are on call for triage now, until Tue Dec 8, 2026, 5:00 PM.")
        assert on_call in await home(chat, "ann")

        ticker = cog(chat).ticker
        await ticker.tick()
        [handoff] = handoffs(chat)
        assert en(f"On call until Dec 9, 2026, 2:00 AM {CET}.") in handoff
        [dm] = chat.dms("ann")  # in her zone: a DM is read by its recipient
        assert en(f"Your triage on-call shift starts now (until Dec 8, 2026, 5:00 PM {PST}).") in dm.text

        # Her own shift begins inside the stretch: nobody is handed over to themselves.
        clock.set(shanghai(8) + timedelta(minutes=1))
        await ticker.tick()
        assert len(handoffs(chat)) == 1 and len(chat.dms("ann")) == 1

        # At the stretch's end ben takes over, and ann's note (left in its first piece) reaches him.
        clock.set(shanghai(9) + timedelta(minutes=1))
        await ticker.tick()
        last = handoffs(chat)[-1]
        assert "Shift change: Ann → @ben" in last and "Watch the flaky CI" in last
        assert topics(chat)[-1] == en(f"On call for triage: ben until Dec 10, 2026, 2:00 AM {CET}")


async def test_swap_messages_are_written_for_whoever_reads_them(database_url: str, tmp_path: Path) -> None:
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=FakeClock(NOW)) as chat:
        await chat.command("ann", LA)
        await chat.command("ben", LA)
        await chat.command("ben", "/steward language zh-CN")
        # ann's Dec 8 shift (Shanghai) begins on Dec 7 in Los Angeles.
        asked = await chat.command("ann", "/oncall swap 2026-12-07 ben")
        [reply] = kinds(asked, "reply")
        assert ANN_LA in reply.text
        [offer] = chat.posts("oncall")
        assert f"can you take the triage shift {ANN_BERLIN}" in offer.text
        [dm] = chat.dms("ben")
        assert f"你能接替 triage 班次 {ANN_ZH_LA}" in dm.text and dm.buttons == ["接受"]

        assert text(await chat.click("ben", dm, "接受")) == f"班次 {ANN_ZH_LA} 现在由你负责。谢谢！"
        assert chat.posts("oncall")[-1].text == f"ben takes the triage shift {ANN_BERLIN} from Ann."
        [told] = chat.dms("ann")
        assert told.text == f"ben takes the triage shift {ANN_LA} from Ann."

        # A closed request says why in words, never its stored status.
        assert text(await chat.click("ben", dm, "接受")) == "你已经接下了这个班次。"
        assert text(await chat.click("ann", reply, "Withdraw")) == "ben has already taken this shift."
        again = await chat.command("ann", "/oncall swap 2026-12-11 cho")
        mine = kinds(again, "reply")[0]
        assert text(await chat.click("ann", mine, "Withdraw")) == "Swap request #2 is withdrawn."
        late = text(await chat.click("cho", chat.dms("cho")[-1], "Accept"))
        assert late == "This swap request was withdrawn."

        # A forced swap: the channel reads the project's zone, the maintainer their own.
        forced = await chat.command("ann", "/oncall swap 2026-12-11 dee force:true")
        assert kinds(forced, "reply")[0].text == en(
            f"Done: dee is on call for Dec 11, 2026, 5:00 PM {PST} → Dec 12, 2026, 5:00 PM {PST}."
        )
        assert chat.posts("oncall")[-1].text == en(
            f"ann handed the triage shift Dec 12, 2026, 2:00 AM {CET} → Dec 13, 2026, 2:00 AM {CET} to dee."
        )


async def test_a_swap_reminder_dm_is_in_the_requesters_language(database_url: str, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    async with console_chat(database_url, tmp_path, extra_yaml=CONFIG, clock=clock) as chat:
        await chat.command("ben", "/steward language zh-CN")
        await chat.command("ben", "/oncall swap 2026-12-09")  # ben's day, Dec 9 09:00 Shanghai
        clock.set(shanghai(8, 12))  # within a day of the shift
        await cog(chat).ticker.tick()
        assert chat.posts("oncall")[-1].text == en(
            f"Reminder: swap request #1 for the shift starting Dec 9, 2026, 2:00 AM {CET} is still open."
        )
        # ben set no zone: the project's, named, in his language.
        reminded = chat.dms("ben")[-1].text
        assert reminded == "提醒：2026年12月9日 02:00 中欧标准时间 开始的班次的换班请求 #1 仍未被接受。"
