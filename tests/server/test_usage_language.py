"""click's own messages through the server: a command whose parameters click refuses is
answered in the request's language, and requests served side by side in threads each keep
their own (the server runs click in-process, in a pool of threads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from campusgate import i18n
from campusgate.models import Database
from campusgate.server import protocol, runner
from campusgate.workflow.config import load_settings
from tests.org import snapshot

#: (command, params, message in Chinese, in English): refused by click, not by a service.
REFUSED_BY_CLICK = [
    (["quota", "set"], {}, "缺少选项 '--jurisdiction'.", "Missing option '--jurisdiction'."),
    (
        ["clue", "add"],
        {"linked_item": "七"},
        "'--link' 的值无效：'七' 不是有效的数字。",
        "Invalid value for '--link': '七' is not a valid integer.",
    ),
    (
        ["workflow", "diagram"],
        {"kind": "ledger"},
        "'--kind' 的值无效：'ledger' 不是可选值 'whitelist', 'rectification' 之一。",
        "Invalid value for '--kind': 'ledger' is not one of 'whitelist', 'rectification'.",
    ),
]


@pytest.mark.parametrize(("command", "params", "zh", "en"), REFUSED_BY_CLICK)
def test_click_s_refusal_speaks_the_request_s_language(
    db: Database,
    client: TestClient,
    issued: dict[str, str],
    command: list[str],
    params: dict[str, Any],
    zh: str,
    en: str,
) -> None:
    headers = {"Authorization": f"Bearer {issued['admin']}"}
    before = snapshot(db)
    for lang, message, prefix in (("zh", zh, "错误："), ("en", en, "error: ")):
        body = {"command": command, "params": params, "lang": lang}
        answer = client.post(protocol.RUN_PATH, json=body, headers=headers)
        assert answer.status_code == 400, answer.text
        data = answer.json()
        assert data["exit"] == 2
        assert data["stderr"] == f"{prefix}{message}\n"
        assert data["error"] == {"code": "usage", "message": message, "exit": 2}
        as_json = {**body, "params": {**params, "as_json": True}}
        data = client.post(protocol.RUN_PATH, json=as_json, headers=headers).json()
        assert data["error"]["message"] == message
    assert snapshot(db) == before


def test_requests_side_by_side_keep_their_own_language(
    db: Database, drill_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two requests, one Chinese, one English, are both inside click at once, round after
    round; each is answered in its own language, and no thread keeps a language after."""
    settings = load_settings(str(drill_config), db.url)
    both_inside = threading.Barrier(2, timeout=10)
    parse_and_run = runner._parse_and_run

    def meet_then_parse(*args: Any) -> runner.Outcome:
        both_inside.wait()  # the other request is speaking its language now too
        return parse_and_run(*args)

    monkeypatch.setattr(runner, "_parse_and_run", meet_then_parse)

    def request(lang: str) -> tuple[str, str, bool]:
        outcome = runner.run(db, settings, "admin", ["quota", "set"], {}, lang=lang)
        return lang, outcome.stderr, i18n._speaking.get() is None

    with ThreadPoolExecutor(max_workers=2) as pool:
        for _ in range(20):
            for lang, stderr, nothing_kept in pool.map(request, ["zh", "en"]):
                expected = {
                    "zh": "错误：缺少选项 '--jurisdiction'.\n",
                    "en": "error: Missing option '--jurisdiction'.\n",
                }[lang]
                assert stderr == expected
                assert nothing_kept
    assert i18n._speaking.get() is None
