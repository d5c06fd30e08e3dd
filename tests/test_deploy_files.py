"""The deployment files (Dockerfile, compose.yaml, deploy/) agree with the CLI and the config they name."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser
from bot.config import check_config_offline
from bot.http_server import HttpServer

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _dockerfile_instruction(name: str) -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    [line] = [ln for ln in text.splitlines() if ln.startswith(name + " ")]
    return line[len(name) + 1 :].strip()


def _parses(argv: list[str]) -> Any:
    """The CLI accepts ``argv`` (``steward`` dropped), as argparse would at start-up."""
    if argv and argv[0].endswith("steward"):
        argv = argv[1:]
    return build_parser().parse_args(argv)


def _steward_services() -> dict[str, dict[str, Any]]:
    return {name: svc for name, svc in _compose()["services"].items() if svc.get("build") == "."}


def test_image_entrypoint_and_command_are_steward_subcommands() -> None:
    entrypoint = json.loads(_dockerfile_instruction("ENTRYPOINT"))
    command = json.loads(_dockerfile_instruction("CMD"))
    assert entrypoint == ["steward"]
    args = _parses(command)
    assert args.cmd == "run" and args.config == "/etc/steward/steward.yaml"
    assert _dockerfile_instruction("USER") != "root"


def test_image_healthcheck_asks_a_path_the_server_serves() -> None:
    health = _dockerfile_instruction("HEALTHCHECK")
    argv = json.loads(health.split("CMD", 1)[1].strip())
    args = _parses(argv)
    assert args.cmd == "healthcheck"
    routes = {r.resource.canonical for r in HttpServer().app.router.routes() if r.resource is not None}
    assert "/healthz" in routes


def test_compose_services_run_real_subcommands_on_the_mounted_config() -> None:
    services = _steward_services()
    assert {"migrate", "steward"} <= set(services)
    for name, service in services.items():
        args = _parses(service["command"])
        mounts = {m.split(":")[1]: m.split(":")[0] for m in service["volumes"]}
        assert args.config in mounts, name
        assert (ROOT / mounts[args.config]).exists(), name
        assert service["env_file"] == "deploy/steward.env"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert _parses(services["migrate"]["command"]).cmd == "migrate"
    steward = services["steward"]
    assert _parses(steward["command"]).cmd == "run"
    assert steward["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert _parses(steward["healthcheck"]["test"][1:]).cmd == "healthcheck"
    assert _compose()["services"]["postgres"]["image"].startswith("postgres:")


def test_deploy_config_is_valid_and_listens_where_compose_publishes() -> None:
    check = check_config_offline(ROOT / "deploy" / "steward.yaml")
    assert check.config is not None
    published = _steward_services()["steward"]["ports"][0]
    assert published.endswith(f":{check.config.http.port}")
    assert check.config.http.host == "0.0.0.0"


def test_env_example_names_every_secret_the_deploy_config_needs() -> None:
    needed = set(re.findall(r"\$\{([A-Z_]+)\}", (ROOT / "deploy" / "steward.yaml").read_text()))
    example = (ROOT / "deploy" / "steward.env.example").read_text(encoding="utf-8")
    offered = {
        line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")
    }
    provided_by_compose = set(_steward_services()["steward"]["environment"])
    assert needed - provided_by_compose <= offered


def test_systemd_unit_runs_real_subcommands() -> None:
    unit = (ROOT / "deploy" / "steward.service").read_text(encoding="utf-8")
    for key in ("ExecStartPre", "ExecStart"):
        [line] = [ln for ln in unit.splitlines() if ln.startswith(key + "=")]
        args = _parses(shlex.split(line.split("=", 1)[1]))
        assert args.config == "/etc/steward/steward.yaml"
    assert "User=steward" in unit
