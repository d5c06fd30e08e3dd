"""The one member resolver: who a command argument names (``/oncall override``, ``/gfi assign``,
``/spotlight nominate``, ``/oncall swap``, ``/onboard progress``...).

A person is named by a platform mention, a ``discord:ID``/``slack:ID``/``console:name`` ref, a chat
name already known on this platform, a configured maintainer, or a GitHub login the community knows
(linked to a member, configured, or seen on GitHub). Group mentions (``@everyone``, ``@here``,
``<!channel>``, roles, user groups) and names nobody answers to are refused; only a real platform
identity (a mention the platform resolved) or a configured one ever becomes a new member.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from bot.config import StewardConfig
from bot.config.sections.maintainers import MaintainerConfig
from bot.core.arguments import parse_user
from bot.core.errors import UserError
from bot.core.members import MemberDirectory
from bot.core.refs import UserRef
from bot.db.models import Member, PlatformIdentity, TrackedIssue

# Platforms whose mentions are resolved by the platform itself (a real account behind every id).
MENTION_PLATFORMS = ("discord", "slack")
PLATFORMS = ("discord", "slack", "console")
_GROUP = re.compile(
    r"^(?:@(?:everyone|here|channel)|<!(?:everyone|here|channel)(?:\|[^>]*)?>|<!subteam\^[^>]*>|<@&\d+>)$",
    re.IGNORECASE,
)
_GROUP_WORDS = frozenset({"everyone", "here", "channel"})
_PLATFORM_REF = re.compile(r"^(discord|slack|console):(\S+)$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedPerson:
    """Who an argument named: a member (None for a GitHub login with no chat identity yet)."""

    member_id: int | None
    display_name: str
    github_login: str | None
    identities: tuple[tuple[str, str], ...] = ()  # (platform, user id)

    def user_id_on(self, platform: str) -> str | None:
        return next((uid for p, uid in self.identities if p == platform), None)


class PersonResolver:
    """Resolves what people type to name someone; see the module docstring for the rules."""

    def __init__(self, config: StewardConfig, members: MemberDirectory) -> None:
        self.config = config
        self.members = members

    def resolve(
        self, session: Session, platform: str, named: UserRef | str, now: datetime, also: Iterable[str] = ()
    ) -> NamedPerson:
        """The person ``named`` on ``platform``; ``also`` adds refs a feature configures (rotation
        members). UserError ``core.error.group_mention`` / ``core.error.unknown_person`` otherwise."""
        ref = named if isinstance(named, UserRef) else parse_user(named.strip(), platform)
        shown = named.strip() if isinstance(named, str) else str(named)
        if _GROUP.match(shown) or _GROUP.match(ref.name or ""):
            raise UserError("core.error.group_mention", outside={"name": shown})
        if ref.user_id is not None and platform in MENTION_PLATFORMS:
            # A mention the platform resolved: a real account, remembered on first sight.
            member = self.members.ensure(session, platform, ref.user_id, ref.name or "", now)
            return self._person(session, member)
        text = (ref.name or ref.user_id or "").strip()
        found = self._find(session, platform, text, now, list(also)) if text else None
        if found is not None:
            return found
        if text.casefold() in _GROUP_WORDS:  # "@here" arrives without its "@" from the option parser
            raise UserError("core.error.group_mention", outside={"name": "@" + text})
        raise UserError("core.error.unknown_person", outside={"name": shown or text})

    def member(self, session: Session, platform: str, named: UserRef | str, now: datetime) -> tuple[int, str]:
        """(member id, display name) of a person who must have a chat identity (to claim, to DM)."""
        person = self.resolve(session, platform, named, now)
        if person.member_id is None:
            raise UserError("core.error.no_chat_identity", outside={"name": person.display_name})
        return person.member_id, person.display_name

    # -- lookups, most specific first --------------------------------------------------------
    def _find(
        self, session: Session, platform: str, text: str, now: datetime, also: list[str]
    ) -> NamedPerson | None:
        if m := _PLATFORM_REF.match(text):
            return self._by_identity(session, m.group(1).lower(), m.group(2), now, also)
        by_id = self._by_identity(session, platform, text, now, also)  # console names are user ids
        if by_id is not None:
            return by_id
        same_name = session.exec(
            select(PlatformIdentity.member_id).where(
                PlatformIdentity.platform == platform,
                func.lower(PlatformIdentity.display_name) == text.lower(),
            )
        ).all()
        if len(set(same_name)) == 1:
            member = session.get(Member, same_name[0])
            if member is not None:
                return self._person(session, member)
        if len(set(same_name)) > 1:
            raise UserError("core.error.ambiguous_person", outside={"name": text})
        linked = session.exec(select(Member).where(func.lower(Member.github_login) == text.lower())).first()
        if linked is not None:
            return self._person(session, linked)
        entry = next((e for e in self.config.maintainers if _names_entry(e, text)), None)
        if entry is not None:
            return self._configured(session, entry, platform, now)
        login = next((r for r in also if r.lower() == text.lower() and ":" not in r), None)
        if login is None:
            login = session.exec(
                select(TrackedIssue.author_login).where(func.lower(TrackedIssue.author_login) == text.lower())
            ).first()
        return NamedPerson(None, login, login) if login else None

    def _by_identity(
        self, session: Session, platform: str, user_id: str, now: datetime, also: list[str]
    ) -> NamedPerson | None:
        known = self._identity(session, platform, user_id)
        if known is not None:
            return known
        entry = next((e for e in self.config.maintainers if maintainer_ids(e).get(platform) == user_id), None)
        if entry is not None:
            return self._configured(session, entry, platform, now)
        if f"{platform}:{user_id}".lower() in {r.lower() for r in also}:
            member = self.members.ensure(session, platform, user_id, user_id, now)
            return self._person(session, member)
        return None

    def _identity(self, session: Session, platform: str, user_id: str) -> NamedPerson | None:
        identity = session.exec(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id == user_id
            )
        ).first()
        member = session.get(Member, identity.member_id) if identity is not None else None
        return self._person(session, member) if member is not None else None

    def _configured(
        self, session: Session, entry: MaintainerConfig, platform: str, now: datetime
    ) -> NamedPerson:
        """A maintainer from the config: their member (created from a configured identity)."""
        ids = maintainer_ids(entry)
        name = entry.name or entry.github or next(iter(ids.values()), "?")
        if not ids:
            linked = session.exec(
                select(Member).where(func.lower(Member.github_login) == (entry.github or "").lower())
            ).first()
            return self._person(session, linked) if linked else NamedPerson(None, name, entry.github)
        plat = platform if platform in ids else sorted(ids)[0]
        for other in sorted(ids):
            known = self._identity(session, other, ids[other])
            if known is not None:
                return known
        return self._person(session, self.members.ensure(session, plat, ids[plat], name, now))

    def _person(self, session: Session, member: Member) -> NamedPerson:
        assert member.id is not None
        identities = session.exec(
            select(PlatformIdentity.platform, PlatformIdentity.platform_user_id)
            .where(PlatformIdentity.member_id == member.id)
            .order_by(col(PlatformIdentity.id))
        ).all()
        return NamedPerson(member.id, member.display_name, member.github_login, tuple(identities))


def maintainer_ids(entry: MaintainerConfig) -> dict[str, str]:
    """The chat identities (platform -> user id) a ``maintainers`` entry configures."""
    ids = {"discord": str(entry.discord) if entry.discord else None, "slack": entry.slack,
           "console": entry.console}  # fmt: skip
    return {k: v for k, v in ids.items() if v}


def _names_entry(entry: MaintainerConfig, text: str) -> bool:
    low = text.lower()
    return bool((entry.github and entry.github.lower() == low) or (entry.name and entry.name.lower() == low))
