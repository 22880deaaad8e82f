"""Fixtures of the server's tests: the application over the test database, a token for each
user of the test organisation, and remote mode through the in-process test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from campusgate import remote
from campusgate.models import Database
from campusgate.server.api import create_app
from campusgate.workflow import tokens
from campusgate.workflow.config import load_settings
from tests.org import USERS

BASE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def own_config_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Stored logins go to a folder of this test, never the user's own."""
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv(remote.SERVER_ENV, raising=False)
    monkeypatch.delenv(remote.TOKEN_ENV, raising=False)
    return folder


@pytest.fixture
def api(db: Database, drill_config: Path) -> Any:
    return create_app(load_settings(str(drill_config), db.url), db)


@pytest.fixture
def client(api: Any) -> Iterator[TestClient]:
    with TestClient(api, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def issued(db: Database) -> dict[str, str]:
    """A live token for every user of the test organisation, by login."""
    return {u["login"]: tokens.issue(db, "admin", u["login"]).token for u in USERS}


@pytest.fixture
def in_process(api: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Remote mode talks to ``api`` in-process; the server's URL."""
    monkeypatch.setattr(remote, "client_factory", lambda url: TestClient(api, base_url=url))
    return BASE_URL
