"""The member directory: platform identities mapped onto people, with their preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from bot.db.models import Member, PlatformIdentity
from bot.i18n import Reader, normalize_locale


class KnownMember(NamedTuple):
    """What a command needs of a member the bot knows (see :meth:`MemberDirectory.known`)."""

    id: int
    locale: str | None
    timezone: str | None
    github_login: str | None
    display_name: str


# Built once: constructing the statement cost as much as running it.
_KNOWN = (
    sa_select(
        col(Member.id),
        col(Member.locale),
        col(Member.timezone),
        col(Member.github_login),
        col(PlatformIdentity.display_name),
        col(Member.display_name),
    )
    .join(Member, col(Member.id) == PlatformIdentity.member_id)
    .where(
        col(PlatformIdentity.platform) == bindparam("platform"),
        col(PlatformIdentity.platform_user_id) == bindparam("user_id"),
    )
)

_INFO = sa_select(
    col(Member.display_name),
    col(Member.github_login),
    col(Member.github_verified_at),
    col(Member.timezone),
    col(Member.locale),
).where(col(Member.id) == bindparam("member_id"))
_IDENTITIES = sa_select(col(PlatformIdentity.platform), col(PlatformIdentity.platform_user_id)).where(
    col(PlatformIdentity.member_id) == bindparam("member_id")
)


@dataclass(frozen=True)
class MemberInfo:
    """A detached snapshot of a member (safe to use outside the session)."""

    id: int
    display_name: str
    github_login: str | None
    github_verified: bool
    timezone: str | None
    locale: str | None
    identities: tuple[tuple[str, str], ...]  # (platform, user id)

    def user_ids(self) -> dict[str, str]:
        return dict(self.identities)

    def reader(self, project: Reader) -> Reader:
        """Who this member is as a reader: their language and zone, each else the project's."""
        return Reader(normalize_locale(self.locale) or project.locale, self.timezone or project.zone)


class MemberDirectory:
    """Finds or creates members by platform identity and stores personal preferences."""

    def ensure(
        self, session: Session, platform: str, user_id: str, display_name: str, now: datetime
    ) -> Member:
        """The member behind (platform, user id), created on first sight.

        Safe when several transactions see the same newcomer at once (three first clicks): the
        insert runs in a savepoint, and the loser of the unique-identity race reads the winner's row.
        """
        found = self._lookup(session, platform, user_id, display_name)
        if found is not None:
            return found
        try:
            with session.begin_nested():
                return self._create(session, platform, user_id, display_name, now)
        except IntegrityError:
            # Another transaction created this identity between our read and our insert; on
            # PostgreSQL the insert waited for it to commit, so a fresh read now sees its row.
            found = self._lookup(session, platform, user_id, display_name)
            if found is None:
                raise
            return found

    def known(self, session: Session, platform: str, user_id: str, display_name: str) -> KnownMember | None:
        """The member behind (platform, user id) when nothing about them needs writing, else None.

        Lets a command from someone the bot already knows (the usual case) cost a read, not a write;
        the read fetches the few columns a command needs, not two ORM entities (which cost most of a
        command's database time).
        """
        # Through the connection: the ORM's execution layer cost more than the query (Core rows here).
        row = session.connection().execute(_KNOWN, {"platform": platform, "user_id": user_id}).first()
        if row is None:
            return None
        member_id, locale, timezone, github_login, known_name, member_name = row
        if display_name and known_name != display_name:
            return None
        assert member_id is not None  # a primary key, joined
        return KnownMember(member_id, locale, timezone, github_login, member_name)

    def _lookup(self, session: Session, platform: str, user_id: str, display_name: str) -> Member | None:
        identity = session.exec(
            select(PlatformIdentity).where(
                PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id == user_id
            )
        ).first()
        if identity is None:
            return None
        member = session.get(Member, identity.member_id)
        if member is not None and display_name and identity.display_name != display_name:
            identity.display_name = display_name
            session.add(identity)
        return member

    @staticmethod
    def _create(session: Session, platform: str, user_id: str, display_name: str, now: datetime) -> Member:
        member = Member(display_name=display_name or user_id, created_at=now)
        session.add(member)
        session.flush()
        assert member.id is not None
        session.add(
            PlatformIdentity(
                member_id=member.id,
                platform=platform,
                platform_user_id=user_id,
                display_name=display_name,
                created_at=now,
            )
        )
        session.flush()
        return member

    def ensure_many(
        self, session: Session, platform: str, users: list[tuple[str, str]], now: datetime
    ) -> dict[str, Member]:
        """``ensure`` for many (user id, display name) pairs of one platform in a few statements.

        When another transaction creates one of them meanwhile, falls back to ``ensure`` one by one.
        """
        ids = list(dict.fromkeys(uid for uid, _ in users))
        found: dict[str, Member] = {}
        for identity, member in session.exec(
            select(PlatformIdentity, Member)
            .join(Member, Member.id == PlatformIdentity.member_id)  # type: ignore[arg-type]
            .where(PlatformIdentity.platform == platform, PlatformIdentity.platform_user_id.in_(ids))  # type: ignore[attr-defined]
        ).all():
            found[identity.platform_user_id] = member
        names = dict(users)
        missing = [uid for uid in ids if uid not in found]
        if not missing:
            return found
        try:
            with session.begin_nested():
                new = {uid: Member(display_name=names[uid] or uid, created_at=now) for uid in missing}
                session.add_all(new.values())
                session.flush()
                session.add_all(
                    PlatformIdentity(
                        member_id=m.id,  # type: ignore[arg-type]
                        platform=platform,
                        platform_user_id=uid,
                        display_name=names[uid],
                        created_at=now,
                    )
                    for uid, m in new.items()
                )
                session.flush()
        except IntegrityError:
            new = {uid: self.ensure(session, platform, uid, names[uid], now) for uid in missing}
        return {**found, **new}

    def info(self, session: Session, member_id: int) -> MemberInfo | None:
        # Columns, not ORM entities: this runs for most commands and Home tabs, and loading
        # entities cost several times the queries themselves.
        connection = session.connection()
        row = connection.execute(_INFO, {"member_id": member_id}).first()
        if row is None:
            return None
        display_name, github_login, verified_at, timezone, locale = row
        identities = connection.execute(_IDENTITIES, {"member_id": member_id}).all()
        return MemberInfo(
            id=member_id,
            display_name=display_name,
            github_login=github_login,
            github_verified=verified_at is not None,
            timezone=timezone,
            locale=locale,
            identities=tuple(sorted((platform, user_id) for platform, user_id in identities)),
        )

    def find_by_github(self, session: Session, login: str) -> Member | None:
        return session.exec(select(Member).where(func.lower(Member.github_login) == login.lower())).first()

    def set_timezone(self, session: Session, member_id: int, timezone: str | None) -> None:
        member = session.get(Member, member_id)
        if member is not None:
            member.timezone = timezone
            session.add(member)

    def set_locale(self, session: Session, member_id: int, locale: str | None) -> None:
        member = session.get(Member, member_id)
        if member is not None:
            member.locale = locale
            session.add(member)
