"""Where the console saves what a terminal cannot show."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from bot.adapters.console.files import FileShelf


def test_each_chart_keeps_its_own_file(tmp_path: Path) -> None:
    shelf = FileShelf(tmp_path)
    first = shelf.save("chart.png", b"week 1", unique=True)
    second = shelf.save("chart.png", b"week 2", unique=True)
    assert (first.name, second.name) == ("chart.png", "chart-2.png")
    assert first.read_bytes() == b"week 1"  # the line printed with the first chart still points at it
    assert second.read_bytes() == b"week 2"


def test_an_attachment_saved_again_replaces_the_old_copy(tmp_path: Path) -> None:
    shelf = FileShelf(tmp_path)
    shelf.save("post.md", b"draft", unique=False)
    again = shelf.save("post.md", b"final", unique=False)
    assert again == tmp_path / "post.md"
    assert again.read_bytes() == b"final"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["post.md"]


def test_a_name_never_leaves_the_folder(tmp_path: Path) -> None:
    shelf = FileShelf(tmp_path / "files")
    escaped = shelf.save("../../etc/passwd", b"x", unique=False)
    nameless = shelf.save("", b"y", unique=False)
    assert escaped == tmp_path / "files" / "passwd"
    assert nameless == tmp_path / "files" / "file"
    assert not (tmp_path / "etc").exists()


def test_without_a_folder_a_fresh_one_is_made_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # made inside the test's folder
    shelf = FileShelf()
    first = shelf.save("a.txt", b"a", unique=False)
    second = shelf.save("b.txt", b"b", unique=False)
    assert shelf.folder is not None and first.parent == second.parent == shelf.folder
    assert shelf.folder.parent == tmp_path and shelf.folder.name.startswith("steward-files-")
