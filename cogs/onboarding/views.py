"""Messages of the onboarding feature, in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.messages import (
    Block,
    Bold,
    BulletList,
    Button,
    Buttons,
    ButtonStyle,
    Code,
    Context,
    Header,
    Inline,
    Link,
    Mention,
    Message,
    Plain,
    Section,
)
from bot.core.moments import Day
from bot.i18n import Translate
from cogs.onboarding.config import PathConfig, StepConfig
from cogs.onboarding.funnel import Stage
from cogs.onboarding.greetings import Greeted
from cogs.onboarding.issues import IssueSuggestion
from cogs.onboarding.models import StepDone

START, DONE, STOP_REMINDERS, CONFIRM, REJECT, NEXT = (
    "onb_start",
    "onb_done",
    "onb_quiet",
    "onb_confirm",
    "onb_reject",
    "onb_next",
)


def path_buttons(paths: Sequence[PathConfig], locale: str) -> list[Block]:
    """One button per path (rows of five, Discord's limit), labelled with the path's title."""
    buttons = [Button(p.title.get(locale)[:80], START, p.id, ButtonStyle.PRIMARY) for p in paths]
    return [Buttons(tuple(buttons[i : i + 5])) for i in range(0, len(buttons), 5)]


def paths_list(t: Translate, locale: str, paths: Sequence[PathConfig]) -> Message:
    if not paths:
        return Message.text(t("onboarding.paths.none"))
    msg = Message([Header(t("onboarding.paths.title"))], summary=t("onboarding.paths.title"))
    for path in paths:
        # The id in code, because /onboard start takes it (or the title) back.
        line: list[Inline] = [Bold(Plain(path.title.get(locale))), " (", Code(path.id), ")"]
        if path.description is not None:
            line += [" — ", Plain(path.description.get(locale))]
        steps = " → ".join(s.title.get(locale) for s in path.steps)
        msg.add(Section(*line), Context(t("onboarding.paths.steps", count=len(path.steps)), Plain(steps)))
    msg.add(*path_buttons(paths, locale), Context(t("onboarding.paths.footer")))
    return msg


def welcome_dm(t: Translate, locale: str, project: str, paths: Sequence[PathConfig]) -> Message:
    msg = Message(
        [Header(t("onboarding.welcome.dm_title", project=project)), Section(t("onboarding.welcome.dm_body"))],
        summary=t("onboarding.welcome.dm_title", project=project),
    )
    if paths:
        msg.add(Section(t("onboarding.welcome.pick")), *path_buttons(paths, locale))
    msg.add(Context(t("onboarding.welcome.footer")))
    return msg


def channel_greeting(t: Translate, locale: str, greeted: Greeted, paths: Sequence[PathConfig]) -> Message:
    names: list[Inline] = []
    for i, (user_id, name) in enumerate(greeted.named):
        if i:
            names.append(", ")
        names.append(Mention(name, {greeted.platform: user_id}))
    if greeted.more:
        names.append(t("onboarding.welcome.and_more", count=greeted.more))
    msg = Message(
        [Section(t("onboarding.welcome.channel_hello"), " ", *names, "!")],
        summary=t("onboarding.welcome.channel_summary"),
    )
    if paths:
        msg.add(Section(t("onboarding.welcome.pick")), *path_buttons(paths, locale))
    msg.add(Context(t("onboarding.welcome.footer")))
    return msg


def step_message(
    t: Translate,
    locale: str,
    path: PathConfig,
    index: int,
    issues: Sequence[IssueSuggestion],
    lead: str | None = None,
    *,
    waiting: bool = False,
    linked: bool = False,
) -> Message:
    """The current step: what to do, links, matching issues and how it completes (or, ``waiting``,
    that a maintainer is to confirm it)."""
    step = path.steps[index]
    title = t("onboarding.step.title", k=index + 1, n=len(path.steps), title=step.title.get(locale))
    msg = Message([], summary=title)
    if lead:
        msg.add(Section(lead))
    msg.add(Header(title), Context(t("onboarding.step.path", path=path.title.get(locale))))
    if step.description is not None:
        msg.add(Section(Plain(step.description.get(locale))))
    if step.links:
        msg.add(BulletList(tuple((Link(link.url, Plain(link.title)),) for link in step.links)))
    if issues:
        msg.add(Section(Bold(t("onboarding.step.issues"))))
        msg.add(BulletList(tuple(_issue_line(issue) for issue in issues)))
    elif step.labels or step.areas:
        msg.add(Context(t("onboarding.step.no_issues")))
    if waiting:
        msg.add(Context(t("onboarding.done.already_waiting")))
        return msg
    msg.add(Context(how_it_completes(t, step, linked)))
    if step.completes == "self_report":
        msg.add(Buttons((Button(t("onboarding.step.done_button"), DONE, path.id, ButtonStyle.PRIMARY),)))
    return msg


def _issue_line(issue: IssueSuggestion) -> tuple[Inline, ...]:
    ref = f"{issue.repo}#{issue.number}"
    head: Inline = Link(issue.url, Plain(ref)) if issue.url else Plain(ref)
    return (head, " ", Plain(issue.title))


def how_it_completes(t: Translate, step: StepConfig, linked: bool = False) -> str:
    """How the step completes; ``linked``: the reader's GitHub account is linked already."""
    if step.completes == "merged_pr":
        where = ", ".join(step.repos) if step.repos else t("onboarding.how.any_repo")
        text = t("onboarding.how.merged_pr_linked" if linked else "onboarding.how.merged_pr", repos=where)
        if step.pr_labels:
            text += " " + t("onboarding.how.pr_labels", labels=", ".join(step.pr_labels))
        return text
    if step.completes == "self_report" and step.confirm_by_maintainer:
        return t("onboarding.how.self_report_confirmed")
    return t(f"onboarding.how.{step.completes}")


def progress_view(
    t: Translate,
    locale: str,
    name: str,
    path: PathConfig,
    status: str,
    step_index: int,
    done: Sequence[StepDone],
) -> Message:
    """Someone's steps on a path: done (on which day, in the reader's zone), waiting, current, ahead."""
    finished = {d.step_id: d for d in done if d.confirmed}
    waiting = {d.step_id for d in done if not d.confirmed}
    title = t("onboarding.progress.title", name=name, path=path.title.get(locale))
    items: list[tuple[Inline, ...]] = []
    for i, step in enumerate(path.steps):
        label = Plain(step.title.get(locale))
        record = finished.get(step.id)
        if record is not None and record.completed_at is not None:
            items.append(("✅ ", label, " ", t("onboarding.progress.done_on", day=Day(record.completed_at))))
        elif step.id in waiting:
            items.append(("⏳ ", label, " ", t("onboarding.progress.waiting")))
        elif i == step_index and status == "active":
            items.append(("➡️ ", Bold(label)))
        else:
            items.append(("▫️ ", label))
    state = t(f"onboarding.progress.status_{status}")
    return Message(
        [Header(Plain(title)), BulletList(tuple(items)), Context(state)], summary=Plain(title).text
    )


def congratulations(t: Translate, locale: str, path: PathConfig, completed: Sequence[str]) -> str:
    titles = [s.title.get(locale) for s in path.steps if s.id in completed]
    return t("onboarding.advance.congrats", steps=", ".join(titles))


def finished_dm(t: Translate, locale: str, path: PathConfig) -> Message:
    return Message(
        [
            Header(t("onboarding.finished.dm_title")),
            Section(t("onboarding.finished.dm_body", path=path.title.get(locale))),
            Context(t("onboarding.finished.dm_footer")),
        ]
    )


def finished_announcement(t: Translate, locale: str, mention: Inline, path: PathConfig) -> Message:
    return Message(
        [Section("🎉 ", mention, " ", t("onboarding.finished.announce", path=path.title.get(locale)))],
        summary=t("onboarding.finished.announce_summary"),
    )


def nudge(
    t: Translate, locale: str, path: PathConfig, step: StepConfig, enrollment_id: int, *, linked: bool = False
) -> Message:
    """The reminder DM for a step left untouched; ``linked``: the reader's GitHub account is linked."""
    return Message(
        [
            Section(t("onboarding.nudge.body", step=step.title.get(locale), path=path.title.get(locale))),
            Context(how_it_completes(t, step, linked)),
            Buttons(
                (
                    Button(t("onboarding.nudge.next_button"), NEXT, "", ButtonStyle.PRIMARY),
                    Button(t("onboarding.nudge.stop_button"), STOP_REMINDERS, str(enrollment_id)),
                )
            ),
        ],
        summary=t("onboarding.nudge.summary"),
    )


def confirm_request(
    t: Translate, locale: str, name: str, path: PathConfig, step: StepConfig, report_id: int
) -> Message:
    return Message(
        [
            Section(
                t("onboarding.confirm.request", step=step.title.get(locale), path=path.title.get(locale)),
                " ",
                Plain(name),
            ),
            Buttons(
                (
                    Button(t("onboarding.confirm.yes"), CONFIRM, str(report_id), ButtonStyle.PRIMARY),
                    Button(t("onboarding.confirm.no"), REJECT, str(report_id), ButtonStyle.DANGER),
                )
            ),
        ],
        summary=t("onboarding.confirm.summary"),
    )


def funnel_view(t: Translate, stages: Sequence[Stage], days: int | None) -> Message:
    joined = stages[0].count
    period = (
        t("onboarding.stats.period_days", days=days, count=days) if days else t("onboarding.stats.period_all")
    )
    msg = Message([Header(t("onboarding.stats.title")), Context(period)], summary=t("onboarding.stats.title"))
    if joined == 0:
        return msg.add(Section(t("onboarding.stats.nobody")))
    items: list[tuple[Inline, ...]] = []
    for stage in stages:
        label = t(f"onboarding.stats.{stage.key}", k=stage.step)
        share = round(100 * stage.count / joined)
        line: list[Inline] = [Bold(label), f": {stage.count} ({share}%)"]
        if stage.median_days is not None:
            since = "merged_since" if stage.key == "merged" else "since"
            line.append(
                " — " + t(f"onboarding.stats.{since}", days=f"{stage.median_days:g}", count=stage.median_days)
            )
        items.append(tuple(line))
    return msg.add(BulletList(tuple(items)), Context(t("onboarding.stats.footer")))
