"""Counted nouns for the command line and the logs, which are written in English.

"1 row", "2 rows": the form is chosen by the English CLDR plural rule through Babel (the same rules
the chat catalog uses), so no message ever says "row(s)". Text people read in chat goes through the
catalog instead, which has plural entries for every locale.
"""

from __future__ import annotations

from bot.core.moments import babel_locale


def counted(count: int, one: str, other: str) -> str:
    """``count`` and the noun in its English plural form: ``counted(2, "row", "rows") == "2 rows"``."""
    return f"{count} {one if babel_locale('en').plural_form(count) == 'one' else other}"
