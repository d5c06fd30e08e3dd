"""Rotation member refs (GitHub logins, ``platform:ID`` such as ``slack:U123``) mapped to people.

A ref resolves to a display name, the platform user ids to mention and a ``member`` row to DM. The
``maintainers`` section links a GitHub login to chat identities; a verified GitHub link on a member
row does too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from bot.config import StewardConfig
from bot.config.sections.maintainers import MaintainerConfig
from bot.core.invocation import Actor
from bot.core.members import MemberDirectory
from bot.core.messages import Mention
from bot.core.people import PLATFORMS, NamedPerson, maintainer_ids
from bot.db.models import Member, PlatformIdentity


@dataclass(frozen=True)
class Person:
    """A resolved member ref."""

    ref: str
    name: str
    user_ids: dict[str, str]
    member_id: int | None

    def mention(self) -> Mention:
        return Mention(self.name, self.user_ids)


def split_ref(ref: str) -> tuple[str | None, str]:
    """(platform, id) for ``discord:ID``-style refs, (None, login) for GitHub logins."""
    platform, sep, rest = ref.partition(":")
    if sep and platform in PLATFORMS:  # the platforms the bot has adapters for (the core keeps the list)
        return platform, rest
    return None, ref


def _entry_for(config: StewardConfig, ref: str) -> MaintainerConfig | None:
    platform, value = split_ref(ref)
    for entry in config.maintainers:
        if platform is None and entry.github and entry.github.lower() == value.lower():
            return entry
        if platform is not None and maintainer_ids(entry).get(platform) == value:
            return entry
    return None


def actor_refs(config: StewardConfig, actor: Actor, refs: Iterable[str]) -> set[str]:
    """The refs among ``refs`` that denote ``actor`` (by platform id, linked login or maintainer entry)."""
    return identity_refs(config, [(actor.platform, actor.user_id)], actor.github_login, refs)


def identity_refs(
    config: StewardConfig,
    identities: Iterable[tuple[str, str]],
    github_login: str | None,
    refs: Iterable[str],
) -> set[str]:
    """The refs among ``refs`` that denote whoever has these (platform, user id) identities and login."""
    pairs = list(identities)
    own = {f"{platform}:{user_id}".lower() for platform, user_id in pairs}
    if github_login:
        own.add(github_login.lower())
    for entry in config.maintainers:
        ids = maintainer_ids(entry)
        if any(ids.get(platform) == user_id for platform, user_id in pairs):
            own.update(f"{p}:{i}".lower() for p, i in ids.items())
            if entry.github:
                own.add(entry.github.lower())
    return {r for r in refs if r.lower() in own}


def rotation_ref_of(
    config: StewardConfig, person: NamedPerson, platform: str, rotation_refs: list[str]
) -> str:
    """The ref that names ``person`` in a rotation: the rotation's own ref for them (platform id, GitHub
    login, or linked through ``maintainers``), else their identity on ``platform``, else their login."""
    own = identity_refs(config, person.identities, person.github_login, rotation_refs)
    found = next((ref for ref in rotation_refs if ref in own), None)
    if found is not None:
        return found
    user_id = person.user_id_on(platform)
    if user_id is not None:
        return f"{platform}:{user_id}"
    if person.identities:
        return "{}:{}".format(*person.identities[0])
    assert person.github_login is not None  # the resolver names a person by an identity or a login
    return person.github_login


class PeopleResolver:
    """Resolves refs against the config and the member tables (creating member rows for DMs)."""

    def __init__(self, config: StewardConfig, members: MemberDirectory) -> None:
        self.config = config
        self.members = members

    def resolve(self, session: Session, ref: str, now: datetime) -> Person:
        platform, value = split_ref(ref)
        entry = _entry_for(self.config, ref)
        ids = maintainer_ids(entry) if entry else {}
        name = (entry.name if entry and entry.name else None) or value
        member: Member | None = None
        if platform is not None:
            ids[platform] = value
        else:
            member = session.exec(
                select(Member).where(func.lower(Member.github_login) == value.lower())
            ).first()
            if member is not None and member.id is not None:
                for identity in session.exec(
                    select(PlatformIdentity).where(PlatformIdentity.member_id == member.id)
                ):
                    ids.setdefault(identity.platform, identity.platform_user_id)
        if member is None and ids:
            plat, uid = next(iter(sorted(ids.items())))
            member = self.members.ensure(session, plat, uid, name, now)
            # Link every other identity the config names for this person to the same member.
            for other_platform, other_id in ids.items():
                existing = session.exec(
                    select(PlatformIdentity).where(
                        PlatformIdentity.platform == other_platform,
                        PlatformIdentity.platform_user_id == other_id,
                    )
                ).first()
                if existing is None and member.id is not None:
                    session.add(
                        PlatformIdentity(
                            member_id=member.id,
                            platform=other_platform,
                            platform_user_id=other_id,
                            display_name=name,
                            created_at=now,
                        )
                    )
            session.flush()
        if member is not None and platform is not None and member.display_name:
            name = entry.name if entry and entry.name else member.display_name
        return Person(ref, name, ids, member.id if member is not None else None)
