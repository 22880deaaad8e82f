"""The server in-process: identity from the token only, login and logout, hostile requests
answered with SPEC §7's error object (never a 500), logs without secrets, the public face,
the typed routes and the OpenAPI document."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from campusgate import remote
from campusgate.cli import cli
from campusgate.models import Database
from campusgate.server import protocol
from tests.org import CITY, apply, on_ledger, snapshot
from tests.publication.helpers import YEAR, published, quotas


def invoke(argv: list[str], env: dict[str, str | None], stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, argv, env=env, input=stdin, catch_exceptions=False)


def test_exit_codes_and_statuses_map_one_to_one() -> None:
    assert sorted(protocol.EXIT_STATUS) == [0, 1, 2, 3, 4, 5, 6]
    assert len(set(protocol.EXIT_STATUS.values())) == len(protocol.EXIT_STATUS)
    for code, status in protocol.EXIT_STATUS.items():
        assert protocol.exit_of(status) == code


def test_as_is_refused_in_remote_mode(
    db: Database, in_process: str, issued: dict[str, str]
) -> None:
    env = {"CAMPUSGATE_SERVER": in_process, "CAMPUSGATE_TOKEN": issued["li.na"]}
    before = snapshot(db)
    result = invoke(["--as", "admin", "org", "show", "--json"], env)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "as_remote"
    result = invoke(["item", "list"], {**env, "CAMPUSGATE_USER": "admin"})
    assert result.exit_code == 2 and "--as" in result.stderr
    assert snapshot(db) == before


def test_login_checks_the_token_and_keeps_it_readable_only_by_its_owner(
    db: Database, in_process: str, issued: dict[str, str], own_config_folder: Path
) -> None:
    result = invoke(["login", "--server", in_process + "/", "--json"], {}, issued["wang.fang"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["login"] == "wang.fang"
    stored = remote.credentials_path()
    assert stored.is_relative_to(own_config_folder)
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    assert json.loads(stored.read_text()) == {"url": in_process, "token": issued["wang.fang"]}
    whoami = invoke(["whoami", "--json"], {})
    assert json.loads(whoami.stdout)["login"] == "wang.fang"
    result = invoke(["logout"], {})
    assert result.exit_code == 0 and not stored.exists()


def test_login_to_a_plain_http_server_elsewhere_warns_that_the_token_travels_in_clear(
    db: Database, api: Any, issued: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for url, warned in (
        ("http://campusgate.jyj.example.gov.cn", True),
        ("https://campusgate.jyj.example.gov.cn", False),
        ("http://127.0.0.1:8470", False),
    ):
        monkeypatch.setattr(remote, "client_factory", lambda _, u=url: TestClient(api, base_url=u))
        result = invoke(["login", "--server", url, "--json"], {}, issued["wang.fang"])
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["login"] == "wang.fang"  # stdout stays one document
        warning = (
            f"注意：{url} 不是 https 地址：令牌将以明文经网络发送，"
            "请使用 https（或在服务器本机登录）\n"
        )
        assert result.stderr == (warning if warned else "")


def test_login_with_a_dead_token_stores_nothing(db: Database, in_process: str) -> None:
    result = invoke(["login", "--server", in_process], {}, "cg_1_nonsense\n")
    assert result.exit_code == 4
    assert not remote.credentials_path().exists()
    result = invoke(["login", "--server", "ftp://x"], {}, "cg_1_x\n")
    assert result.exit_code == 2


def test_an_unreachable_server_says_so(db: Database) -> None:
    env = {"CAMPUSGATE_SERVER": "http://127.0.0.1:9", "CAMPUSGATE_TOKEN": "cg_1_x"}
    result = invoke(["--lang", "en", "item", "list"], env)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: cannot reach the server http://127.0.0.1:9: connection refused "
        "(the server is not running, or the address or port is wrong)\n"
    )
    chinese = invoke(["item", "list"], env)
    assert chinese.exit_code == 1
    assert chinese.stderr == (
        "错误：无法连接服务器 http://127.0.0.1:9：连接被拒绝（服务器没有运行，或地址、端口不对）\n"
    )
    env["CAMPUSGATE_SERVER"] = "http://no-such-host.invalid"
    assert invoke(["item", "list"], env).stderr.endswith("：无法解析服务器的名称\n")


def test_https_to_a_plain_http_server_says_the_handshake_failed(db: Database) -> None:
    """Not 'operation not permitted', which the TLS error's own errno would read as."""
    import http.server
    import threading

    class Quiet(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    plain = http.server.HTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=plain.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{plain.server_address[1]}"
        env = {"CAMPUSGATE_SERVER": url, "CAMPUSGATE_TOKEN": "cg_1_x"}
        result = invoke(["item", "list"], env)
        assert result.exit_code == 1
        assert result.stderr == (
            f"错误：无法连接服务器 {url}："
            "TLS 握手失败（该地址可能不是 https 服务，或其证书不被信任）\n"
        )
    finally:
        plain.shutdown()
        plain.server_close()


def test_local_only_commands_stay_local(db: Database, in_process: str) -> None:
    env = {"CAMPUSGATE_SERVER": in_process, "CAMPUSGATE_TOKEN": "cg_1_x"}
    result = invoke(["--db", db.url, "db", "current", "--json"], env)
    assert result.exit_code == 0, result.stderr


def _run_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"command": ["item", "list"], "params": {"as_json": True}}
    body.update(overrides)
    return body


