"""Reading a paginated GitHub list while the pages already read are being stored."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

from bot.github.client import GitHubClient, Response

_LAST_PAGE = re.compile(r'[?&]page=(\d+)[^>]*>\s*;\s*rel="last"')
_END = None  # put on the queue after the last page


class PageReader:
    """The pages of a list from its first response on, the next ones fetched while the caller stores
    the ones it has, so a sync runs at the speed of the slower of the two rather than their sum.

    Requests stay serial (one at a time, each following the last one's `next` link). ``ahead`` is
    how many pages may be fetched before the caller has taken them: 1 fetches only the page after
    the one being stored, so a caller that stops early wastes at most one request.
    """

    def __init__(self, client: GitHubClient, first: Response, *, ahead: int = 1) -> None:
        self.client = client
        self.first = first
        self.fetched = 0  # requests made after the first page
        self._room = asyncio.Semaphore(max(1, ahead))
        self._queue: asyncio.Queue[Response | BaseException | None] = asyncio.Queue()
        self._fetcher: asyncio.Task[None] | None = None

    async def __aenter__(self) -> PageReader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._fetcher is not None and not self._fetcher.done():
            self._fetcher.cancel()  # the caller stopped early (an error, or it has what it needs)
            with contextlib.suppress(BaseException):
                await self._fetcher

    async def __aiter__(self) -> AsyncIterator[Response]:
        """One page at a time, in order."""
        async for group in self.groups():
            for page in group:
                yield page

    async def groups(self) -> AsyncIterator[list[Response]]:
        """The pages in order, each group holding every page that arrived while the previous group
        was being handled: when storing is the slower side, a group of pages shares one transaction."""
        self._fetcher = asyncio.ensure_future(self._fetch_all())
        yield [self.first]
        while True:
            group: list[Response] = []
            item = await self._queue.get()
            while True:
                if isinstance(item, BaseException):
                    if group:  # what arrived before the failure is handled first
                        self._queue.put_nowait(item)
                        break
                    raise item
                if item is _END:
                    if group:
                        self._queue.put_nowait(item)
                        break
                    return
                group.append(item)
                self._room.release()
                if self._queue.empty():
                    break
                item = self._queue.get_nowait()
            yield group

    async def _fetch_all(self) -> None:
        resp = self.first
        try:
            while resp.next_url is not None:
                await self._room.acquire()
                self.fetched += 1  # counted when sent: a request cancelled in flight was still made
                resp = await self.client.request("GET", resp.next_url)
                self._queue.put_nowait(resp)
        except Exception as exc:  # handed to the caller, after the pages that came before it
            self._queue.put_nowait(exc)
            return
        self._queue.put_nowait(_END)


def listed_items(group: list[Response]) -> list[Any]:
    """The items of a group of list pages, in page order."""
    return [item for page in group for item in page.data or []]


def last_page(resp: Response) -> int | None:
    """Total pages from the `rel="last"` link, for progress bars."""
    match = _LAST_PAGE.search(str(resp.headers.get("link") or ""))
    return int(match.group(1)) if match else None
