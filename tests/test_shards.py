"""``steward run --shard-ids/--shard-count`` (and STEWARD_SHARD_*): validation and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.shards import ShardPlan, ShardPlanError, shard_plan


def test_plan_from_flags_sorted_and_owning_guilds_by_snowflake() -> None:
    plan = shard_plan("2, 0", "3")
    assert plan == ShardPlan((0, 2), 3) and plan.holds_shard_zero
    assert plan.describe() == "shards 0, 2 of 3"
    guild = (7 << 22) | 12345  # (id >> 22) % 3 == 1
    assert plan.shard_of(guild) == 1 and not plan.owns(guild) and plan.owns(guild + (1 << 22))
    assert shard_plan(None, None) is None


def test_environment_fills_in_and_flags_win() -> None:
    env = {"STEWARD_SHARD_IDS": "1", "STEWARD_SHARD_COUNT": "2"}
    assert shard_plan(None, None, env) == ShardPlan((1,), 2)
    assert shard_plan("0", None, env) == ShardPlan((0,), 2)
    assert shard_plan(None, None, {"STEWARD_SHARD_IDS": " ", "STEWARD_SHARD_COUNT": ""}) is None


@pytest.mark.parametrize(
    ("ids", "count", "env", "reason"),
    [
        ("0,1", None, {}, "--shard-ids is set but not --shard-count"),
        (None, "2", {}, "--shard-count is set but not --shard-ids"),
        (None, None, {"STEWARD_SHARD_COUNT": "2"}, "STEWARD_SHARD_COUNT is set but not --shard-ids"),
        ("0,2", "2", {}, "shard id 2 does not exist with a shard count of 2 (ids run from 0 to 1)"),
        ("1,1", "2", {}, "shard id 1 is listed twice"),
        ("0,-1", "2", {}, "'-1' is not a shard id"),
        ("0,,1", "2", {}, "must be comma-separated shard ids"),
        ("0", "two", {}, "--shard-count must be a whole number"),
        ("0", "0", {}, "--shard-count must be between 1 and 4096"),
        (None, None, {"STEWARD_SHARD_IDS": "3", "STEWARD_SHARD_COUNT": "3"}, "STEWARD_SHARD_IDS: shard id 3"),
    ],
)
def test_inconsistent_plans_are_refused_with_the_reason(
    ids: str | None, count: str | None, env: dict[str, str], reason: str
) -> None:
    with pytest.raises(ShardPlanError) as refused:
        shard_plan(ids, count, env)
    assert reason in str(refused.value)


def _config(tmp_path: Path, discord: bool) -> str:
    path = tmp_path / "steward.yaml"
    section = "discord:\n  token: not-used\n" if discord else ""
    path.write_text(f"project:\n  name: X\ndatabase:\n  sqlite_path: x.db\n{section}", encoding="utf-8")
    return str(path)


def test_run_refuses_bad_shard_options_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path, discord=True)
    assert main(["run", "-c", config, "--shard-ids", "0,0", "--shard-count", "2"]) == 2
    assert "steward run: --shard-ids: shard id 0 is listed twice" in capsys.readouterr().err
    assert main(["run", "-c", config, "--shard-count", "2"]) == 2
    assert "give both, e.g. --shard-ids 0,1 --shard-count 3" in capsys.readouterr().err
    monkeypatch.setenv("STEWARD_SHARD_IDS", "5")
    assert main(["run", "-c", config, "--shard-count", "3"]) == 2
    assert "STEWARD_SHARD_IDS: shard id 5 does not exist" in capsys.readouterr().err


def test_run_refuses_shards_without_discord(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path, discord=False)
    assert main(["run", "-c", config, "--shard-ids", "0", "--shard-count", "1"]) == 2
    err = capsys.readouterr().err
    assert "shard 0 of 1 requested but the config has no discord: section" in err
    assert not (tmp_path / "x.db").exists()  # refused before anything started


def test_run_help_documents_the_shard_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    assert "--shard-ids IDS" in out and "STEWARD_SHARD_IDS" in out and "STEWARD_SHARD_COUNT" in out
