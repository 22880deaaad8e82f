"""The Hebi demo: one year of the cycle on SQLite, the same whatever today's date is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from campusgate import demo
from campusgate.cli import cli


def _without_path(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != "database"}


def test_the_demo_tells_a_whole_year(tmp_path: Path) -> None:
    summary = demo.run(str(tmp_path / "hebi.db"), quiet=True)
    assert summary["audit"] == {
        "ok": True,
        "events": summary["audit"]["events"],
        "first_broken": None,
    }
    counts = summary["counts"]
    # every state a whitelist application reaches in the story, and the ledger's
    assert {"reviewed", "published", "suspended", "revoked"} <= set(counts["whitelist"])
    assert {"filed", "published", "revoked"} <= set(counts["rectification"])
    assert summary["ledger_open"] and summary["city_whitelist"]
    # the rules that said no on the way: the quota, the missing ratification, the open item
    assert [r["code"] for r in summary["refusals"]] == [
        "quota_exceeded",
        "ratification_missing",
        "linked_open",
    ]
    assert all(r["exit"] == 5 for r in summary["refusals"])


def test_the_demo_is_deterministic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = demo.run(str(tmp_path / "a.db"), quiet=True)
    monkeypatch.setenv("CAMPUSGATE_TODAY", "2031-05-05")  # the story keeps its own dates
    second = demo.run(str(tmp_path / "b.db"), quiet=True)
    assert _without_path(first) == _without_path(second)


def test_the_demo_starts_afresh_on_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "hebi.db"
    first = demo.run(str(path), quiet=True)
    again = demo.run(str(path), quiet=True)
    assert _without_path(first) == _without_path(again)


def test_demo_command_prints_tables_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0, result.output
    assert "白名单" in result.stdout and "整改台账" in result.stdout
    result = runner.invoke(cli, ["--lang", "en", "--db", str(tmp_path / "y.db"), "demo", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["database"] == str(tmp_path / "y.db")
    assert summary["audit"]["ok"] is True
