"""Odd input from the command line gets a clear error and changes nothing (never exit 1)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from campusgate.models import Database
from tests.backends import campusgate_command
from tests.cli.test_cli import apply_argv, document, refused, refused_json, run
from tests.org import CITY, apply, snapshot
from tests.org import state as state_of


@pytest.mark.parametrize(
    ("login", "command", "exit", "code"),
    [
        # digits that are not ASCII digits ('²'.isdigit() is True, int('²') fails)
        ("wang.fang", "item list --jurisdiction ²", 3, "no_jurisdiction"),
        ("li.na", apply_argv(department="²"), 3, "no_department"),
        (
            "wang.fang",
            f"clue add --jurisdiction {CITY} --source hotline --aspect duty --summary s --school ²",
            3,
            "no_school",
        ),
        ("wang.fang", "item show ²", 2, "invalid_id"),
        # numbers no column holds
        ("wang.fang", "item show 99999999999999999999", 3, "no_item"),
        (
            "admin",
            f"quota set --jurisdiction {CITY} --year 2027 --max 99999999999999999999",
            2,
            "number_too_large",
        ),
        ("li.na", apply_argv(extra=("--teacher-hours", "lots")), 2, "invalid_hours"),
    ],
)
def test_odd_numbers_are_refused_clearly(
    db: Database, login: str, command: str | list[str], exit: int, code: str
) -> None:
    refused_json(db, login, command, exit=exit, code=code)


def test_advance_reports_every_id_even_an_odd_one(db: Database) -> None:
    """An odd id (a superscript digit) is malformed input: the call is refused before any id
    is fired, and every id reports it."""
    item_id = apply(db)
    result = run(db, "wang.fang", ["advance", "review", str(item_id), "²", "--json"])
    assert result.exit_code == 2
    results = document(result)["results"]
    assert [(r["id"], r["ok"]) for r in results] == [(item_id, False), ("²", False)]
    assert {r["error"]["code"] for r in results} == {"invalid_id"}
    assert state_of(db, item_id) == "submitted"


def test_an_unknown_migration_revision_is_invalid_input(db: Database) -> None:
    refused(db, "admin", "db downgrade nosuch --yes", exit=2, contains=("nosuch",))
    refused(db, None, "db upgrade 0099", exit=2, contains=("0099",))


@pytest.mark.slow
def test_undecodable_bytes_on_the_command_line(db: Database, tmp_path: Path) -> None:
    """Bytes the terminal could not decode reach Python as lone surrogates: exit 2."""
    before = snapshot(db)
    base = [*campusgate_command(), "--db", db.url]
    for argv in (
        [
            *base,
            "--as",
            "wang.fang",
            "clue",
            "add",
            "--jurisdiction",
            CITY,
            "--source",
            "hotline",
            "--aspect",
            "duty",
            "--summary",
            b"\xff\xfe",
        ],
        [*base, "--as", b"\xff", "item", "list", "--json"],
    ):
        result = subprocess.run(argv, capture_output=True, timeout=60)
        assert result.returncode == 2, result.stderr.decode(errors="replace")
        assert b"Traceback" not in result.stderr
        if "--json" in argv:
            assert b'"undecodable"' in result.stdout
        else:
            assert "无法识别的字符".encode() in result.stderr
    assert snapshot(db) == before
