"""The command line's and the logs' counted nouns: English plural forms, never "(s)"."""

from __future__ import annotations

from bot.counted import counted


def test_counted_nouns_take_the_english_plural_form() -> None:
    assert counted(1, "row", "rows") == "1 row"
    assert [counted(n, "row", "rows") for n in (0, 2, 1000)] == ["0 rows", "2 rows", "1000 rows"]
    assert counted(1, "delivery", "deliveries") == "1 delivery"
    assert counted(3, "delivery", "deliveries") == "3 deliveries"
