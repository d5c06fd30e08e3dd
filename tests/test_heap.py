"""The heap of a started bot: start-up objects frozen, young objects collected less often."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.heap import YOUNG_COLLECTION_THRESHOLD, settle_heap


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.set_threshold(*thresholds)


def test_settling_freezes_what_start_up_left_and_raises_only_the_young_threshold(restored_gc: None) -> None:
    gc.set_threshold(700, 10, 10)
    kept = [object.__new__(type("StartUp", (), {}))]  # something start-up made and keeps
    settle_heap()
    assert gc.get_threshold() == (YOUNG_COLLECTION_THRESHOLD, 10, 10)
    assert gc.get_freeze_count() > 0
    assert not any(obj is kept for obj in gc.get_objects(generation=2))  # frozen: not walked again
