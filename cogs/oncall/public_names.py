"""People named for readers outside chat (the public pages, calendar feeds), read-only.

:class:`~cogs.oncall.people.PeopleResolver` creates the member row a DM needs on first sight; a page
view or a calendar app polling a feed must not write, so they read the same person here instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, select

from bot.config import StewardConfig
from bot.core.members import KnownMember, MemberDirectory
from bot.core.people import maintainer_ids
from bot.db.models import Member, PlatformIdentity
from cogs.oncall.people import Person, _entry_for, split_ref


def known_person(config: StewardConfig, members: MemberDirectory, session: Session, ref: str) -> Person:
    """What ``PeopleResolver.resolve`` gives for ``ref``, without writing: a member row nobody created
    yet is simply absent."""
    platform, value = split_ref(ref)
    entry = _entry_for(config, ref)
    ids = maintainer_ids(entry) if entry else {}
    name = (entry.name if entry and entry.name else None) or value
    member: Member | KnownMember | None = None
    if platform is not None:
        ids[platform] = value
        # resolve() files the person under their first identity in this order: read that one first.
        for plat, uid in sorted(ids.items()):
            member = members.known(session, plat, uid, "")
            if member is not None:
                break
    else:
        member = members.find_by_github(session, value)
        if member is not None and member.id is not None:
            for identity in session.exec(
                select(PlatformIdentity).where(PlatformIdentity.member_id == member.id)
            ):
                ids.setdefault(identity.platform, identity.platform_user_id)
    if member is not None and platform is not None and member.display_name:
        name = entry.name if entry and entry.name else member.display_name
    return Person(ref, name, ids, member.id if member is not None else None)


def public_name(names: Mapping[str, str], ref: str | None) -> str | None:
    """The name shown outside chat for ``ref`` (``names``: ref -> resolved name); None: nobody.

    A bare chat id is nobody's chosen name and means nothing outside chat (inside, it would be a
    mention), so it is never shown: "" asks the caller for its localized "a maintainer"."""
    if ref is None:
        return None
    platform, value = split_ref(ref)
    name = names.get(ref, value)
    return "" if platform is not None and name == value and platform != "console" else name
