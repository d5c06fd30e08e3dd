"""PageReader: pages fetched ahead while the caller stores, grouped when storing is the slower side."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from bot.github.client import GitHubClient, GitHubError, Response
from bot.github.pages import PageReader


def _page(number: int, last: int) -> Response:
    link = f'<https://api.example/items?page={number + 1}>; rel="next"' if number < last else ""
    return Response(200, {"link": link}, [{"number": number}])


class _Pages:
    """Serves pages 2..last of a list (each after a short delay, as a network would); `fail_at` a
    page number that answers with an error instead."""

    def __init__(self, last: int, fail_at: int | None = None) -> None:
        self.last = last
        self.fail_at = fail_at
        self.asked: list[int] = []
        self.in_flight = 0
        self.most_in_flight = 0

    async def request(self, verb: str, url: str) -> Response:
        number = int(url.rsplit("=", 1)[1])
        self.asked.append(number)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.001)
        finally:
            self.in_flight -= 1
        if number == self.fail_at:
            raise GitHubError(500, "server error")
        return _page(number, self.last)


def _reader(pages: _Pages, ahead: int) -> PageReader:
    return PageReader(cast(GitHubClient, pages), _page(1, pages.last), ahead=ahead)


def _numbers(group: list[Response]) -> list[int]:
    return [item["number"] for page in group for item in page.data]


async def test_pages_arriving_while_a_group_is_stored_form_the_next_group() -> None:
    pages = _Pages(last=9)
    groups: list[list[int]] = []
    async with _reader(pages, ahead=3) as reader:
        async for group in reader.groups():
            groups.append(_numbers(group))
            await asyncio.sleep(0.05)  # storing is slower than fetching
    assert [n for g in groups for n in g] == list(range(1, 10))  # every page once, in order
    assert max(len(g) for g in groups) == 3  # never more than `ahead` pages wait
    assert any(len(g) > 1 for g in groups[1:])
    assert pages.asked == list(range(2, 10)) and pages.most_in_flight == 1  # serial requests
    assert reader.fetched == 8


async def test_a_fast_caller_gets_one_page_at_a_time() -> None:
    pages = _Pages(last=5)
    async with _reader(pages, ahead=4) as reader:
        groups = [_numbers(g) async for g in reader.groups()]
    assert groups == [[1], [2], [3], [4], [5]]


async def test_stopping_early_wastes_at_most_ahead_requests() -> None:
    pages = _Pages(last=50)
    async with _reader(pages, ahead=1) as reader:
        async for page in reader:
            await asyncio.sleep(0.02)
            if page.data[0]["number"] == 3:
                break
    await asyncio.sleep(0.02)
    assert pages.asked == [2, 3, 4]  # page 4 was asked for while page 3 was handled; nothing after


async def test_pages_before_a_failure_are_handed_over_before_the_error() -> None:
    pages = _Pages(last=9, fail_at=4)
    seen: list[int] = []
    async with _reader(pages, ahead=4) as reader:
        with pytest.raises(GitHubError):
            async for group in reader.groups():
                seen.extend(_numbers(group))
                await asyncio.sleep(0.05)
    assert seen == [1, 2, 3]
    assert pages.asked == [2, 3, 4]


async def test_a_list_of_one_page_asks_for_nothing_more() -> None:
    pages = _Pages(last=1)
    async with _reader(pages, ahead=4) as reader:
        groups: list[Any] = [_numbers(g) async for g in reader.groups()]
    assert groups == [[1]] and pages.asked == [] and reader.fetched == 0
