"""Wiring of /steward help, me, timezone, language, reload, config and account linking."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from bot.config.problems import ConfigProblem
from bot.config_source.status import config_source_report
from bot.core.cog import Cog, Services
from bot.core.commands import Access, Choice, Option, autocomplete, command
from bot.core.invocation import Invocation
from bot.core.messages import Bold, BulletList, Code, Context, Fields, Header, Inline, Message, Plain, Section
from bot.i18n import LOCALES
from cogs.steward.link_commands import AccountLinks
from cogs.steward.service import help_entries, matching_timezones, validate_locale, validate_timezone
from cogs.steward.views import config_message

# The directories of an absolute path (not of a URL, nor `owner/name`): chat sees the file name only.
_DIRECTORIES = re.compile(r"(?<![\w.:/~-])(?:[A-Za-z]:)?[/\\](?:[^\s/\\'\"]+[/\\])+")


def shown_in_chat(problem: ConfigProblem) -> str:
    """A config problem as chat may see it: located by file name, line and column, never by the
    server's directories (which say how the host is laid out to anyone in the channel)."""
    return _DIRECTORIES.sub("", str(replace(problem, file=PurePath(problem.file).name)))


class StewardCog(Cog):
    """The core commands; always loaded. Account linking is a part of its own (``link_commands``)."""

    name = "steward"

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self.links = AccountLinks(services)
        self._help_pages: dict[tuple[object, ...], Message] = {}

    def parts(self) -> list[object]:
        return [self.links]

    async def stop(self) -> None:
        await self.links.device_links.stop()

    @command("steward help", "steward.help.description", ephemeral=True)
    async def help(self, inv: Invocation) -> None:
        # The same few pages (per language, role and platform) are asked for all day: built once.
        # The commands are registered before the bot starts; the project name follows reloads.
        style = inv.command_style
        project = self.services.config.project.name
        key = (inv.actor.locale, inv.actor.is_maintainer, style.prefix, tuple(style.renamed.items()), project)
        msg = self._help_pages.get(key)
        if msg is None:
            msg = self._help_pages[key] = self._help_page(inv, project)
        await inv.reply(msg)

    def _help_page(self, inv: Invocation, project: str) -> Message:
        msg = Message([Header(inv.t("steward.help.title", project=project))])
        for top, entries in help_entries(
            self.services.registry, inv.actor.is_maintainer, inv.command_style
        ).items():
            items: list[tuple[Inline, ...]] = []
            for entry in entries:
                suffix = inv.t("steward.help.maintainers_only") if entry.maintainers_only else ""
                items.append((Code(entry.usage), " — ", inv.t(entry.description_key), suffix))
            msg.add(Section(Bold(top)), BulletList(tuple(items)))
        msg.add(Context(inv.t("steward.help.footer")))
        msg.summary = inv.t("steward.help.title", project=project)
        return msg

    @command("steward me", "steward.me.description")
    async def me(self, inv: Invocation) -> None:
        member_id = inv.actor.member_id
        info = await self.services.member_reads.info(member_id) if member_id else None
        not_set = inv.t("steward.me.not_set")
        github: Inline = not_set
        identities: Inline = not_set
        if info is not None:
            if info.github_login:
                state = "steward.me.verified" if info.github_verified else "steward.me.unverified"
                github = Plain(f"{info.github_login} ({inv.t(state)})")
            identities = Plain(", ".join(f"{p}:{u}" for p, u in info.identities))
        role = inv.t("steward.me.maintainer") if inv.actor.is_maintainer else inv.t("steward.me.member")
        fields: tuple[tuple[Inline, Inline], ...] = (
            (inv.t("steward.me.name"), Plain(inv.actor.display_name)),
            (inv.t("steward.me.identities"), identities),
            (inv.t("steward.me.github"), github),
            (
                inv.t("steward.me.timezone"),
                inv.actor.timezone
                or inv.t("steward.me.default_tz", tz=self.services.config.project.timezone),
            ),
            (inv.t("steward.me.language"), inv.actor.locale),
            (inv.t("steward.me.role"), role),
        )
        await inv.reply(Message([Header(inv.t("steward.me.title")), Fields(fields)]))

    @command(
        "steward timezone",
        "steward.timezone.description",
        Option("zone", "steward.timezone.option_zone", autocomplete="timezones"),
    )
    async def timezone(self, inv: Invocation, zone: str) -> None:
        member_id = inv.actor.member_id
        assert member_id is not None
        if zone.lower() in ("reset", "none", "default"):
            await self.services.db.run(lambda s: self.services.members.set_timezone(s, member_id, None))
            await inv.reply(inv.t("steward.timezone.reset", tz=self.services.config.project.timezone))
            return
        canonical = validate_timezone(zone)
        if inv.actor.timezone != canonical:  # read just now: setting the zone one already has writes nothing
            await self.services.db.run(lambda s: self.services.members.set_timezone(s, member_id, canonical))
        await inv.reply(inv.t("steward.timezone.set", tz=canonical))

    @command(
        "steward language",
        "steward.language.description",
        Option("language", "steward.language.option_language", choices=tuple(Choice(loc) for loc in LOCALES)),
    )
    async def language(self, inv: Invocation, language: str) -> None:
        member_id = inv.actor.member_id
        assert member_id is not None
        locale = validate_locale(language)
        await self.services.db.run(lambda s: self.services.members.set_locale(s, member_id, locale))
        await inv.reply(self.services.catalog.translate(locale, "steward.language.set", language=locale))

    @command("steward reload", "steward.reload.description", access=Access.MAINTAINERS)
    async def reload(self, inv: Invocation) -> None:
        outcome: Any = await self.services.reload_config()
        problems = outcome.problems
        if not problems:
            msg = Message([Section(inv.t("steward.reload.ok"))])
            if outcome.restart:
                msg.add(
                    Section(Plain(inv.t("config_source.reload.restart", settings=", ".join(outcome.restart))))
                )
            await inv.reply(msg)
            return
        lines = tuple((Plain(shown_in_chat(p)),) for p in problems)
        await inv.reply(
            Message([Section(inv.t("steward.reload.failed", count=len(problems))), BulletList(lines)])
        )

    @command("steward config", "config_source.show.description", access=Access.MAINTAINERS, ephemeral=True)
    async def config(self, inv: Invocation) -> None:
        config = self.services.config
        report = await self.services.db.run(config_source_report, config)
        coordinator = self.services.config_source
        running = coordinator.running if coordinator is not None else None
        if report is not None and running is not None:
            # This instance's own view: the version it runs (the database's newest may still be coming).
            report["running"] = {
                "sha": running.commit_sha,
                "url": running.commit_url,
                "by": running.pushed_by,
                "decided_at": running.decided_at,
            }
        warnings = (
            list(running.warnings)
            if running is not None
            else self.services.config_warnings(config, self.services.clock.now())
        )
        bootstrap = coordinator.bootstrap_file if coordinator is not None else None
        path = str(bootstrap or config.source_path or "-")
        await inv.reply(config_message(inv, report, path, warnings, config.project.timezone))

    @autocomplete("timezones")
    async def timezones(self, inv: Invocation, partial: str) -> list[Choice]:
        return [Choice(z) for z in matching_timezones(partial)]
