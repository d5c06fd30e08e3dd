"""Rendered pages reused for a few seconds per address and language.

Some pages read heavy aggregates (the triage queue, weekly statistics); a burst of visitors, or a
crawler, should cost one rendering, not one each. The pages already say ``Cache-Control: public,
max-age=N``, so a proxy may serve them this stale anyway; this keeps the same promise without one.
Bounded (least recently used entries go first), so hostile query strings cannot grow it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.web.responses import PageResult

Key = tuple[str, str]  # (path with query string, locale)


class RenderCache:
    """Page results by key, each valid for ``ttl`` seconds from when it was rendered."""

    def __init__(self, now: Callable[[], datetime], size: int = 512) -> None:
        self._now = now
        self._size = size
        self._pages: OrderedDict[Key, tuple[datetime, PageResult]] = OrderedDict()

    def get(self, key: Key, ttl: float) -> PageResult | None:
        found = self._pages.get(key)
        if found is None:
            return None
        rendered_at, page = found
        if self._now() - rendered_at >= timedelta(seconds=ttl):
            del self._pages[key]
            return None
        self._pages.move_to_end(key)
        return page

    def put(self, key: Key, page: PageResult) -> None:
        self._pages[key] = (self._now(), page)
        self._pages.move_to_end(key)
        while len(self._pages) > self._size:
            self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
