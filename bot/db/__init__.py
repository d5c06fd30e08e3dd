"""Database layer: engine, sessions (`Database`), core tables and Alembic migrations."""

from bot.db.database import Database
from bot.db.engine import make_engine

__all__ = ["Database", "make_engine"]
