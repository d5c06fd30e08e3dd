"""Numbers read from a request (a path segment, a query parameter), accepted only as written canonically.

``str.isdigit()`` is true for '²' and '١' and ``int()`` takes '١' and ' 01 ', so neither decides what a
number in an address is. Only plain ASCII digits without a leading zero are: any other spelling is not
a number here, so no reader gets an error page from a typo and one page has one address.
"""

from __future__ import annotations

import re

_CANONICAL = re.compile(r"[1-9][0-9]*")
MAX_DIGITS = 12  # beyond any id or page the site has; keeps hostile input from being converted at all


def canonical_number(raw: str | None, low: int = 1, high: int = 10**MAX_DIGITS - 1) -> int | None:
    """``raw`` as an int when it is the canonical spelling of a number in [low, high]; else None."""
    if raw is None or len(raw) > MAX_DIGITS or not _CANONICAL.fullmatch(raw):
        return None
    number = int(raw)
    return number if low <= number <= high else None
