"""The CLI contract suite of ``tests/cli/test_cli.py`` again, in remote mode: every command goes
through the server (in-process) with the acting user's token instead of ``--as``, and every
assertion of the local suite (exit codes, exact messages, JSON, nothing changed) must hold.

Excluded are the tests whose subject is local identity: acting as a login that is no user is
"not found" (3) locally, while remotely there is no token for it (4); and the tests that use
no test database (database files chosen by path, local by nature).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

import tests.cli.test_cli as contract
from campusgate.cli import cli
from campusgate.models import Database
from campusgate.workflow import tokens
from tests.cli.test_cli import *  # noqa: F403  (the suite, collected again here)

#: Tests about local identity or local files: no remote counterpart.
LOCAL_SUBJECT = {
    "test_exit_3_not_found",
    "test_the_first_kind_of_wrong_decides",
    "test_quota_show_malformed_year_beats_unknown_user",
    "test_json_errors_are_one_document_on_stdout",
}


@pytest.fixture(autouse=True)
def remote_mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    name = request.node.originalname
    if name in LOCAL_SUBJECT or "db" not in request.fixturenames:
        pytest.skip("local mode is the subject")
    db: Database = request.getfixturevalue("db")
    issued: dict[str, str] = request.getfixturevalue("issued")
    url: str = request.getfixturevalue("in_process")
    local_run = contract.run

    def run(
        target: Database | str | None,
        login: str | None,
        command: contract.Command,
        *,
        env: dict[str, str | None] | None = None,
    ) -> Result:
        if target is not db or login is None or (env and env.get("CAMPUSGATE_USER")):
            return local_run(target, login, command, env=env)
        if login not in issued:  # a user the test added
            issued[login] = tokens.issue(db, "admin", login).token
        remote_env: dict[str, str | None] = {
            **(env or {}),
            "CAMPUSGATE_SERVER": url,
            "CAMPUSGATE_TOKEN": issued[login],
        }
        argv = ["--db", db.url, *contract.words(command)]
        return CliRunner().invoke(cli, argv, env=remote_env, catch_exceptions=False)

    monkeypatch.setattr(contract, "run", run)
