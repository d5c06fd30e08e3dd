"""Tables the chat adapters keep: Discord forms in progress between their chained modals."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from bot.db.models import TZDateTime, utcnow
from bot.db.personal import forget_rules


class DiscordFormState(SQLModel, table=True):
    """A chained or re-opened Discord form: the answers so far, so a restart loses none of them."""

    __tablename__ = "discord_form_state"
    __table_args__ = forget_rules(
        kept="Discord forms between their pages name no member (a random key) and are dropped "
        "a week after they were opened"
    )

    key: str = Field(primary_key=True)  # the random part of the ``~form:<key>`` custom_id
    data: str  # JSON: the form, the next step, the answers so far
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
