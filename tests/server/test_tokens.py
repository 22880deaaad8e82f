"""Personal tokens: issued once, stored as a hash, listed without secrets, revoked; each an
organisation event that ``audit verify`` replays. A token that is not live opens nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from campusgate.cli import cli
from campusgate.models import Database, Token
from campusgate.workflow import audit, tokens
from campusgate.workflow.clock import local_text, now_utc, utc_text
from tests.cli.test_cli import document, ok, ok_json, refused, refused_json
from tests.cli.test_trust import behind_the_back
from tests.org import snapshot


def remote(url: str, token: str, *argv: str) -> tuple[int, str, str]:
    env = {"CAMPUSGATE_SERVER": url, "CAMPUSGATE_TOKEN": token}
    result = CliRunner().invoke(cli, list(argv), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_token_is_shown_once_and_only_its_hash_is_kept(db: Database) -> None:
    issued = ok_json(db, "admin", "token issue li.na --expires-days 30 --note 办公室电脑")
    assert set(issued) == {"id", "login", "token", "expires"}
    assert issued["login"] == "li.na"
    secret = issued["token"].split("_", 2)[2]
    assert len(secret) >= 43  # 32 random bytes, base64
    with db.read() as session:
        row = session.scalars(select(Token)).one()
        stored = [str(v) for v in (row.secret_hash, row.note, row.login)]
    assert all(secret not in value for value in stored)
    listed = ok_json(db, "admin", "token list")
    assert [t["id"] for t in listed] == [issued["id"]]
    assert all(secret not in str(v) for v in listed[0].values())
    assert listed[0]["note"] == "办公室电脑" and listed[0]["revoked"] is None
    assert listed[0]["state"] == "live"


def test_token_list_says_which_tokens_still_open_the_server(db: Database) -> None:
    live = ok_json(db, "admin", "token issue li.na")["id"]
    gone = ok_json(db, "admin", "token issue wang.fang")["id"]
    old = ok_json(db, "admin", "token issue zhao.lei --expires-days 1")["id"]
    ok(db, "admin", f"token revoke {gone}")
    with db.write() as session:  # a day later, as far as the token is concerned
        session.get(Token, old).expires_at -= timedelta(days=2)
    states = {t["id"]: t["state"] for t in ok_json(db, "admin", "token list")}
    assert states == {live: "live", gone: "revoked", old: "expired"}
    table = ok(db, "admin", "token list").stdout
    assert "有效" in table and "已吊销" in table and "已过期" in table


def test_only_an_admin_issues_lists_and_revokes(db: Database) -> None:
    refused(db, "li.na", "token issue li.na", exit=4)
    refused(db, "li.na", "token list", exit=4)
    token_id = ok_json(db, "admin", "token issue li.na")["id"]
    refused(db, "wang.fang", f"token revoke {token_id}", exit=4)
    refused_json(db, "admin", "token issue nobody", exit=3, code="no_user")
    refused_json(db, "admin", "token revoke 999", exit=3, code="no_token")
    refused_json(db, "admin", "token issue li.na --expires-days 0", exit=2, code="number_too_small")


def test_issuing_and_revoking_are_organisation_events_that_verify_replays(db: Database) -> None:
    token_id = ok_json(db, "admin", "token issue li.na")["id"]
    ok_json(db, "admin", f"token revoke {token_id}")
    with db.read() as session:
        actions = session.execute(
            text("SELECT action, actor FROM org_events WHERE entity = 'token' ORDER BY seq")
        ).all()
    assert [tuple(a) for a in actions] == [("issued", "admin"), ("revoked", "admin")]
    assert ok_json(db, "admin", "audit verify")["ok"] is True
    behind_the_back(db, "UPDATE tokens SET revoked_at = NULL")
    with db.read() as session:
        verdict = audit.verify(session)
    assert not verdict.ok
    assert verdict.first_broken and verdict.first_broken["entity"] == "token"


def test_revoking_a_revoked_token_says_so_and_changes_nothing(db: Database) -> None:
    token_id = ok_json(db, "admin", "token issue li.na")["id"]
    first = ok(db, "admin", f"token revoke {token_id}")
    assert first.stdout == f"令牌 {token_id} 已吊销\n"
    with db.read() as session:
        revoked_at = session.get(Token, token_id).revoked_at
    when = local_text(revoked_at)
    before = snapshot(db)
    again = ok(db, "admin", f"token revoke {token_id}")
    assert again.stdout == f"令牌 {token_id} 已于 {when} 吊销，未再改动\n"
    english = ok(db, "admin", f"--lang en token revoke {token_id}")
    assert english.stdout == f"token {token_id} was already revoked on {when}; nothing changed\n"
    data = ok_json(db, "admin", f"token revoke {token_id}")
    assert data["already_revoked"] is True and data["revoked"] == utc_text(revoked_at)
    assert snapshot(db) == before  # no second event, the first time kept
    fresh = ok_json(db, "admin", "token issue li.na")["id"]
    assert ok_json(db, "admin", f"token revoke {fresh}")["already_revoked"] is False


def test_a_token_opens_the_server_until_it_is_revoked(
    db: Database, in_process: str, issued: dict[str, str]
) -> None:
    code, out, _ = remote(in_process, issued["li.na"], "whoami", "--json")
    assert code == 0
    assert document_of(out) == {
        "login": "li.na",
        "name": "李娜",
        "roles": ["applicant"],
        "jurisdiction": "鹤壁市",
        "department": "市卫健委",
    }
    token_id = int(issued["li.na"].split("_")[1])
    tokens.revoke(db, "admin", token_id)
    before = snapshot(db)
    code, out, err = remote(in_process, issued["li.na"], "item", "list", "--json")
    assert code == 4
    assert document_of(out)["error"]["code"] == "token_invalid"
    assert err == ""
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "spoil",
    ["expired", "unknown", "wrong secret", "malformed", "user removed", "missing"],
)
def test_a_token_that_is_not_live_is_exit_4_and_does_nothing(
    db: Database, in_process: str, issued: dict[str, str], spoil: str
) -> None:
    token = issued["li.na"]
    token_id = int(token.split("_")[1])
    if spoil == "expired":
        past = (now_utc() - timedelta(seconds=1)).replace(tzinfo=None)
        behind_the_back(db, "UPDATE tokens SET expires_at = :t WHERE id = :i", t=past, i=token_id)
    elif spoil == "unknown":
        token = f"cg_{token_id + 1000}_{token.split('_', 2)[2]}"
    elif spoil == "wrong secret":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif spoil == "malformed":
        token = "Bearer; DROP TABLE tokens"
    elif spoil == "user removed":
        behind_the_back(db, "UPDATE tokens SET login = 'gone' WHERE id = :i", i=token_id)
    else:
        token = ""
    before = snapshot(db)
    argv = ["apply", "--department", "市卫健委", "--title", "T", "--year", "2027"]
    code, out, err = remote(in_process, token, *argv, "--basis-kind", "law", "--basis-doc", "D")
    assert code == 4, (out, err)
    assert out == "" and err.startswith("错误：")
    assert snapshot(db) == before


def document_of(out: str) -> dict[str, object]:
    class Result:
        stdout = out

    return document(Result)  # type: ignore[arg-type]
