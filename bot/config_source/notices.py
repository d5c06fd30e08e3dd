"""The maintainers' notice about a new config version: accepted (with what changes) or refused."""

from __future__ import annotations

from typing import Any

from babel import Locale

from bot.config import ConfigProblem
from bot.config_source.models import ConfigVersion
from bot.config_source.summary import Change
from bot.core.messages import BulletList, Context, Header, Inline, Link, Message, Plain, Section
from bot.i18n import Translate

MAX_LISTED = 25  # problems listed in chat; the check run or the bot's log has them all


def plural_key(key: str, count: int, locale: str) -> str:
    """``key_one`` / ``key_other`` by the locale's CLDR plural rule."""
    form = Locale.parse(locale.replace("-", "_")).plural_form(count)
    return f"{key}_{'one' if form == 'one' else 'other'}"


def short(sha: str | None) -> str:
    return (sha or "")[:7] or "?"


def _commit(t: Translate, version: ConfigVersion) -> Inline:
    text = short(version.commit_sha)
    return Link(version.commit_url, Plain(text)) if version.commit_url else Plain(text)


def change_lines(t: Translate, changes: list[Change]) -> list[str]:
    """The changes as sentences in the reader's language."""
    return [t(key, **params) for key, params in changes]


def notice_for(t: Translate, locale: str, version: ConfigVersion) -> Message:
    """The notice of a decided ``version``: accepted with its changes and warnings, or refused."""
    if version.status == "accepted":
        changes = [(str(key), dict(params)) for key, params in version.changes]
        return accepted_message(t, version, changes, list(version.warnings))
    return refused_message(t, locale, version, list(version.problems))


def accepted_message(
    t: Translate, version: ConfigVersion, changes: list[Change], warnings: list[str]
) -> Message:
    """ "The config now runs <sha> (merged by <who>)", what it changes, and its warnings."""
    who = version.pushed_by or t("config_source.notice.someone")
    msg = Message([Header(t("config_source.notice.accepted_title"))])
    msg.add(
        Section(
            t("config_source.notice.accepted_intro"),
            " ",
            _commit(t, version),
            " ",
            Plain(t("config_source.notice.by", who=who)),
        )
    )
    msg.add(BulletList(tuple((Plain(line),) for line in change_lines(t, changes))))
    if warnings:
        msg.add(Section(t("config_source.notice.warnings")), BulletList(tuple((Plain(w),) for w in warnings)))
    msg.summary = t("config_source.notice.accepted_summary", sha=short(version.commit_sha))
    return msg


def refused_message(t: Translate, locale: str, version: ConfigVersion, problems: list[str]) -> Message:
    """ "Version <sha> was refused; the running config stays", with each problem as written."""
    who = version.pushed_by or t("config_source.notice.someone")
    count = len(problems)
    msg = Message([Header(t("config_source.notice.refused_title"))])
    msg.add(
        Section(
            t("config_source.notice.refused_intro"),
            " ",
            _commit(t, version),
            " ",
            Plain(t("config_source.notice.by", who=who)),
            " ",
            t(plural_key("config_source.notice.problems", count, locale), count=count),
        )
    )
    shown: list[tuple[Inline, ...]] = [(Plain(p),) for p in problems[:MAX_LISTED]]
    msg.add(BulletList(tuple(shown)))
    if count > MAX_LISTED:
        msg.add(Context(t("config_source.notice.more_problems", count=count - MAX_LISTED)))
    msg.add(Context(t("config_source.notice.kept")))
    msg.summary = t("config_source.notice.refused_summary", sha=short(version.commit_sha))
    return msg


def problem_texts(problems: list[ConfigProblem]) -> list[str]:
    return [str(p) for p in problems]


def params_for(version: ConfigVersion) -> dict[str, Any]:
    return {"sha": short(version.commit_sha), "who": version.pushed_by or "?"}
