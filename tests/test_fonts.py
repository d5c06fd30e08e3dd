"""Fonts for the chart: a CJK font for Chinese labels when the host has one (found through fontconfig or
the usual paths), DejaVu for Latin text, and a warning `steward status` prints when none covers zh-CN."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from bot.fonts import FontFace, FontFinder, font_warnings, locale_language, script_language
from cogs.oncall.chart import ChartLabels, ChartRenderer
from tests.cogs.oncall.test_chart import _report

ZH_LABELS = ChartLabels(
    "响应时间与积压", "小时", "待分诊积压", "中位数", "p90", ("11月9日", "11月16日", "11月23日", "11月30日")
)
ZH_TEXT = " ".join((ZH_LABELS.title, ZH_LABELS.hours, ZH_LABELS.backlog, ZH_LABELS.median, *ZH_LABELS.weeks))


def latin_font() -> Path:
    face = FontFinder().latin()
    assert face is not None, "DejaVu Sans (matplotlib's or the system's) is a dependency"
    return face.path


def test_script_and_locale_languages() -> None:
    assert script_language("Response times") is None
    assert script_language("响应时间 p90") == "zh-cn"
    assert script_language("応答チャート") == "ja" and script_language("응답 시간") == "ko"
    assert locale_language("zh-CN") == "zh-cn" and locale_language("zh_TW") == "zh-tw"
    assert locale_language("en") is None and locale_language("de-DE") is None


def test_fontconfig_answer_is_preferred_and_known_paths_are_the_fallback(tmp_path: Path) -> None:
    asked: list[str] = []
    noto = tmp_path / "NotoSansCJK-Regular.ttc"
    bold = tmp_path / "NotoSansCJK-Bold.ttc"
    other = tmp_path / "wqy-microhei.ttc"
    for path in (noto, bold, other):
        path.write_bytes(b"font")

    def fc_list(language: str) -> list[str]:  # as `fc-list -f '%{file}|%{index}|%{family[0]}'` answers
        asked.append(language)
        return [
            f"{other}|0|WenQuanYi Micro Hei",
            f"{bold}|2|Noto Sans CJK SC",
            f"{noto}|0|Noto Sans CJK JP",
            f"{noto}|7|Noto Sans Mono CJK SC",
            f"{noto}|2|Noto Sans CJK SC",
            f"{noto}|3|Noto Sans CJK TC",
        ]

    finder = FontFinder(fc_list=fc_list, known_cjk=())
    # Regular weight, the Simplified Chinese face of the collection for zh-CN, Traditional for zh-TW.
    assert finder.for_language("zh-cn") == FontFace(noto, 2)
    assert finder.for_language("zh-tw") == FontFace(noto, 3)
    assert asked == ["zh-cn", "zh-tw"]
    # No fontconfig (or it knows nothing): the first known path that exists, in the language's face.
    found = FontFinder(fc_list=lambda _: [], known_cjk=[str(tmp_path / "missing.ttc"), str(noto)])
    assert found.for_language("zh-cn") == FontFace(noto, 2) and found.for_language("ko") == FontFace(noto, 1)
    assert FontFinder(fc_list=lambda _: [], known_cjk=[str(other)]).for_language("ja") == FontFace(other, 0)
    assert FontFinder(fc_list=lambda _: [], known_cjk=()).for_language("zh-cn") is None


def test_status_warns_for_languages_without_a_font() -> None:
    none = FontFinder(fc_list=lambda _: [], known_cjk=())
    [warning] = font_warnings(["en", "zh-CN", "en"], none)
    assert warning.startswith("no font for zh-CN found") and "fonts-noto-cjk" in warning
    covered = FontFinder(fc_list=lambda _: [str(latin_font())], known_cjk=())
    assert font_warnings(["en", "zh-CN"], covered) == []


def _font_file(font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> str:
    assert isinstance(font, ImageFont.FreeTypeFont)
    return str(font.path)


def test_the_chart_draws_chinese_labels_with_the_font_that_covers_them(tmp_path: Path) -> None:
    # A stand-in for a CJK font (the test must not depend on the host's fonts): fontconfig "says" this
    # file covers zh-cn, so Chinese labels must be drawn with it and Latin ones with DejaVu.
    stand_in = tmp_path / "NotoSansCJK-Regular.ttc"
    stand_in.write_bytes(latin_font().read_bytes())
    renderer = ChartRenderer(cache_size=0, fonts=FontFinder(fc_list=lambda _: [str(stand_in)], known_cjk=()))
    assert _font_file(renderer.font(12, text=ZH_TEXT)) == str(stand_in)
    assert _font_file(renderer.font(12, text="Response times hours")) == str(latin_font())
    png = renderer.png(_report([1, 2, 3, 4], [[1], [2], [3], [4]]), ZH_LABELS)
    assert Image.open(io.BytesIO(png)).size == (800, 400)


def test_without_a_cjk_font_the_chart_still_draws_and_says_why(caplog: pytest.LogCaptureFixture) -> None:
    renderer = ChartRenderer(cache_size=0, fonts=FontFinder(fc_list=lambda _: [], known_cjk=()))
    with caplog.at_level(logging.WARNING, logger="bot.fonts"):
        png = renderer.png(_report([1, 2, 3, 4], [[1], [2], [3], [4]]), ZH_LABELS)
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert _font_file(renderer.font(12, text="小时")) == str(latin_font())
    warned = [r.getMessage() for r in caplog.records if "no font covering zh-cn" in r.getMessage()]
    assert len(warned) == 1 and "fonts-noto-cjk" in warned[0]  # once, not per label or per chart
