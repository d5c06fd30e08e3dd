"""What people record about shifts: time away, overrides and handoff notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from cogs.oncall.models import OncallAway, OncallHandoffNote, OncallOverride
from cogs.oncall.planner import Shift


class ShiftRecords:
    """Writes time away, overrides and notes, and reads the notes; every method takes a session.

    It holds nothing: the rows are the whole state, and the planner reads them back.
    """

    def add_away(
        self,
        session: Session,
        refs: set[str],
        start: datetime,
        end: datetime,
        member_id: int | None,
        now: datetime,
    ) -> None:
        """Record time away over [start, end) for each of ``refs`` (the planner skips them then)."""
        for ref in sorted(refs):
            session.add(
                OncallAway(member=ref, starts_at=start, ends_at=end, created_by=member_id, created_at=now)
            )

    def add_override(
        self,
        session: Session,
        rotation: str,
        ref: str,
        start: datetime,
        end: datetime,
        reason: str,
        member_id: int | None,
        now: datetime,
        region: str | None = None,
    ) -> None:
        """Put ``ref`` on call in ``rotation`` (one region, or all) over [start, end)."""
        session.add(
            OncallOverride(
                rotation=rotation,
                region=region,
                member=ref,
                starts_at=start,
                ends_at=end,
                reason=reason,
                created_by=member_id,
                created_at=now,
            )
        )

    def add_note(
        self, session: Session, shift: Shift, author: str, member_id: int | None, note: str, now: datetime
    ) -> None:
        """Leave a note for whoever takes over after ``shift``."""
        session.add(
            OncallHandoffNote(
                rotation=shift.rotation,
                shift_key=shift.key,
                author=author,
                author_member_id=member_id,
                note=note,
                created_at=now,
            )
        )

    def notes(self, session: Session, shifts: Sequence[Shift]) -> list[OncallHandoffNote]:
        """The handoff notes left during ``shifts`` (the pieces of one stretch), oldest first."""
        keys = [s.key for s in shifts]
        if not keys:
            return []
        return list(
            session.exec(
                select(OncallHandoffNote)
                .where(col(OncallHandoffNote.shift_key).in_(keys))
                .order_by(col(OncallHandoffNote.id))
            )
        )