HOSTILE: list[tuple[str, dict[str, Any], int]] = [
    ("not json", {"content": b"{not json"}, 400),
    ("a list", {"json": [1, 2]}, 400),
    ("unknown key", {"json": _run_body(sneaky=1)}, 400),
    ("wrong type", {"json": _run_body(command="item list")}, 400),
    ("wrong type in params", {"json": _run_body(params={"as_json": True, "kind": {"a": 1}})}, 400),
    ("unknown parameter", {"json": _run_body(params={"as_json": True, "evil": "x"})}, 400),
    ("unknown command", {"json": _run_body(command=["rm", "-rf"])}, 400),
    ("a group", {"json": _run_body(command=["item"])}, 400),
    ("local only", {"json": _run_body(command=["db", "downgrade"])}, 400),
    ("demo", {"json": _run_body(command=["demo"])}, 400),
    ("bad language", {"json": _run_body(lang="fr")}, 400),
    ("bad base64", {"json": _run_body(files={"path": {"name": "a", "content": "%%%"}})}, 400),
    ("file for no parameter", {"json": _run_body(files={"x": {"name": "a", "content": ""}})}, 400),
    ("too large", {"content": b"x" * (protocol.MAX_BODY + 1)}, 413),
    ("wrong method", {"method": "GET"}, 405),
    ("no such route", {"url": "/api/v1/nothing"}, 404),
]


