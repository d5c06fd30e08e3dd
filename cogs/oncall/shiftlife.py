"""Shift life, driven by a tick: start pings and handoff summaries, topics, escalations, swap reminders.

Each tick looks at the clock and does what is due exactly once (the post log makes posts and DMs
idempotent across restarts and instances). A shift here is a person's whole stretch (back-to-back
pieces joined, :mod:`cogs.oncall.stretch`): when an override or a swap hands them the next piece
too, nobody is handed over to themselves, and "until" is the end of the stretch. Missed boundaries
are not replayed: after downtime, the shift in force is announced with the summary of the one
before it, if it began within ``oncall.handoff_grace``; an older one is skipped, and the log says
why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.clock import Clock
from bot.core.events import EventBus, HomeChanged
from bot.core.github_port import GitHubPort
from bot.core.messages import BulletList, Message, Plain, Section
from bot.core.messages import Mention as MentionSpan
from bot.core.moments import Elapsed
from bot.core.post_ledger import Due
from bot.core.posting import Poster
from bot.db.database import Database
from bot.i18n import Translate
from cogs.oncall.config import OncallConfig
from cogs.oncall.people import Person, split_ref
from cogs.oncall.planner import Shift, ShiftPlanner
from cogs.oncall.records import ShiftRecords
from cogs.oncall.rotation_people import RotationPeople
from cogs.oncall.service import Schedule
from cogs.oncall.stretch import held_pieces, joined
from cogs.oncall.swap_book import SwapBook
from cogs.oncall.triage import QueueItem, TriageAccess
from cogs.oncall.views import handoff_message
from cogs.oncall.voices import Voices

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(days=35)  # how far back the previous person's stretch is looked for


def channel_of(rotation_channel: str | None) -> str:
    return rotation_channel or "oncall"


class ShiftTicker:
    """Runs due shift work for every rotation; ``tick`` is safe to call any time and any number of times."""

    def __init__(
        self,
        schedule: Schedule,
        people: RotationPeople,
        records: ShiftRecords,
        swaps: SwapBook,
        triage: TriageAccess,
        config: Callable[[], OncallConfig],
        db: Database,
        clock: Clock,
        poster: Poster,
        bus: EventBus,
        github: Callable[[], GitHubPort | None],
        voices: Voices,
    ) -> None:
        self.schedule = schedule
        self.people = people
        self.records = records
        self.swaps = swaps
        self.triage = triage
        self.config = config
        self.db = db
        self.clock = clock
        self.poster = poster
        self.bus = bus
        self.github = github  # asked on each use: the GitHub client is set up after the cogs
        self.voices = voices  # channel posts in the project's language and zone, DMs in the reader's

    async def tick(self) -> None:
        now = self.clock.now()
        await self.db.run(self.schedule.sync_rosters, now)
        for rotation in self.config().rotations:
            try:
                await self._rotation(rotation.name, now)
            except Exception:
                log.exception("on-call tick failed for rotation %s", rotation.name)
        await self._swap_reminders(now)

    async def _rotation(self, name: str, now: datetime) -> None:
        rotation = self.schedule.rotation(name)[0]
        triage = self.triage.store()

        def load(session):  # type: ignore[no-untyped-def]
            planner = self.schedule.planner(session, rotation)
            pieces = held_pieces(planner, now)
            current = joined(pieces) if pieces else None
            before = _previous_pieces(planner, current) if current is not None else []
            previous = joined(before) if before else None
            waiting = triage.queue(session, rotation)
            refs = {s.member for s in (current, previous) if s is not None and s.member}
            esc = rotation.escalation
            if esc and (split_ref(esc)[0] is not None or esc.replace("-", "").isalnum()):
                refs.add(esc)
            people = {r: self.people.resolve(session, r, now) for r in refs}
            triaged = triage.triaged_between(session, name, previous.start, previous.end) if previous else []
            notes = self.records.notes(session, before)
            return current, previous, waiting, people, triaged, notes

        current, previous, waiting, people, triaged, notes = await self.db.run(load)
        if current is not None and current.member is not None:
            await self._announce(
                rotation.name, rotation.channel, current, previous, waiting, people, triaged, notes, now
            )
        await self._escalate(rotation.name, rotation.channel, rotation.escalation, waiting, people, now)

    async def _announce(self, name, channel, current, previous, waiting, people, triaged, notes, now):  # type: ignore[no-untyped-def]
        t = self.voices.project()
        sla = self.config().sla
        message = handoff_message(t, name, previous, current, people, triaged, waiting, now, sla, notes)
        period = f"{current.key}/{current.member}"
        due = Due(current.start, self.config().handoff_grace, "oncall.handoff_grace")
        results = await self.poster.post_once("oncall_handoff", period, channel_of(channel), message, due=due)
        person: Person | None = people.get(current.member)
        dm_sent: bool | None = None
        if person is not None and person.member_id is not None:
            dm = _start_dm(await self.voices.member(person.member_id), name, current, waiting)
            dm_sent = await self.poster.dm_member_once("oncall_shift_dm", period, person.member_id, dm, due)
        first_time = any(r.status == "sent" for r in results) or dm_sent is not None
        if first_time:
            # The outgoing and the incoming person's home pages show a different shift now.
            for shift in (previous, current):
                who = people.get(shift.member) if shift is not None and shift.member else None
                if who is not None and who.member_id is not None:
                    await self.bus.publish(HomeChanged(who.member_id))
        if any(r.status == "sent" for r in results):
            topic = t(
                "oncall.topic",
                rotation=name,
                name=person.name if person else current.member,
                until=current.end,
            )
            await self.poster.set_topic(channel_of(channel), topic)
            await self._assign(current, waiting)

    async def _assign(self, shift: Shift, waiting: list[QueueItem]) -> None:
        github = self.github()
        platform, login = split_ref(shift.member or "")
        if not self.config().assign_on_github or github is None or platform is not None:
            return
        for item in waiting:
            await github.assign(
                item.repo,
                item.number,
                login,
                dedupe_key=f"oncall-assign:{shift.key}:{item.repo}#{item.number}",
            )

    async def _escalate(self, name, channel, contact, waiting, people, now):  # type: ignore[no-untyped-def]
        sla = self.config().sla
        breached = [i for i in waiting if i.breached(now, sla)]
        if not breached:
            return
        triage, recorder = self.triage.store(), self.triage.recorder()
        keys = [(i.repo, i.number) for i in breached]
        done = await self.db.run(triage.escalated, keys)
        fresh = [i for i in breached if (i.repo.lower(), i.number) not in done]
        if not fresh:
            return

        def mark(session):  # type: ignore[no-untyped-def]
            for item in fresh:
                recorder.mark(session, item.repo, item.number, item.opened_at, escalated_at=now)

        await self.db.run(mark)
        t = self.voices.project()
        who: MentionSpan | Plain | str = t("oncall.escalation.nobody")
        if contact:
            person = people.get(contact)
            who = person.mention() if person is not None and person.user_ids else Plain(contact)
        message = Message(
            [
                Section(t("oncall.escalation.text", rotation=name, count=len(fresh)), " ", who),
                BulletList(
                    tuple(
                        (
                            Plain(f"{i.repo}#{i.number}"),
                            " ",
                            Plain(i.title),
                            " — ",
                            t(
                                "oncall.queue.breached",
                                age=Elapsed.of(now - i.opened_at),
                                sla=Elapsed.of(sla),
                            ),
                        )
                        for i in fresh[:15]
                    )
                ),
            ],
            summary=t("oncall.escalation.summary", rotation=name, count=len(fresh)),
        )
        period = f"{name}:" + ",".join(f"{i.repo}#{i.number}" for i in fresh)
        await self.poster.post_once("oncall_escalation", period[:250], channel_of(channel), message)

    async def _swap_reminders(self, now: datetime) -> None:
        lead = self.config().swap_reminder

        def due(session):  # type: ignore[no-untyped-def]
            reminders = []
            for swap in self.swaps.open_swaps(session):
                if swap.shift_start <= now:
                    swap.status, swap.resolved_at = "expired", now
                    session.add(swap)
                elif swap.shift_start - lead <= now:
                    reminders.append((swap.id, swap.rotation, swap.requester_member_id, swap.shift_start))
            return reminders

        for swap_id, rotation, member_id, start in await self.db.run(due):
            rot = self.schedule.rotation(rotation)[0]
            text = self.voices.project()("oncall.swap.reminder", id=swap_id, at=start)
            await self.poster.post_once(
                "oncall_swap_reminder", f"swap:{swap_id}", channel_of(rot.channel), Message.text(text)
            )
            if member_id is not None:
                mine = (await self.voices.member(member_id))("oncall.swap.reminder", id=swap_id, at=start)
                await self.poster.dm_member_once(
                    "oncall_swap_reminder", f"swap:{swap_id}", member_id, Message.text(mine)
                )


def _previous_pieces(planner: ShiftPlanner, current: Shift) -> list[Shift]:
    """The stretch before ``current`` (off-duty time skipped), or [] when there is none."""
    earlier = [
        s
        for s in planner.shifts(current.start - LOOK_BACK, current.start)
        if s.end <= current.start and s.reason != "off"
    ]
    return held_pieces(planner, earlier[-1].start) if earlier else []


def _start_dm(t: Translate, rotation: str, current: Shift, waiting: list[QueueItem]) -> Message:
    """The DM at the start of someone's stretch, in their language and zone: until when, and the queue."""
    dm = Message([Section(t("oncall.dm.start", rotation=rotation, until=current.end))])
    if waiting:
        dm.add(BulletList(tuple((Plain(f"{i.repo}#{i.number}"), " ", Plain(i.title)) for i in waiting[:10])))
    return dm
