"""Who the people of the rotations are: the refs a roster names, the refs that denote a chat user,
and the person (name, chat ids) behind a ref."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.core.invocation import Actor
from bot.core.members import MemberDirectory
from bot.core.people import PersonResolver
from bot.core.refs import UserRef
from cogs.oncall.config import OncallConfig, RotationConfig
from cogs.oncall.people import PeopleResolver, Person, actor_refs, rotation_ref_of
from cogs.oncall.planner import configured_rosters
from cogs.oncall.public_names import known_person

if TYPE_CHECKING:
    from bot.config import StewardConfig


class RotationPeople:
    """The people of the rotations; both configs are asked on each use, so a reload applies at once."""

    def __init__(
        self,
        section: Callable[[], OncallConfig],
        config: Callable[[], StewardConfig],
        members: MemberDirectory,
    ) -> None:
        self.section = section
        self.config = config  # the whole config: maintainers' identities and platform refs live there
        self.members = members

    def rotation_refs(self, rotation: RotationConfig) -> list[str]:
        """Every member ref the roster of ``rotation`` names (all regions)."""
        return [m for members in configured_rosters(rotation).values() for m in members]

    def my_refs(self, actor: Actor, rotations: Sequence[RotationConfig] | None = None) -> set[str]:
        """The member refs (in the given rotations, default all) that denote ``actor``."""
        refs = [r for rot in (rotations or self.section().rotations) for r in self.rotation_refs(rot)]
        return actor_refs(self.config(), actor, refs)

    def resolve(self, session: Session, ref: str, now: datetime) -> Person:
        """The person behind ``ref`` (a login, a platform ref, a name), recording a member when needed."""
        return PeopleResolver(self.config(), self.members).resolve(session, ref, now)

    def named_ref(
        self, session: Session, platform: str, named: UserRef | str, now: datetime, refs: list[str]
    ) -> str:
        """The rotation ref (one of ``refs`` when it names them) of the person a command argument names."""
        person = PersonResolver(self.config(), self.members).resolve(session, platform, named, now, also=refs)
        return rotation_ref_of(self.config(), person, platform, refs)

    def known(self, session: Session, ref: str) -> Person:
        """``resolve`` for readers (public pages, calendar feeds): the same person, nothing written."""
        return known_person(self.config(), self.members, session, ref)
