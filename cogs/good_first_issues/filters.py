"""Reading what people typed after /gfi list, carrying it in Prev/Next buttons, and finding a member
a maintainer names."""

from __future__ import annotations

from collections.abc import Mapping

from cogs.good_first_issues.board import BoardFilter, BoardRules
from cogs.good_first_issues.errors import GfiError

SLOTS = ("repo", "area", "difficulty", "page")


def _match(rules: BoardRules, slot: str, value: str) -> str | int | None:
    low = value.casefold()
    if slot == "page":
        return int(value) if value.isdigit() and int(value) >= 1 else None
    if slot == "repo":
        if low in rules.repo_names:
            return rules.repo_names[low]
        short = [name for key, name in rules.repo_names.items() if key.split("/", 1)[1] == low]
        return short[0] if len(short) == 1 else None
    names = rules.area_names() if slot == "area" else rules.difficulty_names()
    return next((n for n in names if n.casefold() == low), None)


def parse_filters(rules: BoardRules, **given: str | None) -> tuple[BoardFilter, int]:
    """Each value is taken for its own slot when it fits, else for whichever slot it fits, so
    ``/gfi list docs`` filters by the docs area even though repo comes first."""
    found: dict[str, str | int] = {}
    for slot in SLOTS:
        value = given.get(slot)
        if not value:
            continue
        order = (slot, *(s for s in SLOTS if s != slot))
        for candidate in order:
            if candidate in found:
                continue
            matched = _match(rules, candidate, value.strip())
            if matched is not None:
                found[candidate] = matched
                break
        else:
            raise _bad_filter(rules, value)
    page = found.get("page", 1)
    flt = BoardFilter(
        repo=str(found["repo"]) if "repo" in found else None,
        area=str(found["area"]) if "area" in found else None,
        difficulty=str(found["difficulty"]) if "difficulty" in found else None,
    )
    return flt, int(page)


def encode_nav(rules: BoardRules, repo_ids: Mapping[str, int], flt: BoardFilter, page: int) -> str:
    """A short button value: page, repo id and the area/difficulty positions ("3.12.0.-")."""
    repo = str(repo_ids.get(flt.repo.lower(), "-")) if flt.repo else "-"
    area = str(rules.area_names().index(flt.area)) if flt.area in rules.area_names() else "-"
    diff = (
        str(rules.difficulty_names().index(flt.difficulty))
        if flt.difficulty in rules.difficulty_names()
        else "-"
    )
    return f"{page}.{repo}.{area}.{diff}"


def decode_nav(rules: BoardRules, repo_names: Mapping[int, str], value: str) -> tuple[BoardFilter, int]:
    parts = (value.split(".") + ["-"] * 4)[:4]
    try:
        page = max(1, int(parts[0]))
        repo = repo_names.get(int(parts[1])) if parts[1] != "-" else None
        areas, diffs = rules.area_names(), rules.difficulty_names()
        area = areas[int(parts[2])] if parts[2] != "-" and int(parts[2]) < len(areas) else None
        diff = diffs[int(parts[3])] if parts[3] != "-" and int(parts[3]) < len(diffs) else None
    except ValueError:
        raise GfiError("gfi.error.claim_gone") from None
    display = rules.repo_names.get(repo.lower(), repo) if repo else None
    return BoardFilter(display, area, diff), page


def _bad_filter(rules: BoardRules, value: str) -> GfiError:
    """What a filter can be, listing only the kinds this board has (a project may set no areas or
    difficulties: an empty "Difficulties: —" reads as a broken list)."""
    areas, difficulties = ", ".join(rules.area_names()), ", ".join(rules.difficulty_names())
    key = "gfi.error.bad_filter" + ("_areas" if areas else "") + ("_difficulties" if difficulties else "")
    known = {"areas": areas, "difficulties": difficulties}
    outside = {name: names for name, names in known.items() if names}
    repos = ", ".join(sorted(rules.repo_names.values())) or "—"
    return GfiError(key, outside={"value": value, **outside, "repos": repos})
