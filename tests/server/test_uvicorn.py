"""Through a real ``campusgate serve`` (uvicorn) on a free local port: the same output and
exit codes as local mode, parallel filings against a nearly full quota, the log, and a
graceful stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from campusgate.cli import cli
from campusgate.models import Database
from tests.backends import campusgate_command
from tests.org import CITY, apply, clue, filed, reviewed, set_quota

pytestmark = pytest.mark.slow


@dataclass
class Served:
    url: str
    process: subprocess.Popen[str]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(db: Database, tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*campusgate_command(), "--db", db.url, "serve", "--listen", f"127.0.0.1:{port}"],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ.copy(),
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the server did not start: " + log.read_text())
        time.sleep(0.1)
    yield Served(url, process, log)
    if process.poll() is None:
        process.kill()
        process.wait()


def both(db: Database, url: str, token: str, login: str, argv: list[str]) -> tuple[tuple, tuple]:
    local = CliRunner().invoke(cli, ["--db", db.url, "--as", login, *argv])
    env = {"CAMPUSGATE_SERVER": url, "CAMPUSGATE_TOKEN": token}
    through = CliRunner().invoke(cli, argv, env=env)
    return (
        (local.exit_code, local.stdout, local.stderr),
        (through.exit_code, through.stdout, through.stderr),
    )


COMMANDS: list[tuple[str, list[str]]] = [
    ("li.na", ["item", "list", "--json"]),
    ("li.na", ["item", "show", "{item}", "--json"]),
    ("li.na", ["item", "show", "{item}"]),
    ("wang.fang", ["item", "list", "--state", "submitted"]),
    ("li.na", ["item", "show", "999", "--json"]),
    ("li.na", ["advance", "file", "{item}", "--json"]),
    ("li.na", ["advance", "frobnicate", "{item}"]),
    ("zhao.lei", ["advance", "file", "{item}", "--json"]),
    ("admin", ["org", "show", "--json"]),
    ("admin", ["quota", "show", "--json"]),
    ("li.na", ["org", "add-school", "x", "--jurisdiction", CITY, "--json"]),
    ("admin", ["audit", "verify", "--json"]),
    ("admin", ["audit", "show", "--item", "{item}", "--json"]),
    ("admin", ["outbox", "list", "--json"]),
    ("admin", ["jobs", "list", "--json"]),
    ("wang.fang", ["--lang", "en", "clue", "add", "--jurisdiction", CITY, "--source", "x"]),
    ("li.na", ["item", "list", "--year", "abc", "--json"]),
]


def test_every_command_answers_as_it_does_locally(
    db: Database, served: Served, issued: dict[str, str]
) -> None:
    item = apply(db)
    clue(db)
    for login, template in COMMANDS:
        argv = [word.replace("{item}", str(item)) for word in template]
        lead = [a for a in argv if a == "--lang"]
        if lead:  # a root option goes before the command
            i = argv.index("--lang")
            argv = [*argv[i : i + 2], *argv[:i], *argv[i + 2 :]]
        local, through = both(db, served.url, issued[login], login, argv)
        assert through == local, (login, argv)


def test_parallel_filings_get_exactly_the_free_places(
    db: Database, served: Served, issued: dict[str, str]
) -> None:
    set_quota(db, 4)
    for _ in range(2):
        filed(db)
    waiting = [reviewed(db) for _ in range(6)]
    approvers = ["zhao.lei", "qian.min"]

    def file(index_and_id: tuple[int, int]) -> int:
        index, item_id = index_and_id
        token = issued[approvers[index % 2]]
        answer = httpx.post(
            served.url + "/api/v1/advance",
            json={"trigger": "file", "item_ids": [item_id]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(file, enumerate(waiting)))
    assert statuses.count(200) == 2, statuses
    assert set(statuses) <= {200, 422, 409}, statuses
    with db.read() as session:
        from sqlalchemy import text

        count = session.scalar(text("SELECT count(*) FROM items WHERE state = 'filed'"))
    assert count == 4


def test_the_log_has_users_and_statuses_and_sigterm_stops_it_gracefully(
    db: Database, served: Served, issued: dict[str, str]
) -> None:
    token = issued["wang.fang"]
    env = {"CAMPUSGATE_SERVER": served.url, "CAMPUSGATE_TOKEN": token}
    argv = ["clue", "add", "--jurisdiction", CITY, "--source", "hotline", "--aspect", "duty"]
    argv += ["--summary", "值班", "--reporter", "教师 13912345678"]
    assert CliRunner().invoke(cli, argv, env=env).exit_code == 0
    CliRunner().invoke(cli, ["item", "list"], env={**env, "CAMPUSGATE_TOKEN": "cg_1_wrong"})
    served.process.send_signal(signal.SIGTERM)
    # uvicorn finishes its requests and shutdown, then re-raises the signal (as systemd expects)
    assert served.process.wait(timeout=30) in (0, -signal.SIGTERM)
    log = served.log.read_text()
    assert "Application shutdown complete" in log and "Finished server process" in log
    assert "POST /api/v1/run 200 user=wang.fang" in log
    assert "POST /api/v1/run 401 user=-" in log
    assert token.split("_", 2)[2] not in log and "13912345678" not in log
    assert "Traceback" not in log


FACTORY_PROBE = """
import json, sys
from fastapi.testclient import TestClient
from campusgate.server.api import from_environment
with TestClient(from_environment()) as client:
    answer = client.post(
        "/api/v1/run",
        json={"command": ["item", "list"], "params": {"as_json": True}},
        headers={"Authorization": "Bearer " + sys.argv[1]},
    )
print(json.dumps({"status": answer.status_code, "body": answer.json()}))
"""


def test_the_factory_app_of_a_fresh_interpreter_runs_every_command(
    db: Database, drill_config: Path
) -> None:
    """``uvicorn --factory campusgate.server.api:from_environment`` imports no CLI module
    first: the generic route still finds the commands."""
    from campusgate.workflow import tokens

    apply(db, "li.na", title="防溺水安全教育")
    token = tokens.issue(db, "admin", "wang.fang").token
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAMPUSGATE_")}
    env |= {"CAMPUSGATE_DB": db.url, "CAMPUSGATE_CONFIG": str(drill_config)}
    probe = subprocess.run(
        [sys.executable, "-c", FACTORY_PROBE, token],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    answer = json.loads(probe.stdout)
    assert answer["status"] == 200, answer
    assert answer["body"]["exit"] == 0
    assert [row["title"] for row in json.loads(answer["body"]["stdout"])] == ["防溺水安全教育"]
