"""``steward export`` / ``steward import``: every row of every table survives SQLite -> PostgreSQL ->
SQLite; a non-empty, unmigrated or mismatched target and a damaged archive are refused cleanly."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.data.archive import MANIFEST_NAME, member_name
from bot.db import migrate
from bot.db.database import Database
from bot.db.engine import make_engine
from bot.db.models import Member, archived_tables, load_all_models
from tests.data.sample_rows import ROWS_PER_TABLE, every_row, fill_every_table
from tests.fixtures.console import config_text


def _config(tmp_path: Path, url: str, name: str) -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(config_text(url), encoding="utf-8")
    return str(path)


def _fill(url: str) -> dict[str, list[dict[str, object]]]:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            fill_every_table(connection, load_all_models())
        with engine.connect() as connection:
            return every_row(connection, load_all_models())
    finally:
        engine.dispose()


def _rows(url: str) -> dict[str, list[dict[str, object]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return every_row(connection, load_all_models())
    finally:
        engine.dispose()


def test_round_trip_sqlite_postgresql_sqlite_loses_nothing(
    tmp_path: Path, fresh_postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    last = f"sqlite:///{tmp_path / 'last.db'}"
    for url in (first, fresh_postgres_url, last):
        migrate.upgrade(url)
    original = _fill(first)
    assert all(len(rows) == ROWS_PER_TABLE for rows in original.values())

    assert main(["export", "-c", _config(tmp_path, first, "first"), str(tmp_path / "a.zip")]) == 0
    assert main(["import", "-c", _config(tmp_path, fresh_postgres_url, "pg"), str(tmp_path / "a.zip")]) == 0
    assert _rows(fresh_postgres_url) == original
    assert main(["export", "-c", _config(tmp_path, fresh_postgres_url, "pg"), str(tmp_path / "b.zip")]) == 0
    assert main(["import", "-c", _config(tmp_path, last, "last"), str(tmp_path / "b.zip")]) == 0
    assert _rows(last) == original

    out = capsys.readouterr().out
    tables = len(archived_tables(load_all_models()))
    assert f"imported {tables * ROWS_PER_TABLE} rows of {tables} tables" in out
    # The sample's datetimes were in Asia/Shanghai; what comes back is the same instant.
    member = original["member"][0]["created_at"]
    assert isinstance(member, datetime) and member.tzinfo is not None

    # New rows after the import get fresh ids on both kinds of database (sequences were advanced).
    for url in (fresh_postgres_url, last):
        db = Database(url)
        try:
            with db.session() as session:
                added = Member(display_name="after import", created_at=datetime.now(UTC))
                session.add(added)
                session.flush()
                assert added.id is not None
                assert added.id > max(int(str(r["id"])) for r in original["member"])
        finally:
            db.dispose()


def test_export_writes_every_table_and_the_revision(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = _fill(db.url)
    archive_path = tmp_path / "backup.zip"
    assert main(["export", "-c", _config(tmp_path, db.url, "src"), str(archive_path)]) == 0
    with zipfile.ZipFile(archive_path) as archive:
        manifest = json.loads(archive.read(MANIFEST_NAME))
        assert manifest["alembic_revision"] == migrate.current_revision(db.url)
        assert manifest["backend"] == db.engine.dialect.name
        assert set(manifest["tables"]) == {t.name for t in archived_tables(load_all_models())}
        lines = archive.read(member_name("member")).decode("utf-8").splitlines()
    assert len(lines) == len(original["member"])
    first = json.loads(lines[0])
    # Written as people wrote it: unicode unescaped, would-be pings untouched.
    assert "你好 🎉 @everyone <!channel>" in first["display_name"]
    assert first["created_at"].endswith("+00:00")
    assert not list(tmp_path.glob("*.partial"))
    assert "exported" in capsys.readouterr().out


def test_import_refuses_a_database_with_rows(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    _fill(source)
    assert main(["export", "-c", _config(tmp_path, source, "src"), str(tmp_path / "a.zip")]) == 0
    with db.session() as session:
        session.add(Member(display_name="already here", created_at=datetime.now(UTC)))
    capsys.readouterr()

    assert main(["import", "-c", _config(tmp_path, db.url, "dst"), str(tmp_path / "a.zip")]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "member" in err and "Traceback" not in err
    with db.session() as session:
        assert [m.display_name for m in session.exec(select(Member)).scalars()] == ["already here"]


def test_import_refuses_an_unmigrated_database(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    assert main(["export", "-c", _config(tmp_path, source, "src"), str(tmp_path / "a.zip")]) == 0
    assert main(["import", "-c", _config(tmp_path, database_url, "dst"), str(tmp_path / "a.zip")]) == 2
    assert "steward migrate" in capsys.readouterr().err


def test_import_refuses_an_archive_of_another_revision(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    original = tmp_path / "a.zip"
    assert main(["export", "-c", _config(tmp_path, source, "src"), str(original)]) == 0
    older = tmp_path / "older.zip"
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(older, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == MANIFEST_NAME:
                manifest = json.loads(data)
                manifest["alembic_revision"] = "0001"
                data = json.dumps(manifest).encode()
            dst.writestr(item, data)
    capsys.readouterr()
    assert main(["import", "-c", _config(tmp_path, db.url, "dst"), str(older)]) == 2
    assert "written at revision 0001," in capsys.readouterr().err


def _damaged(damage: str, lines: list[bytes]) -> bytes:
    if damage == "bad line":
        return b"{not json\n" + b"".join(lines)
    if damage == "row missing":
        return b"".join(lines[1:])
    row = json.loads(lines[0])
    if damage == "text for a number":
        row["interview_id"] = "seven"
    else:
        row["updated_at"] = row["updated_at"].split("+")[0]
    return json.dumps(row).encode() + b"\n" + b"".join(lines[1:])


@pytest.mark.parametrize(
    "damage", ["not a zip", "bad line", "row missing", "no manifest", "text for a number", "naive time"]
)
def test_a_damaged_archive_fails_without_writing_anything(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    _fill(source)
    good = tmp_path / "good.zip"
    assert main(["export", "-c", _config(tmp_path, source, "src"), str(good)]) == 0
    bad = tmp_path / "bad.zip"
    if damage == "not a zip":
        bad.write_bytes(b"PK\x03\x04 definitely not a zip")
    else:
        with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if damage == "no manifest" and item.filename == MANIFEST_NAME:
                    continue
                if item.filename == member_name("spotlight_answer"):
                    lines = data.splitlines(keepends=True)
                    data = _damaged(damage, lines)
                dst.writestr(item, data)
    capsys.readouterr()
    assert main(["import", "-c", _config(tmp_path, db.url, "dst"), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("steward import: ") and "Traceback" not in err
    assert all(rows == [] for rows in _rows(db.url).values())


def test_import_of_a_missing_file_is_a_usage_error(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "-c", _config(tmp_path, db.url, "dst"), str(tmp_path / "nope.zip")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_export_refuses_a_database_behind_the_code(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(database_url, "0001")
    assert main(["export", "-c", _config(tmp_path, database_url, "src"), str(tmp_path / "a.zip")]) == 2
    assert "steward migrate" in capsys.readouterr().err
    assert not (tmp_path / "a.zip").exists()


def test_commands_that_read_a_database_never_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """export, import and forget on a SQLite file that is not there say so; they used to leave an
    empty database behind."""
    missing = tmp_path / "nothing-here.db"
    config = _config(tmp_path, f"sqlite:///{missing}", "none")
    source = f"sqlite:///{tmp_path / 'source.db'}"
    migrate.upgrade(source)
    assert main(["export", "-c", _config(tmp_path, source, "src"), str(tmp_path / "a.zip")]) == 0
    for command in (
        ["export", str(tmp_path / "b.zip")],
        ["import", str(tmp_path / "a.zip")],
        ["forget", "-y", "bob"],
    ):
        assert main([command[0], "-c", config, *command[1:]]) == 2
        err = capsys.readouterr().err
        assert f"does not exist yet ({missing}): run `steward migrate` first" in err and "  " not in err
    assert not missing.exists()
