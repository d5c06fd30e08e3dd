"""Fonts for drawn text (the on-call chart): one that covers the reader's script, found through
fontconfig or at the usual install paths, DejaVu Sans otherwise.

DejaVu has no Chinese, Japanese or Korean glyphs: labels in those languages come out as boxes
unless a CJK font is installed (Debian/Ubuntu: ``fonts-noto-cjk``). When none is found the chart
still draws, and :func:`font_warnings` says why its labels may be boxes (``steward status`` prints it).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# fontconfig language tags by the scripts a text needs (anything else: Latin, DejaVu covers it).
CJK_LANGUAGES = {"zh": "zh-cn", "ja": "ja", "ko": "ko"}
# Where distributions and macOS put a CJK font when fontconfig is not there to ask.
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
)
# CJK ideographs (and extension A), CJK punctuation, full-width forms.
HAN_AND_CJK_PUNCTUATION = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x3000, 0x303F), (0xFF00, 0xFFEF))
# In a font collection (.ttc) the face for each language: Noto Sans CJK draws some characters
# differently for Simplified and Traditional Chinese, Japanese and Korean.
REGION_FAMILIES = {"zh-cn": " SC", "zh-tw": " TC", "ja": " JP", "ko": " KR"}
NOTO_CJK_FACES = {"ja": 0, "ko": 1, "zh-cn": 2, "zh-tw": 3}
INSTALL_HINT = "install a CJK font, e.g. Debian's fonts-noto-cjk"


def script_language(text: str) -> str | None:
    """The CJK fontconfig language ``text`` needs (``zh-cn``, ``ja``, ``ko``), or None for Latin text."""
    found: str | None = None
    for ch in text:
        code = ord(ch)
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            return "ko"
        if 0x3040 <= code <= 0x30FF:
            return "ja"
        if any(low <= code <= high for low, high in HAN_AND_CJK_PUNCTUATION):
            found = "zh-cn"
    return found


def locale_language(locale: str) -> str | None:
    """The CJK fontconfig language of a locale such as ``zh-CN``, or None when Latin fonts do."""
    base = locale.replace("_", "-").split("-")[0].lower()
    if base == "zh" and locale.lower().replace("_", "-") in ("zh-tw", "zh-hk", "zh-hant"):
        return "zh-tw"
    return CJK_LANGUAGES.get(base)


@dataclass(frozen=True)
class FontFace:
    """A font file and, in a collection (.ttc), the face to use."""

    path: Path
    index: int = 0


def _fc_list(language: str) -> list[str]:
    """``file|index|family`` of every face fontconfig says covers ``language`` (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        result = subprocess.run(
            [fc_list, "-f", "%{file}|%{index}|%{family[0]}\n", f":lang={language}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def _face(entry: str) -> tuple[FontFace, str]:
    """Parse an ``_fc_list`` line (a bare path counts as face 0)."""
    path, _, rest = entry.partition("|")
    index, _, family = rest.partition("|")
    return FontFace(Path(path), int(index) if index.isdigit() else 0), family


class FontFinder:
    """Finds font files by language; the lookups are injectable so tests need no particular host."""

    def __init__(
        self,
        fc_list: Callable[[str], list[str]] = _fc_list,
        known_cjk: Sequence[str] = KNOWN_CJK_FONTS,
    ) -> None:
        self._fc_list = fc_list
        self._known_cjk = known_cjk
        self._warned: set[str] = set()

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one finder per process; fontconfig is slow to ask
    def for_language(self, language: str) -> FontFace | None:
        """A regular-weight face covering ``language``, or None."""
        region = REGION_FAMILIES.get(language, "")
        faces = [_face(entry) for entry in self._fc_list(language)]

        # Prefer Noto Sans CJK's regular weight (the look of the rest of the chart) in the language's
        # regional face, proportional rather than monospaced, when there are several.
        def rank(found: tuple[FontFace, str]) -> tuple[bool, bool, bool, bool, str, int]:
            face, family = found
            return (
                not face.path.name.startswith("NotoSansCJK"),
                "Regular" not in face.path.name,
                bool(region) and not family.endswith(region),
                "Mono" in family,
                str(face.path),
                face.index,
            )

        faces.sort(key=rank)
        for face, _ in faces:
            if face.path.is_file():
                return face
        for known in map(Path, self._known_cjk):
            if known.is_file():
                noto = known.name.startswith("NotoSansCJK") and known.suffix == ".ttc"
                return FontFace(known, NOTO_CJK_FACES.get(language, 0) if noto else 0)
        return None

    @functools.lru_cache(maxsize=4)  # noqa: B019 - as above
    def latin(self, bold: bool = False) -> FontFace | None:
        """DejaVu Sans: matplotlib's copy if installed (located without importing it), else the system's."""
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        spec = importlib.util.find_spec("matplotlib")
        roots = (spec.submodule_search_locations or []) if spec else []
        folders = [Path(p) / "mpl-data" / "fonts" / "ttf" for p in roots]
        folders.append(Path("/usr/share/fonts/truetype/dejavu"))
        return next((FontFace(folder / name) for folder in folders if (folder / name).is_file()), None)

    def for_text(self, text: str, bold: bool = False) -> FontFace | None:
        """A font that shows every character of ``text``; the Latin one (with a logged warning, once per
        language) when the text needs a CJK font this host does not have."""
        language = script_language(text)
        if language is not None:
            found = self.for_language(language)
            if found is not None:
                return found
            if language not in self._warned:
                self._warned.add(language)
                log.warning(
                    "no font covering %s found; chart labels fall back to DejaVu Sans (boxes); %s",
                    language,
                    INSTALL_HINT,
                )
        return self.latin(bold)

    def warnings(self, locales: Iterable[str]) -> list[str]:
        """One line per locale whose text charts cannot show on this host."""
        found = []
        for locale in dict.fromkeys(locales):
            language = locale_language(locale)
            if language is not None and self.for_language(language) is None:
                found.append(
                    f"no font for {locale} found: chart labels in {locale} show as boxes; {INSTALL_HINT}"
                )
        return found


DEFAULT_FINDER = FontFinder()


def font_warnings(locales: Iterable[str], finder: FontFinder = DEFAULT_FINDER) -> list[str]:
    """Why charts in some of ``locales`` would show boxes on this host (empty when fonts cover them all)."""
    return finder.warnings(locales)
