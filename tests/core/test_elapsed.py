"""Durations shown side by side (response times, ages against an SLA) are written by CLDR's narrow
unit forms in the reader's language, two units at most."""

from __future__ import annotations

import pytest

from bot.core.moments import Elapsed, format_value


@pytest.mark.parametrize(
    ("seconds", "en", "zh"),
    [
        (None, "–", "–"),
        (0, "0m", "0分钟"),
        (29, "0m", "0分钟"),  # whole minutes
        (45 * 60, "45m", "45分钟"),
        (3 * 3600, "3h", "3小时"),
        (3 * 3600 + 20 * 60, "3h 20m", "3小时20分钟"),
        (2 * 86400, "2d", "2天"),  # not "2d 0h"
        (2 * 86400 + 4 * 3600 + 59 * 60, "2d 4h", "2天4小时"),  # two units: the minutes go
        (12 * 86400 + 22 * 3600, "12d 22h", "12天22小时"),
        (23 * 3600 + 59.6 * 60, "1d", "1天"),  # rounding carries into the next unit
    ],
)
def test_elapsed_in_the_readers_language(seconds: float | None, en: str, zh: str) -> None:
    assert format_value(Elapsed(seconds), "en", None) == en
    assert format_value(Elapsed(seconds), "zh-CN", None) == zh
