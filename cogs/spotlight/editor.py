"""The maintainers' commands: nominate, invite, review, intro, notes, stats, approve, preview, export."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.core.commands import Access, Choice, Option, OptionType, action, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import File, Message, Section
from bot.core.people import PersonResolver
from bot.core.posting import Poster
from bot.db.database import Database
from bot.db.models import Member
from cogs.spotlight import editing, views
from cogs.spotlight import interview as flow
from cogs.spotlight.document import Document, answers_of, build_document
from cogs.spotlight.models import SpotlightCredit, SpotlightInterview, Status
from cogs.spotlight.people import Person, is_bot_login, opted_out, person_of
from cogs.spotlight.post_view import render_post
from cogs.spotlight.publishing import recent_interviews
from cogs.spotlight.service import SpotlightService

M = Access.MAINTAINERS


def _id_option() -> Option:
    return Option("id", "spotlight.option_id", OptionType.INTEGER, min_value=1)


def _who_option() -> Option:
    return Option("who", "spotlight.option_who", max_length=100)


class EditorCommands:
    """Everything maintainers do with an interview."""

    def __init__(
        self, service: SpotlightService, db: Database, poster: Poster, people: Callable[[], PersonResolver]
    ) -> None:
        self.service = service
        self.db = db
        self.poster = poster
        self.people = people  # resolves the person a command names (by mention, handle or login)

    def _resolve(self, session: Session, inv: Invocation, who: str) -> Person:
        named = self.people().resolve(session, inv.platform, who, self.service.now())
        member = session.get(Member, named.member_id) if named.member_id is not None else None
        if member is not None:
            return person_of(member)
        return Person(None, named.github_login, named.display_name)

    @command(
        "spotlight nominate",
        "spotlight.nominate.description",
        _who_option(),
        Option("reason", "spotlight.nominate.option_reason", required=False, greedy=True, max_length=300),
        access=M,
    )
    async def nominate(self, inv: Invocation, who: str, reason: str | None = None) -> None:
        def work(session: Session) -> Person:
            person = self._resolve(session, inv, who)
            if person.is_bot or (
                person.github_login and is_bot_login(person.github_login, self.service.bot_logins())
            ):
                raise UserError("spotlight.invite.bot", name=person.display_name)
            if opted_out(session, person):
                raise UserError("spotlight.invite.opted_out", name=person.display_name)
            login = person.github_login.lower() if person.github_login else None
            session.add(
                SpotlightCredit(
                    member_id=person.member_id,
                    github_login_lower=login,
                    kind="nominated",
                    detail=(reason or "").strip(),
                    by_member_id=inv.actor.member_id,
                    at=self.service.now(),
                )
            )
            return person

        person = await self.db.run(work)
        await inv.reply(inv.t("spotlight.nominate.done", name=person.display_name))

    @command("spotlight invite", "spotlight.invite.description", _who_option(), access=M)
    async def invite(self, inv: Invocation, who: str) -> None:
        def work(session: Session) -> SpotlightInterview:
            person = self._resolve(session, inv, who)
            return flow.invite(
                session,
                person,
                by_member_id=inv.actor.member_id,
                now=self.service.now(),
                default_locale=self.service.project().locale,
                bot_logins=self.service.bot_logins(),
            )

        interview = await self.db.run(work)
        project = self.service.project().name
        dm = views.invitation(
            self.service.tr(interview.locale), interview, project, len(self.service.cfg.questions)
        )
        delivered = await self.poster.dm_member(interview.member_id, dm)
        key = "spotlight.invite.sent" if delivered else "spotlight.invite.dm_failed"
        await inv.reply(inv.t(key, name=interview.display_name, id=interview.id))

    @command("spotlight list", "spotlight.list.description", access=M)
    async def list_interviews(self, inv: Invocation) -> None:
        rows = await self.db.run(recent_interviews)
        await inv.reply(views.interview_list(inv.t, rows))

    async def _review(self, inv: Invocation, interview_id: int) -> None:
        def load(session: Session) -> Message:
            interview = flow.get_interview(session, interview_id)
            assert interview.id is not None
            doc = build_document(session, interview)
            return views.review_message(inv.t, interview, doc, answers_of(session, interview.id))

        await inv.reply(await self.db.run(load))

    @command("spotlight review", "spotlight.review.description", _id_option(), access=M)
    async def review(self, inv: Invocation, id: int) -> None:
        await self._review(inv, id)

    async def _edit(
        self,
        inv: Invocation,
        interview_id: int,
        change: str,
        text: str | None = None,
        number: int = 0,
        remove: bool = False,
    ) -> None:
        def work(session: Session) -> bool:
            interview = flow.get_interview(session, interview_id)
            if change == "intro":
                return editing.set_introduction(session, interview, text)
            if change == "note":
                return editing.set_note(session, interview, number, text)
            withdrawn = interview.status != Status.SUBMITTED
            editing.attach_stats(session, interview, remove=remove)
            return withdrawn

        withdrawn = await self.service.run(inv, work)
        await inv.reply(inv.t(f"spotlight.review.{change}_saved", id=interview_id, number=number))
        if withdrawn:
            await inv.reply(inv.t("spotlight.review.approval_withdrawn", id=interview_id))

    @command(
        "spotlight intro",
        "spotlight.intro.description",
        _id_option(),
        Option("text", "spotlight.intro.option_text", greedy=True, max_length=1500),
        access=M,
    )
    async def intro(self, inv: Invocation, id: int, text: str) -> None:
        await self._edit(inv, id, "intro", text)

    @action("spot_intro", access=M)
    async def intro_button(self, inv: Invocation) -> None:
        def work(session: Session) -> SpotlightInterview:
            interview = flow.get_interview(session, views.button_id(inv.value))
            editing.require_editable(interview)
            return interview

        await inv.open_form(views.intro_form(inv.t, await self.service.run(inv, work)))

    @action("spot_intro_save", access=M)
    async def intro_save(self, inv: Invocation) -> None:
        await self._edit(inv, views.button_id(inv.value), "intro", inv.form_values.get("introduction", ""))

    @command(
        "spotlight note",
        "spotlight.note.description",
        _id_option(),
        Option("question", "spotlight.note.option_question", OptionType.INTEGER, min_value=1, max_value=12),
        Option("text", "spotlight.note.option_text", required=False, greedy=True, max_length=1000),
        access=M,
    )
    async def note(self, inv: Invocation, id: int, question: int, text: str | None = None) -> None:
        await self._edit(inv, id, "note", text, number=question)

    @command(
        "spotlight stats",
        "spotlight.stats.description",
        _id_option(),
        # Typed as the usage line shows it: `/spotlight stats 4 remove`.
        Option("remove", "spotlight.stats.option_remove", required=False, choices=(Choice("remove"),)),
        access=M,
    )
    async def stats(self, inv: Invocation, id: int, remove: str | None = None) -> None:
        await self._edit(inv, id, "stats_removed" if remove else "stats", remove=remove is not None)

    @action("spot_stats", access=M)
    async def stats_button(self, inv: Invocation) -> None:
        await self._edit(inv, views.button_id(inv.value), "stats")

    async def _approve(self, inv: Invocation, interview_id: int) -> None:
        editor = inv.actor.member_id
        await self.service.run(
            inv,
            lambda s: editing.editor_approve(
                s, flow.get_interview(s, interview_id), editor, self.service.now()
            ),
        )
        delivered = await self.service.send_final_text(interview_id)
        key = "spotlight.review.approved" if delivered else "spotlight.review.approved_dm_failed"
        await inv.reply(inv.t(key, id=interview_id))

    @command("spotlight approve", "spotlight.approve.description", _id_option(), access=M)
    async def approve(self, inv: Invocation, id: int) -> None:
        await self._approve(inv, id)

    @action("spot_approve", access=M)
    async def approve_button(self, inv: Invocation) -> None:
        await self._approve(inv, views.button_id(inv.value))

    async def _document(self, interview_id: int) -> Document:
        return await self.db.run(lambda s: build_document(s, flow.get_interview(s, interview_id)))

    @command("spotlight preview", "spotlight.preview.description", _id_option(), access=M)
    async def preview(self, inv: Invocation, id: int) -> None:
        doc = await self._document(id)
        messages = render_post(doc, self.service.tr(doc.locale), self.service.project_timezone)
        await inv.reply(inv.t("spotlight.preview.intro", id=id, count=len(messages)))
        for message in messages:
            await inv.reply(message)

    @command("spotlight export", "spotlight.export.description", _id_option(), access=M)
    async def export(self, inv: Invocation, id: int) -> None:
        doc = await self._document(id)
        if not doc.items:
            raise UserError("spotlight.export.empty", id=id)
        text, filename = self.service.export_text(doc)
        await inv.reply(
            Message(
                [
                    Section(inv.t("spotlight.export.ready", filename=filename)),
                    File(filename, text.encode("utf-8"), "text/markdown"),
                ]
            )
        )
