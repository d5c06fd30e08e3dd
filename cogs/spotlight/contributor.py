"""The contributor's commands and buttons: accept or decline, answer page by page, submit, approve."""

from __future__ import annotations

from sqlmodel import Session

from bot.core.commands import Choice, Option, OptionType, action, command
from bot.core.errors import UserError
from bot.core.invocation import Invocation
from bot.core.messages import Form
from bot.db.database import Database
from cogs.spotlight import editing, views
from cogs.spotlight import interview as flow
from cogs.spotlight.document import answers_of
from cogs.spotlight.models import SpotlightInterview, Status
from cogs.spotlight.publishing import queue_position
from cogs.spotlight.service import SpotlightService


class ContributorCommands:
    """Everything the interviewee does.

    Database work goes through ``service.run``, which shows a refused status by its label.
    """

    def __init__(self, service: SpotlightService, db: Database) -> None:
        self.service = service
        self.db = db

    def _form_for(self, session: Session, interview: SpotlightInterview, page: int, inv: Invocation) -> Form:
        assert interview.id is not None
        flow.require_answering(interview)
        answers = answers_of(session, interview.id)
        if not answers and interview.locale != inv.locale:
            # The post is in the language the answers are written in: until the first answer is
            # saved, that is the language the person reads now (they may have changed it since the
            # invitation), so the questions they see and the published ones are the same.
            interview.locale = inv.locale
            session.add(interview)
        return views.page_form(inv.t, interview, page, answers, self.service.cfg.answer_max_length)

    async def _respond(self, inv: Invocation, choice: str) -> SpotlightInterview:
        member_id = inv.actor.member_id
        return await self.service.run(
            inv,
            lambda s: flow.respond(
                s,
                views.button_id(inv.value),
                member_id,
                choice,
                self.service.now(),
                self.service.cfg.questions,
            ),
        )

    @action("spot_accept")
    async def accept(self, inv: Invocation) -> None:
        member_id = inv.actor.member_id

        def work(session: Session) -> Form:
            interview = flow.respond(
                session,
                views.button_id(inv.value),
                member_id,
                "accept",
                self.service.now(),
                self.service.cfg.questions,
            )
            return self._form_for(session, interview, flow.first_open_page(session, interview), inv)

        form = await self.service.run(inv, work)
        await inv.open_form(form)

    @action("spot_notnow")
    async def not_now(self, inv: Invocation) -> None:
        interview = await self._respond(inv, "decline")
        await self.service.ack_and_notify(
            inv, "spotlight.invite.declined", "spotlight.notice.declined", interview
        )

    @action("spot_never")
    async def never(self, inv: Invocation) -> None:
        interview = await self._respond(inv, "never")
        await self.service.ack_and_notify(
            inv, "spotlight.invite.opted_out_ack", "spotlight.notice.opted_out", interview
        )

    @command(
        "spotlight answer",
        "spotlight.answer.description",
        Option(
            "page",
            "spotlight.answer.option_page",
            OptionType.INTEGER,
            required=False,
            min_value=1,
            max_value=3,
        ),
    )
    async def answer(self, inv: Invocation, page: int | None = None) -> None:
        member_id = inv.actor.member_id
        assert member_id is not None

        def work(session: Session) -> tuple[SpotlightInterview, Form | None]:
            interview = flow.current_interview(session, member_id)
            if interview is None:
                raise UserError("spotlight.answer.none")
            if interview.status != Status.ACCEPTED:
                return interview, None
            chosen = page or flow.first_open_page(session, interview)
            return interview, self._form_for(session, interview, chosen, inv)

        interview, form = await self.service.run(inv, work)
        if form is not None:
            await inv.open_form(form)
        elif interview.status == Status.INVITED:
            project = self.service.project().name
            await inv.reply(views.invitation(inv.t, interview, project, len(self.service.cfg.questions)))
        elif interview.status == Status.EDITOR_APPROVED:
            # Waiting for their approval: show the final text again (the DM may not have arrived).
            assert interview.id is not None
            for message in (await self.service.final_text(interview.id))[1]:
                await inv.reply(message)
        else:
            await inv.reply(views.status_reply(inv.t, interview))

    @action("spot_page")
    async def open_page(self, inv: Invocation) -> None:
        interview_id, page = views.parse_ref(inv.value)
        member_id = inv.actor.member_id

        def work(session: Session) -> Form:
            return self._form_for(session, flow.own_interview(session, interview_id, member_id), page, inv)

        await inv.open_form(await self.service.run(inv, work))

    @action("spot_save")
    async def save_page(self, inv: Invocation) -> None:
        interview_id, page = views.parse_ref(inv.value)
        member_id = inv.actor.member_id
        values = dict(inv.form_values)

        def work(session: Session) -> tuple[SpotlightInterview, flow.Progress]:
            interview = flow.own_interview(session, interview_id, member_id)
            state = flow.save_page(
                session, interview, page, values, self.service.now(), self.service.cfg.answer_max_length
            )
            return interview, state

        interview, state = await self.service.run(inv, work)
        await inv.reply(views.progress_message(inv.t, interview, state, page))

    @action("spot_later")
    async def later(self, inv: Invocation) -> None:
        await self.db.run(lambda s: flow.own_interview(s, views.button_id(inv.value), inv.actor.member_id))
        await inv.reply(inv.t("spotlight.answer.later_ack"))

    @action("spot_submit")
    async def submit(self, inv: Invocation) -> None:
        member_id = inv.actor.member_id

        def work(session: Session) -> SpotlightInterview:
            interview = flow.own_interview(session, views.button_id(inv.value), member_id)
            flow.submit(session, interview, self.service.now())
            return interview

        interview = await self.service.run(inv, work)
        await self.service.ack_and_notify(
            inv, "spotlight.submit.done", "spotlight.notice.submitted", interview
        )

    @action("spot_final_ok")
    async def final_ok(self, inv: Invocation) -> None:
        member_id = inv.actor.member_id
        interview_id, version = views.parse_final_ref(inv.value)

        def work(session: Session) -> tuple[SpotlightInterview, bool, int]:
            interview = flow.own_interview(session, interview_id, member_id)
            approved = editing.contributor_approve(session, interview, version, self.service.now())
            session.flush()
            return interview, approved, queue_position(session, interview_id)

        interview, approved, position = await self.service.run(inv, work)
        if not approved:  # the button pressed again: the maintainers heard it the first time
            await inv.reply(inv.t("spotlight.final.already_approved", position=position))
            return
        await inv.reply(inv.t("spotlight.final.approved"))
        await self.service.notify_maintainers(
            "spotlight.notice.approved", name=interview.display_name, id=interview.id, position=position
        )

    @action("spot_final_change")
    async def final_change(self, inv: Invocation) -> None:
        # Any version may ask for changes: a request about an older text still reaches the editors.
        interview_id, _ = views.parse_final_ref(inv.value)

        def work(session: Session) -> None:
            editing.require_waiting(flow.own_interview(session, interview_id, inv.actor.member_id))

        await self.service.run(inv, work)
        await inv.open_form(views.changes_form(inv.t, interview_id))

    @action("spot_changes_save")
    async def changes_save(self, inv: Invocation) -> None:
        member_id = inv.actor.member_id
        text = inv.form_values.get("changes", "")

        def work(session: Session) -> SpotlightInterview:
            interview = flow.own_interview(session, views.button_id(inv.value), member_id)
            editing.contributor_changes(session, interview, text)
            return interview

        interview = await self.service.run(inv, work)
        await self.service.ack_and_notify(
            inv, "spotlight.final.changes_sent", "spotlight.notice.changes", interview
        )

    @command(
        "spotlight opt",
        "spotlight.opt.description",
        Option("choice", "spotlight.opt.option_choice", choices=(Choice("in"), Choice("out"))),
    )
    async def opt(self, inv: Invocation, choice: str) -> None:
        member_id = inv.actor.member_id
        assert member_id is not None
        closed = await self.db.run(flow.choose_opt, member_id, choice == "out", self.service.now())
        if not closed:
            await inv.reply(inv.t("spotlight.opt.out" if choice == "out" else "spotlight.opt.in"))
            return
        ids = ", ".join(f"#{i.id}" for i in closed)
        await inv.reply(inv.t("spotlight.opt.out_closed", ids=ids, count=len(closed)))
        for interview in closed:
            await self.service.notify_maintainers(
                "spotlight.notice.opted_out_closed", name=interview.display_name, id=interview.id
            )
