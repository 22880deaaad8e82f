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
    configured = tmp_path / "y.db"
    result = runner.invoke(cli, ["--lang", "en", "--db", str(configured), "demo", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    # the global --db names the configured database: the demo goes to a new temporary folder
    assert summary["database"] != str(configured) and not configured.exists()
    assert summary["audit"]["ok"] is True


@pytest.mark.parametrize(
    ("lang", "clues", "outbox"),
    [
        ("zh", "问题线索 9 条：已上台账 2，已销号 6，已撤销 1；", ("超期上报", "待发送")),
        (
            "en",
            "problem clues: 9 (on the ledger 2, closed 6, revoked 1);",
            ("escalation", "pending"),
        ),
    ],
)
def test_the_summary_words_each_kinds_states_in_its_own_words(
    tmp_path: Path, lang: str, clues: str, outbox: tuple[str, ...]
) -> None:
    result = CliRunner().invoke(cli, ["--lang", lang, "demo", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0, result.output
    assert clues in result.stdout
    assert all(word in result.stdout for word in outbox)
    if lang == "zh":
        assert "已备案 2" not in result.stdout and "digest-pending" not in result.stdout


def test_the_year_runs_through_the_jobs(tmp_path: Path) -> None:
    summary = demo.run(str(tmp_path / "hebi.db"), quiet=True)
    assert [j["job"] for j in summary["jobs"]] == [
        "reminders",
        "year-end-review",
        "publish",
        "reminders",
        "reminders",
        "reminders",
        "evaluation",
        "refresh-published",
        "reminders",
    ]
    assert summary["refusals"][0]["actor"] == "system:year-end-review"
    assert summary["outbox"] == {
        "digest-pending": 8,
        "digest-unevaluated": 4,
        "docket": 1,
        "escalation": 2,
        "overdue": 1,
        "reminder": 2,
    }
    published = tmp_path / "published" / "2027"
    assert (published / "鹤壁市.xlsx").is_file() and (published / "浚县.csv").is_file()
    # refreshed after the evaluation: the files list exactly the items published at the end
    posted = [
        row["编号"]
        for path in published.glob("*.json")
        for row in json.loads(path.read_text(encoding="utf-8"))["items"]
    ]
    assert sorted(posted) == sorted(summary["published"])


def test_the_demo_writes_only_where_it_may(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    precious = tmp_path / "precious.db"
    precious.write_bytes(b"not a demo database")
    result = runner.invoke(cli, ["--lang", "en", "demo", "--db", str(precious)])
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert precious.read_bytes() == b"not a demo database"
    result = runner.invoke(cli, ["demo", "--db", "postgresql://postgres@127.0.0.1/x"])
    assert result.exit_code == 2 and "URL" in result.stderr
    assert not Path("postgresql:").exists()
    configured = tmp_path / "configured.db"
    monkeypatch.setenv("CAMPUSGATE_DB", str(configured))
    result = runner.invoke(cli, ["demo", "--db", str(configured)])
    assert result.exit_code == 2 and not configured.exists()
    missing = tmp_path / "nonexist"  # a mistyped folder is refused, never created
    result = runner.invoke(cli, ["demo", "--db", str(missing / "hebi.db")])
    assert result.exit_code == 2 and f"文件夹 {missing} 不存在" in result.stderr
    assert not missing.exists()
    result = runner.invoke(cli, ["demo", "--db", str(precious), "--yes", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["database"] == str(precious)


def test_the_demo_delivers_to_a_real_smtp_server(tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    from tests.jobs.test_deliver import Handler, _free_port

    handler, port = Handler(), _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        summary = demo.run(str(tmp_path / "hebi.db"), quiet=True, smtp=f"127.0.0.1:{port}")
    finally:
        controller.stop()
    assert summary["jobs"][-1]["job"] == "deliver"
    assert len(handler.received) == summary["jobs"][-1]["sent"] > 0
