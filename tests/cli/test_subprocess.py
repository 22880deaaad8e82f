"""A few real runs of the installed ``campusgate`` console script (``campusgate.cli:main``):
what CliRunner cannot show — the process exit code, usage errors under ``--json``, and
internal errors without tracebacks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from campusgate.models import Database
from tests.org import apply, reviewed, snapshot, state

pytestmark = pytest.mark.slow

SCRIPT = Path(sys.executable).parent / "campusgate"


def campusgate(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the console script; the environment (CAMPUSGATE_TODAY …) is inherited."""
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, encoding="utf-8", timeout=timeout
    )


def no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_the_console_script_is_installed() -> None:
    assert SCRIPT.exists(), f"{SCRIPT} missing: is the project installed in this venv?"


@pytest.mark.parametrize(
    ("lang", "usage", "heading", "advance"),
    [
        ("zh", "用法:", "命令:", "对每个事项执行操作 TRIGGER，每个事项各用一个事务。"),
        ("en", "Usage:", "Commands:", "Fire TRIGGER on each item, each in its own transaction."),
    ],
)
def test_help_lists_the_commands(lang: str, usage: str, heading: str, advance: str) -> None:
    proc = campusgate("--lang", lang, "--help")
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout.startswith(f"{usage} campusgate [OPTIONS] COMMAND [ARGS]...")
    commands = proc.stdout.split(heading, 1)[1]
    for name in (
        "advance",
        "apply",
        "audit",
        "clue",
        "db",
        "evaluate",
        "item",
        "org",
        "quota",
        "workflow",
    ):
        assert f"\n  {name} " in commands, name
    for option in ("--db", "--as", "--config", "--lang", "--debug"):
        assert option in proc.stdout
    assert f"\n  advance    {advance}\n" in commands  # the commands' own help speaks too
    sub = campusgate("--lang", lang, "advance", "--help")
    assert sub.returncode == 0
    assert "--reason" in sub.stdout and "--json" in sub.stdout
    assert f"\n  {advance}\n" in sub.stdout


@pytest.mark.parametrize(
    ("lang", "message"),
    [("zh", "缺少选项 '--department'."), ("en", "Missing option '--department'.")],
)
def test_usage_error_with_json_is_one_document(lang: str, message: str) -> None:
    proc = campusgate("--lang", lang, "apply", "--json")
    assert proc.returncode == 2
    no_traceback(proc)
    assert proc.stderr == ""
    data = json.loads(proc.stdout)  # exactly one document: trailing text would fail here
    assert set(data) == {"error"}
    assert data["error"]["code"] == "usage"
    assert data["error"]["message"] == message
    assert data["error"].get("exit", 2) == 2


def test_usage_errors_without_json() -> None:
    proc = campusgate("apply")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "错误：缺少选项 '--department'." in proc.stderr
    assert "运行 'campusgate apply --help' 查看帮助。" in proc.stderr
    proc = campusgate("--lang", "en", "apply")
    assert proc.returncode == 2
    assert "Error: Missing option '--department'." in proc.stderr
    no_traceback(proc)
    proc = campusgate("--lang", "fr", "item", "list", "--json")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["error"]["code"] == "usage"
    proc = campusgate("no-such-command")
    assert proc.returncode == 2
    assert "no-such-command" in proc.stderr


def test_internal_error_has_no_traceback_without_debug(tmp_path: Path) -> None:
    """A migrated database whose tables were dropped by hand: exit 1, one clear error, no
    traceback."""
    broken = tmp_path / "broken.db"
    with sqlite3.connect(broken) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    tmp_path = broken
    proc = campusgate("--db", str(tmp_path), "--as", "li.na", "item", "list")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("错误：内部错误：")
    no_traceback(proc)

    proc = campusgate("--db", str(tmp_path), "--as", "li.na", "item", "list", "--json")
    assert proc.returncode == 1
    assert proc.stderr == ""
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "internal"

    proc = campusgate("--db", str(tmp_path), "--as", "li.na", "--debug", "item", "list")
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr


def test_unmigrated_sqlite_file_says_run_db_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    proc = campusgate("--db", str(path), "--as", "li.na", "item", "list")
    assert proc.returncode != 0
    assert proc.returncode == 1
    assert proc.stdout == ""
    url = f"sqlite:///{path}"
    assert proc.stderr == f"错误：数据库 {url} 尚未初始化，请先运行：campusgate db upgrade\n"
    no_traceback(proc)
    proc = campusgate("--lang", "en", "--db", str(path), "--as", "li.na", "item", "list")
    english = f"error: the database {url} has no schema yet; run: campusgate db upgrade\n"
    assert proc.stderr == english
    proc = campusgate("--db", str(path), "--as", "li.na", "item", "list", "--json")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["error"]["code"] == "no_db_schema"


def test_exit_codes_reach_the_process(db: Database) -> None:
    done = reviewed(db)
    fresh = apply(db, title="防溺水安全教育")
    proc = campusgate("--db", db.url, "--as", "li.na", "item", "show", "999", "--json")
    assert proc.returncode == 3
    assert proc.stderr == ""
    assert json.loads(proc.stdout)["error"]["code"] == "no_item"

    before = snapshot(db)
    proc = campusgate("--db", db.url, "--as", "wang.fang", "advance", "review", str(done))
    assert proc.returncode == 5
    assert proc.stderr == f"错误：事项 {done} 当前状态为 “已审核”，不能执行 “审核”\n"
    assert snapshot(db) == before

    proc = campusgate(
        "--db", db.url, "--as", "wang.fang", "advance", "review", str(fresh), str(done), "--json"
    )
    assert proc.returncode == 5
    results = json.loads(proc.stdout)["results"]
    assert [r["ok"] for r in results] == [True, False]
    assert state(db, fresh) == "reviewed"

    proc = campusgate(
        "--db",
        db.url,
        "--as",
        "li.na",
        *[
            "apply",
            "--department",
            "市卫健委",
            "--title",
            "交通安全进校园",
            "--year",
            "2027",
            "--basis-kind",
            "unified",
            "--basis-doc",
            "《道路交通安全法》",
        ],
    )
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == "3\n"


@pytest.mark.parametrize("argv", [["item", "list"], ["item", "list", "--json"], ["org", "show"]])
def test_a_reader_that_leaves_early_ends_the_command_quietly(db: Database, argv: list[str]) -> None:
    """``campusgate … | head -1``: the pipe closes before the command writes; it stops with
    exit 0 and says nothing, as other tools do."""
    for n in range(5):
        apply(db, title=f"安全教育进校园第{n}期")
    proc = subprocess.Popen(
        [str(SCRIPT), "--db", db.url, "--as", "admin", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    assert proc.wait(timeout=120) == 0
    assert proc.stderr.read() == b""