@pytest.mark.parametrize(("case", "request_kw", "status"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_requests_get_the_error_object(
    db: Database,
    client: TestClient,
    issued: dict[str, str],
    case: str,
    request_kw: dict[str, Any],
    status: int,
) -> None:
    kw = dict(request_kw)
    method = kw.pop("method", "POST")
    url = kw.pop("url", protocol.RUN_PATH)
    headers = {"Authorization": f"Bearer {issued['admin']}", "Content-Type": "application/json"}
    before = snapshot(db)
    answer = client.request(method, url, headers=headers, **kw)
    assert answer.status_code == status, answer.text
    body = answer.json()
    error = body["error"]
    assert set(error) == {"code", "message", "exit"}
    assert error["exit"] == protocol.exit_of(status)
    assert "Traceback" not in answer.text
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic YWRtaW46YWRtaW4=", "Bearer cg_x_y", "Bearer " + "9" * 5000],
)
def test_no_live_token_is_401(client: TestClient, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    answer = client.post(protocol.RUN_PATH, json=_run_body(), headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["exit"] == 4
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", protocol.WHOAMI_PATH, None),
        ("GET", "/api/v1/items?kind=bogus", None),
        ("GET", "/api/v1/items/abc", None),
        ("GET", "/api/v1/items/1", None),
        ("POST", "/api/v1/advance", {"trigger": "review", "item_ids": ["abc", 1]}),
        ("POST", "/api/v1/advance", {"trigger": "bogus", "item_ids": [1]}),
        ("POST", "/api/v1/advance", {"trigger": "amend", "item_ids": [1]}),
        ("POST", "/api/v1/advance", {"trigger": "file", "item_ids": [1]}),  # lacks its params
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer cg_1_wrong"])
def test_typed_routes_check_the_token_before_anything_else(
    db: Database,
    client: TestClient,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    authorization: str | None,
) -> None:
    """The typed routes check the token inside the service's own transaction, and still
    before its input: no live token is 401 (exit 4), whatever else is wrong, nothing done."""
    item_id = apply(db, "li.na")
    before = snapshot(db)
    headers = {"Authorization": authorization} if authorization is not None else {}
    answer = client.request(method, url.replace("/1", f"/{item_id}"), json=body, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] in ("token_missing", "token_invalid")
    assert answer.json()["error"]["exit"] == 4
    assert snapshot(db) == before


def test_typed_routes_log_the_token_user(
    db: Database,
    client: TestClient,
    issued: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    item_id = apply(db, "li.na")
    headers = {"Authorization": f"Bearer {issued['wang.fang']}"}
    with caplog.at_level(logging.INFO, logger="campusgate.server"):
        shown = client.get(f"/api/v1/items/{item_id}", headers=headers)
        advanced = client.post(
            "/api/v1/advance", json={"trigger": "review", "item_ids": [item_id]}, headers=headers
        )
    assert shown.status_code == 200 and advanced.status_code == 200, advanced.text
    assert advanced.json()["results"][0]["state"] == "reviewed"
    lines = [r.getMessage() for r in caplog.records]
    assert sum("user=wang.fang" in line and " 200 " in line for line in lines) == 2, lines


@pytest.mark.parametrize(
    ("method", "url", "body", "zh", "en"),
    [
        ("POST", "/api/v1/advance", {"item_ids": [1]}, "缺少 trigger", "trigger: field required"),
        (
            "POST",
            "/api/v1/advance",
            {"trigger": "review", "item_ids": 5},
            "item_ids 应为列表",
            "item_ids: should be a list",
        ),
        (
            "POST",
            "/api/v1/advance",
            {"trigger": "review", "item_ids": [1], "why": "x"},
            "不认识的字段 why",
            "why: unknown field",
        ),
        (
            "GET",
            "/public/whitelists/鹤壁市/2027.pdf",
            None,
            "path.fmt 应为 'html' 或 'json'",
            "path.fmt: should be 'html' or 'json'",
        ),
        ("GET", "/public/check", None, "缺少 query.school", "query.school: field required"),
        # curl's default: form data
        (
            "POST",
            "/api/v1/advance",
            ("application/x-www-form-urlencoded", b"trigger=review&item_ids=1"),
            "请求体须为 JSON 对象（Content-Type: application/json）",
            "the body must be a JSON object (Content-Type: application/json)",
        ),
        (
            "POST",
            "/api/v1/advance",
            ("application/json", b'["review", 1]'),
            "请求体须为 JSON 对象（Content-Type: application/json）",
            "the body must be a JSON object (Content-Type: application/json)",
        ),
        (
            "POST",
            "/api/v1/advance",
            ("application/json", b'{"trigger": "review",'),
            "请求体不是有效的 JSON",
            "the body is not valid JSON",
        ),
        (
            "POST",
            "/api/v1/advance",
            {"trigger": "review", "item_ids": []},
            "item_ids 不能为空",
            "item_ids: must not be empty",
        ),
        (
            "POST",
            "/api/v1/advance",
            {"trigger": "review", "item_ids": list(range(1, 1002))},
            "item_ids 太长（最多 1000 项）",
            "item_ids: too long (at most 1000 items)",
        ),
        (
            "POST",
            "/api/v1/advance",
            {"trigger": "review", "item_ids": [1.5]},
            "item_ids.0 应为整数",
            "item_ids.0: should be an integer",
        ),
        (
            "POST",
            protocol.RUN_PATH,
            {"command": []},
            "command 不能为空",
            "command: must not be empty",
        ),
        (
            "POST",
            protocol.RUN_PATH,
            {"command": ["item", "show"], "params": [1]},
            "params 应为对象",
            "params: should be an object",
        ),
        (
            "GET",
            "/api/v1/advance",
            None,
            "/api/v1/advance 不接受 GET 请求",
            "/api/v1/advance does not take GET requests",
        ),
    ],
)
def test_refused_requests_say_why_in_the_readers_language(
    db: Database,
    client: TestClient,
    issued: dict[str, str],
    method: str,
    url: str,
    body: dict[str, Any] | tuple[str, bytes] | None,
    zh: str,
    en: str,
) -> None:
    """``body``: sent as JSON, or as (content type, bytes)."""
    headers = {"Authorization": f"Bearer {issued['wang.fang']}"}
    sent: dict[str, Any] = {"json": body}
    if isinstance(body, tuple):
        headers["Content-Type"] = body[0]
        sent = {"content": body[1]}
    before = snapshot(db)
    chinese = client.request(method, url, headers=headers, **sent)
    english = client.request(method, url, headers=headers | {"Accept-Language": "en"}, **sent)
    assert chinese.status_code == english.status_code and chinese.status_code in (400, 405)
    assert chinese.json()["error"]["message"] == f"请求无效：{zh}"
    assert english.json()["error"]["message"] == f"invalid request: {en}"
    assert chinese.json()["error"]["exit"] == 2
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("error", "zh", "en"),
    [
        (
            {"type": "string_too_short", "loc": ("body", "name"), "ctx": {"min_length": 1}},
            "name 不能为空",
            "name: must not be empty",
        ),
        (
            {"type": "string_too_short", "loc": ("body", "name"), "ctx": {"min_length": 3}},
            "name 太短（至少 3 个字符）",
            "name: too short (at least 3 characters)",
        ),
        (
            {"type": "greater_than_equal", "loc": ("query", "year"), "ctx": {"ge": 2000}},
            "query.year 应不小于 2000",
            "query.year: should be at least 2000",
        ),
        (
            {"type": "int_from_float", "loc": ("body", "item_ids", 0, "int")},
            "item_ids.0 应为整数",
            "item_ids.0: should be an integer",
        ),
        (
            {"type": "dict_type", "loc": ("body",)},
            "请求体须为 JSON 对象（Content-Type: application/json）",
            "the body must be a JSON object (Content-Type: application/json)",
        ),
    ],
)
def test_pydantic_errors_no_route_meets_yet_are_worded_too(
    error: dict[str, Any], zh: str, en: str
) -> None:
    from campusgate.server.api import _validation_detail

    assert (_validation_detail(error, "zh"), _validation_detail(error, "en")) == (zh, en)


@pytest.mark.parametrize(
    ("accept", "start"),
    [
        (None, "请求过大"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "请求过大"),
        ("en-US,en;q=0.9", "the request"),
    ],
)
def test_a_request_too_large_speaks_as_every_other_refusal(
    db: Database, client: TestClient, issued: dict[str, str], accept: str | None, start: str
) -> None:
    """The 413 reads the reader's language by the same rule as every other refusal: the
    language asked for first."""
    headers = {"Authorization": f"Bearer {issued['admin']}", "Content-Type": "application/json"}
    if accept is not None:
        headers["Accept-Language"] = accept
    before = snapshot(db)
    answer = client.post(protocol.RUN_PATH, content=b"x" * (protocol.MAX_BODY + 1), headers=headers)
    assert answer.status_code == 413
    assert answer.json()["error"]["message"].startswith(start)
    assert "20 MB" in answer.json()["error"]["message"]
    assert snapshot(db) == before


def test_logs_name_the_user_and_status_but_no_secret(
    db: Database,
    client: TestClient,
    issued: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    reporter = "举报人 13800000000"
    token = issued["wang.fang"]
    params = {
        "as_json": True,
        "jurisdiction": CITY,
        "source": "hotline",
        "aspect": "inspections",
        "summary": "摘要",
        "reporter": reporter,
    }
    with caplog.at_level(logging.INFO, logger="campusgate.server"):
        answer = client.post(
            protocol.RUN_PATH,
            json={"command": ["clue", "add"], "params": params},
            headers={"Authorization": f"Bearer {token}"},
        )
        client.post(protocol.RUN_PATH, json=_run_body(), headers={"Authorization": "Bearer x"})
    assert answer.status_code == 200, answer.text
    lines = [r.getMessage() for r in caplog.records]
    assert any("user=wang.fang" in line and " 200 " in line for line in lines), lines
    assert any(" 401 " in line and "user=-" in line for line in lines), lines
    secret = token.split("_", 2)[2]
    for line in lines:
        assert secret not in line and "13800000000" not in line


def test_uploads_and_downloads(
    db: Database, in_process: str, issued: dict[str, str], tmp_path: Path
) -> None:
    env = {"CAMPUSGATE_SERVER": in_process, "CAMPUSGATE_TOKEN": issued["admin"]}
    out = tmp_path / "diagram.mmd"
    result = invoke(["workflow", "diagram", "--output", str(out)], env)
    assert result.exit_code == 0, result.stderr
    assert "stateDiagram" in out.read_text(encoding="utf-8")
    # exports land on the user's PC, under the name given, never on the server
    on_ledger(db)
    ledger = tmp_path / "台账.csv"
    result = invoke(
        ["ledger", "export", "--jurisdiction", CITY, "--format", "csv", "--output", str(ledger)],
        env,
    )
    assert result.exit_code == 0, result.stderr
    assert "问题线索" in ledger.read_text(encoding="utf-8-sig")
    # a download into a missing folder of the user's PC is refused there, as locally
    missing = tmp_path / "nonexist"
    argv = ["ledger", "export", "--jurisdiction", CITY, "--format", "csv"]
    before = snapshot(db)
    result = invoke([*argv, "--output", str(missing / "台账.csv")], env)
    assert result.exit_code == 2 and f"文件夹 {missing} 不存在" in result.stderr
    assert not missing.exists() and snapshot(db) == before
    org_file = tmp_path / "org.toml"
    org_file.write_text('[[school]]\nname = "新学校"\njurisdiction = "浚县"\n', encoding="utf-8")
    result = invoke(["org", "load", str(org_file), "--json"], env)
    assert result.exit_code == 0, result.stdout
    missing = tmp_path / "missing.toml"
    local = invoke(["--db", db.url, "--as", "admin", "org", "load", str(missing)], {})
    through = invoke(["org", "load", str(missing)], env)
    assert (through.exit_code, through.stderr) == (local.exit_code, local.stderr)


def test_typed_routes_give_the_spec_shapes(
    db: Database, client: TestClient, issued: dict[str, str]
) -> None:
    item_id = apply(db)
    auth = {"Authorization": f"Bearer {issued['li.na']}"}
    shown = client.get(f"/api/v1/items/{item_id}", headers=auth)
    assert shown.status_code == 200
    assert shown.json()["id"] == item_id and shown.json()["state"] == "submitted"
    assert "revoke" in shown.json()["actions"]
    listed = client.get("/api/v1/items", headers=auth)
    assert [i["id"] for i in listed.json()] == [item_id]
    # the same keys as item list --json and item show --json, no more
    from tests.cli.test_cli import ok_json

    assert listed.json() == ok_json(db, "li.na", "item list")
    second = apply(db, title="防溺水安全教育")
    paged = client.get(f"/api/v1/items?limit=1&after={item_id}", headers=auth).json()
    assert [i["id"] for i in paged] == [second]
    assert shown.json() == ok_json(db, "li.na", f"item show {item_id}")
    assert client.get("/api/v1/items/999", headers=auth).status_code == 404
    refused = client.post(
        "/api/v1/advance", json={"trigger": "file", "item_ids": [item_id]}, headers=auth
    )
    assert refused.status_code == 403
    assert refused.json()["results"][0]["error"]["exit"] == 4
    unknown = client.post(
        "/api/v1/advance", json={"trigger": "frobnicate", "item_ids": [item_id]}, headers=auth
    )
    assert unknown.status_code == 400
    assert unknown.json()["results"][0]["error"]["code"] == "unknown_trigger"
    done = client.post(
        "/api/v1/advance",
        json={"trigger": "审核", "item_ids": [item_id]},  # a trigger's label names it too
        headers={"Authorization": f"Bearer {issued['wang.fang']}"},
    )
    assert done.status_code == 200, done.text
    assert done.json() == {
        "results": [
            {"id": item_id, "ok": True, "kind": "whitelist", "state": "reviewed", "error": None}
        ]
    }


def test_the_public_face_needs_no_token(db: Database, client: TestClient) -> None:
    quotas(db)
    item_id = published(db, title="防溺水安全教育进校园")
    page = client.get(f"/public/whitelists/{CITY}/{YEAR}.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"{CITY}{YEAR}年度社会事务进校园白名单" in page.text
    assert "防溺水安全教育进校园" in page.text
    assert f'<td data-label="编号">{item_id}</td>' in page.text  # what the gate asks for
    data = client.get(f"/public/whitelists/{CITY}/{YEAR}.json").json()
    assert [(row["编号"], row["事项名称"]) for row in data["items"]] == [
        (item_id, "防溺水安全教育进校园")
    ]
    assert client.get("/public/whitelists/nowhere/2027.json").json()["error"]["exit"] == 3
    assert client.get(f"/public/whitelists/{CITY}/2027.json").json()["error"]["exit"] == 3
    assert client.get(f"/public/whitelists/{CITY}/20x7.json").status_code == 400
    # a link a reader followed to a page: a page that says why, in the reader's language
    for path, said in (
        (f"/public/whitelists/{CITY}/2027.html", "2027 年度没有已发布的白名单事项"),
        ("/public/whitelists/鹤壁是/2026.html", "是否指"),
    ):
        page = client.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert said in page.text and "<h1>" in page.text and '"error"' not in page.text
    odd_year = client.get(f"/public/whitelists/{CITY}/abc.html").text
    assert "年度" in odd_year and "--year" not in odd_year  # no CLI option on a public page
    odd_item = client.get("/public/check?school=淇滨区实验小学&item=-1").json()
    assert odd_item["error"]["message"] == "编号 “-1” 无效，应为正整数"
    unknown = client.get("/public/whitelists/鹤壁是/2026.html").text
    assert "<h1>社会事务进校园白名单</h1>" in unknown and "鹤壁是2026" not in unknown
    english = client.get(f"/public/whitelists/{CITY}/2027.html", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "has published no whitelist items" in english.text
    # the school gate: an answer, not an error, for whoever stands at it
    gate = f"/public/check?school=淇滨区实验小学&item={item_id}"
    allowed = client.get(f"{gate}&date={YEAR}-05-01").json()
    assert (allowed["allowed"], allowed["reason"]) == (True, None)
    later = client.get(f"{gate}&date={YEAR + 1}-05-01").json()
    assert (later["allowed"], later["reason"]) == (False, "wrong_year")
    assert client.get(f"{gate}&date=2026-02-30").status_code == 400
    assert client.get("/public/check?school=无此学校&item=1").json()["error"]["exit"] == 3


def test_the_openapi_document_describes_the_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        protocol.RUN_PATH,
        protocol.WHOAMI_PATH,
        "/api/v1/items/{item_id}",
        "/api/v1/advance",
    ):
        assert path in paths
    assert client.get("/docs").status_code == 200


def test_every_file_a_command_writes_is_a_download_in_remote_mode() -> None:
    """A file parameter that is not a ``click.Path`` would be written on the server instead
    of the user's PC: every command's ``--output`` is one, so the client downloads it."""
    from campusgate.server.runner import OUTPUT_PARAMS

    def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        found = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += commands(command, (*path, name))
            else:
                found.append((*path, name))
        return found

    for path in commands(cli):
        command = cli
        for name in path:
            command = command.commands[name]  # type: ignore[attr-defined]
        for param in command.params:
            if param.name in OUTPUT_PARAMS:
                assert isinstance(param.type, click.Path), (path, param.name)


def test_a_server_that_does_not_answer_in_time_may_still_be_at_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that times out is no refusal: the request went; the outcome is unknown. And an
    address where something else listens is said to be no HTTP server."""
    import socket
    import threading

    monkeypatch.setattr(remote, "ANSWER_TIMEOUT", 1.0)
    held: list[socket.socket] = []
    with socket.socket() as silent, socket.socket() as closing:
        for listener in (silent, closing):
            listener.bind(("127.0.0.1", 0))
            listener.listen()

        def hold() -> None:  # accepts, reads, never answers
            conn, _ = silent.accept()
            held.append(conn)
            conn.recv(65536)

        def hang_up() -> None:  # reads the request, closes without a word (not HTTP)
            conn, _ = closing.accept()
            conn.settimeout(0.3)
            try:
                while conn.recv(65536):
                    pass
            except TimeoutError:
                pass
            conn.shutdown(socket.SHUT_RDWR)
            conn.close()

        threading.Thread(target=hold, daemon=True).start()
        threading.Thread(target=hang_up, daemon=True).start()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        slow = invoke(["item", "list"], {"CAMPUSGATE_SERVER": url, "CAMPUSGATE_TOKEN": "cg_1_x"})
        assert slow.exit_code == 1
        assert slow.stderr == (
            f"错误：服务器 {url} 在 1 秒内没有答复：请求已送达，可能仍在服务器上执行；"
            "请稍后查看结果（如 item list），不要立即重试\n"
        )
        other = f"http://127.0.0.1:{closing.getsockname()[1]}"
        env = {"CAMPUSGATE_SERVER": other, "CAMPUSGATE_TOKEN": "cg_1_x"}
        hung_up = invoke(["item", "list"], env)
        assert hung_up.exit_code == 1
        assert hung_up.stderr.endswith("该地址的程序没有按 HTTP 答复（不是 campusgate 服务器？）\n")
    for conn in held:
        conn.close()


def test_a_drill_date_refused_by_the_server_names_the_servers_configuration(
    db: Database, issued: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from campusgate.server.api import create_app
    from campusgate.workflow.config import load_settings

    strict = tmp_path / "server.toml"
    strict.write_text("[clock]\nallow_override = false\n", encoding="utf-8")
    app = create_app(load_settings(str(strict), db.url), db)
    monkeypatch.setattr(remote, "client_factory", lambda url: TestClient(app, base_url=url))
    env = {"CAMPUSGATE_SERVER": "http://testserver", "CAMPUSGATE_TOKEN": issued["li.na"]}
    before = snapshot(db)
    result = invoke(["--today", "2027-01-05", "item", "list"], env)
    assert result.exit_code == 2
    assert "须在服务器的配置文件中设置 [clock] allow_override = true" in result.stderr
    assert snapshot(db) == before
