"""Trust (SPEC §2, §5, §7, §8): nobody grants themselves a role, every organisation change is
audited, ``audit verify`` catches whole items deleted, rows changed behind the program's back
and organisation changes made outside it, checkpoints anchor the log outside the database.

Everything under test goes through the CLI, on SQLite and PostgreSQL; every refusal is checked
for its exit code, its message and an unchanged database. The malicious DBA works with raw
SQL, the append-only triggers out of the way for that one transaction.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from campusgate.models import Database
from campusgate.workflow import audit, items
from campusgate.workflow.scope import Actor
from tests.cli.test_cli import ADMIN_ONLY, document, ok, ok_json, refused, run
from tests.org import CITY, COUNTY, COUNTY2, PROVINCE, clue, on_ledger, reviewed, snapshot

EVENT_TABLES = ("item_events", "org_events", "audit_checkpoints")


def behind_the_back(db: Database, *statements: str, **params: Any) -> None:
    """Raw SQL in one transaction with every trigger out of the way (then back in place)."""
    with db.engine.begin() as conn:
        if db.backend == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement), params)
            return
        triggers = conn.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        ).all()
        for name, _ in triggers:
            conn.execute(text(f"DROP TRIGGER {name}"))
        for statement in statements:
            conn.execute(text(statement), params)
        for _, sql in triggers:
            conn.execute(text(sql))


def org_events(db: Database, login: str = "admin", *extra: str) -> list[dict[str, Any]]:
    return ok_json(db, login, ["audit", "show", "--org", *extra])


def write(tmp_path: Path, content: str, name: str = "org.toml") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def broken(db: Database, login: str = "li.na", *extra: str) -> dict[str, Any]:
    """``audit verify --json`` must fail (5) and change nothing; its first break."""
    before = snapshot(db)
    result = run(db, login, ["audit", "verify", *extra, "--json"])
    assert result.exit_code == 5, (result.stdout, result.stderr)
    data = document(result)
    assert data["ok"] is False
    assert snapshot(db) == before
    return data["first_broken"]


def verified(db: Database, *extra: str) -> dict[str, Any]:
    return ok_json(db, "li.na", ["audit", "verify", *extra])


# --------------------------------------------------------------------------- 1. no self-grant


def test_nobody_grants_themselves_a_role(db: Database, tmp_path: Path) -> None:
    grant = f"org add-user li.na --role admin --role applicant --jurisdiction {CITY}"
    refused(db, "li.na", f"{grant} --department 市卫健委", exit=4, stderr=ADMIN_ONLY)
    # an unknown login cannot create itself as admin either
    mallory = f"org add-user mallory --role admin --jurisdiction {PROVINCE}"
    refused(db, "mallory", mallory, exit=3, contains=("mallory",))
    loaded = write(
        tmp_path,
        f'[[user]]\nlogin = "wang.fang"\nroles = ["admin", "reviewer"]\njurisdiction = "{CITY}"\n',
    )
    refused(db, "wang.fang", ["org", "load", str(loaded)], exit=4, stderr=ADMIN_ONLY)
    refused(db, "li.na", f"quota set --jurisdiction {CITY} --year 2027 --max 3", exit=4)


def test_an_admin_changes_their_own_roles(db: Database) -> None:
    add = f"org add-user city.admin --role admin --role approver --jurisdiction {CITY}"
    assert ok_json(db, "city.admin", add) == {"login": "city.admin", "outcome": "updated"}
    # and may even give up being an admin: the check used the roles held before
    drop = f"org add-user city.admin --role approver --jurisdiction {CITY}"
    assert ok_json(db, "city.admin", drop)["outcome"] == "updated"
    refused(db, "city.admin", drop, exit=4, stderr=ADMIN_ONLY)


# --------------------------------------------------------------------------- 2. org events


def test_every_organisation_change_writes_one_event(db: Database, tmp_path: Path) -> None:
    before = org_events(db)
    assert [e["seq"] for e in before] == list(range(1, len(before) + 1))
    ok(db, "admin", f"org add-jurisdiction 淇县 --level county --parent {CITY}")
    ok(db, "admin", "org add-department 淇县卫健委 --jurisdiction 淇县")
    ok(db, "admin", "org add-school 淇县第一中学 --jurisdiction 淇县")
    ok(
        db,
        "admin",
        "org add-user ma.li --role applicant --jurisdiction 淇县 --department 淇县卫健委",
    )
    ok(
        db,
        "admin",
        "org add-user ma.li --role applicant --role reviewer --jurisdiction 淇县"
        " --department 淇县卫健委",
    )
    ok(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 12 --per-school 6")
    ok(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 10")
    # adding again changes nothing and writes nothing
    ok(db, "admin", "org add-school 淇县第一中学 --jurisdiction 淇县")
    new = org_events(db)[len(before) :]
    assert [(e["entity"], e["key"], e["action"]) for e in new] == [
        ("jurisdiction", "淇县", "created"),
        ("department", "淇县卫健委", "created"),
        ("school", "淇县第一中学", "created"),
        ("user", "ma.li", "created"),
        ("user", "ma.li", "updated"),
        ("quota", f"{CITY}/2027", "created"),
        ("quota", f"{CITY}/2027", "updated"),
    ]
    assert {e["actor"] for e in new} == {"admin"}
    assert {e["as_of"] for e in new} == {"2026-12-01"}
    role_change = new[4]
    assert role_change["before"]["roles"] == ["applicant"]
    assert role_change["after"]["roles"] == ["applicant", "reviewer"]
    assert role_change["after"]["department"] == "淇县卫健委"
    assert (new[6]["before"], new[6]["after"]) == (
        {"max_items": 12, "per_school_max": 6},
        {"max_items": 10, "per_school_max": 6},  # quota set without --per-school keeps it
    )
    assert verified(db)["ok"] is True


def test_refused_organisation_changes_write_no_event(db: Database, tmp_path: Path) -> None:
    for login, command, code in [
        ("li.na", f"org add-school 新学校 --jurisdiction {CITY}", 4),
        ("admin", "org add-school 新学校 --jurisdiction 火星市", 3),
        ("admin", f"org add-user bad/login --role reviewer --jurisdiction {CITY}", 2),
    ]:
        refused(db, login, command, exit=code)  # snapshot covers org_events


def test_the_organisation_chain_is_sha256_over_the_previous_hash(db: Database) -> None:
    with db.read() as session:
        from campusgate.models import OrgEvent

        prev = ""
        for event in session.query(OrgEvent).order_by(OrgEvent.seq):
            assert event.prev_hash == prev
            assert event.hash == audit.chain_hash(prev, audit.org_canonical(event))
            prev = event.hash
        assert prev


def test_audit_show(db: Database) -> None:
    item_id = reviewed(db)
    shown = ok_json(db, "li.na", f"audit show --item {item_id}")
    assert [(e["chain"], e["item_id"], e["trigger"]) for e in shown] == [
        ("item", item_id, "apply"),
        ("item", item_id, "review"),
    ]
    everything = ok_json(db, "admin", "audit show")
    assert {e["chain"] for e in everything} == {"item", "org"}
    assert [e["at"] for e in everything] == sorted(e["at"] for e in everything)
    assert ok_json(db, "admin", "audit show --org --since 2999-01-01") == []
    assert len(ok_json(db, "admin", "audit show --since 2000-01-01")) == len(everything)
    human = ok(db, "li.na", f"--lang en audit show --item {item_id}").stdout.splitlines()
    assert len(human) == 2 and "li.na" in human[0] and "wang.fang" in human[1]
    audit_only = (
        "错误：只有管理员（admin）可以查看组织与全部事项的审计记录；查看单个事项的请用 --item ID\n"
    )
    refused(db, "li.na", "audit show --org", exit=4, stderr=audit_only)
    refused(db, "li.na", "audit show", exit=4, stderr=audit_only)
    refused(db, "zhou.qiang", f"audit show --item {item_id}", exit=4)
    refused(db, "li.na", "audit show --item 999", exit=3)
    refused(db, "admin", f"audit show --item {item_id} --org", exit=2)
    refused(db, "admin", "audit show --org --since 2026-13-01", exit=2)


# --------------------------------------------------------------------------- 3. verify


@pytest.fixture
def story(db: Database) -> dict[str, int]:
    """An application (reviewed), a rectification item on the ledger, the newest clue."""
    app = reviewed(db)
    ledger = on_ledger(db)
    newest = clue(db)
    return {"app": app, "ledger": ledger, "newest": newest}


def test_the_newest_item_deleted_with_its_events(
    db: Database, story: dict[str, int], tmp_path: Path
) -> None:
    kept = tmp_path / "checkpoints.txt"
    printed = ok(db, "admin", "audit checkpoint").stdout
    kept.write_text(printed, encoding="utf-8")
    assert verified(db, "--against", str(kept))["ok"] is True
    newest = story["newest"]
    behind_the_back(
        db,
        "DELETE FROM item_events WHERE item_id = :i",
        "DELETE FROM items WHERE id = :i",
        i=newest,
    )
    # the checkpoint recorded in the database sees it
    found = broken(db)
    assert found["chain"] == "checkpoint" and found["detail_code"] == "checkpoint_counts"
    message = refused(db, "li.na", "--lang en audit verify", exit=5, lang="en").stderr
    assert "checkpoint 1 (database)" in message and "items 3 → 2" in message
    # a DBA who also deletes the checkpoints passes verify inside the database …
    behind_the_back(db, "DELETE FROM audit_checkpoints")
    assert verified(db)["ok"] is True
    # … but not against the digest kept elsewhere
    found = broken(db, "li.na", "--against", str(kept))
    assert (found["chain"], found["source"]) == ("checkpoint", str(kept))
    message = refused(db, "li.na", ["audit", "verify", "--against", str(kept)], exit=5).stderr
    assert str(kept) in message and "检查点" in message


def test_a_log_that_grew_after_a_checkpoint_still_agrees(
    db: Database, story: dict[str, int], tmp_path: Path
) -> None:
    kept = tmp_path / "checkpoint.json"
    kept.write_text(run(db, "admin", "audit checkpoint --json").stdout, encoding="utf-8")
    mark = json.loads(kept.read_text(encoding="utf-8"))
    assert mark["format"] == audit.CHECKPOINT_FORMAT
    assert (mark["items"], mark["item_events"]) == (3, 2 + 3 + 1)
    items.fire(db, "wang.fang", story["newest"], "review")
    ok(db, "admin", f"org add-school 淇滨区第二小学 --jurisdiction {COUNTY}")
    second = ok_json(db, "admin", "audit checkpoint")
    assert second["checkpoint"] == 2 and second["head"] != mark["head"]
    both = tmp_path / "both.json"
    both.write_text(json.dumps([mark, second]), encoding="utf-8")
    assert verified(db, "--against", str(both))["ok"] is True
    gone = tmp_path / "gone.json"
    refused(
        db,
        "li.na",
        ["audit", "verify", "--against", str(gone)],
        exit=2,
        stderr=f"错误：检查点文件 {gone} 无效：文件或文件夹不存在\n",
    )
    # an event rewritten (hash recomputed) before the checkpoint: the head shows it
    behind_the_back(
        db,
        "UPDATE item_events SET reason = 'x', hash = :h WHERE item_id = :i AND seq = 1",
        h="0" * 64,
        i=story["app"],
    )
    assert broken(db, "li.na", "--against", str(both))["chain"] == "item"


def test_checkpoint_is_for_admins_and_the_scheduler(db: Database) -> None:
    refused(db, "li.na", "audit checkpoint", exit=4, stderr=ADMIN_ONLY)
    mark = audit.checkpoint(db, "system:checkpoint", actor=Actor.system("checkpoint"))
    assert mark["actor"] == "system:checkpoint" and mark["as_of"] == "2026-12-01"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("", "no checkpoint"),
        ('{"head": 5}\n', "head"),
        ('{"head": "x", "items": 1}', "item_events"),
        ("[1]", "not an object"),
        ("{oops\n", "line 1"),
    ],
)
def test_a_bad_checkpoint_file_is_invalid_input(
    db: Database, tmp_path: Path, content: str, named: str
) -> None:
    path = write(tmp_path, content, "kept.txt")
    refused(
        db,
        "li.na",
        ["audit", "verify", "--against", str(path)],
        exit=2,
        contains=(str(path), named),
    )
    missing = tmp_path / "nowhere.txt"
    refused(db, "li.na", ["audit", "verify", "--against", str(missing)], exit=2)


#: Item columns changed by direct SQL, the value, and the field verify names.
ROW_EDITS = [
    ("state = 'published'", "state"),
    ("applied_by_id = (SELECT id FROM users WHERE login = 'sun.hao')", "applied_by"),
    ("reviewed_by_id = (SELECT id FROM users WHERE login = 'liu.yang')", "reviewed_by"),
    ("ratified_by_id = (SELECT id FROM users WHERE login = 'he.jun')", "ratified_by"),
    ("deadline = '2099-12-31'", "deadline"),
    ("owner_id = (SELECT id FROM users WHERE login = 'wang.fang')", "owner"),
    ("version = version + 1", "tail"),
]


@pytest.mark.parametrize(("edit", "field"), ROW_EDITS)
def test_an_item_row_changed_by_direct_sql(
    db: Database, story: dict[str, int], edit: str, field: str
) -> None:
    item_id = story["ledger"] if field in ("deadline", "owner") else story["app"]
    behind_the_back(db, f"UPDATE items SET {edit} WHERE id = :i", i=item_id)
    found = broken(db)
    assert found["item_id"] == item_id
    if field != "tail":
        assert found["detail_code"] == "item_row_mismatch"
        assert found["what"].startswith(field)
        message = refused(db, "li.na", "audit verify", exit=5).stderr
        assert f"事项 {item_id}" in message and field in message


def test_an_organisation_change_made_outside_the_program(db: Database) -> None:
    behind_the_back(
        db,
        "INSERT INTO user_roles (user_id, role) "
        "SELECT id, 'admin' FROM users WHERE login = 'li.na'",
    )
    found = broken(db)
    assert (found["chain"], found["entity"], found["key"]) == ("org", "user", "li.na")
    message = refused(db, "li.na", "--lang en audit verify", exit=5, lang="en").stderr
    assert "organisation" in message and "user li.na" in message
    assert "roles ['admin', 'applicant'] ≠ ['applicant']" in message


@pytest.mark.parametrize(
    "statements",
    [
        ("UPDATE schools SET jurisdiction_id = 1 WHERE name = '浚县第一中学'",),
        ("UPDATE quotas SET max_items = 99",),
        ("INSERT INTO departments (name, jurisdiction_id) VALUES ('影子部门', 1)",),
        ("UPDATE org_events SET actor = 'x' WHERE seq = 2",),
        ("DELETE FROM org_events WHERE seq = 3",),
    ],
)
def test_organisation_tampering_is_caught(db: Database, statements: tuple[str, ...]) -> None:
    ok(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 5")
    behind_the_back(db, *statements)
    assert broken(db)["chain"] == "org"


def test_verify_counts_every_event_even_after_a_break(db: Database, story: dict[str, int]) -> None:
    total = verified(db)["events"]
    behind_the_back(
        db, "UPDATE item_events SET reason = 'x' WHERE item_id = :i AND seq = 1", i=story["app"]
    )
    result = run(db, "li.na", "audit verify --json")
    assert result.exit_code == 5
    assert document(result)["events"] == total == 2 + 3 + 1


def test_the_event_tables_refuse_change_and_truncate(db: Database, story: dict[str, int]) -> None:
    audit.checkpoint(db, "admin")
    before = snapshot(db)
    statements = [f"DELETE FROM {table}" for table in EVENT_TABLES]
    statements += ["UPDATE org_events SET actor = 'x'", "UPDATE audit_checkpoints SET head = 'x'"]
    if db.backend == "postgresql":
        statements += [f"TRUNCATE {table} CASCADE" for table in EVENT_TABLES]
    for statement in statements:
        with pytest.raises(DBAPIError) as excinfo, db.engine.begin() as conn:
            conn.execute(text(statement))
        assert "append-only" in str(excinfo.value), statement
    assert snapshot(db) == before


# --------------------------------------------------------------------------- 6, 7. org files


def test_no_silent_moves(db: Database, tmp_path: Path) -> None:
    refused(
        db,
        "admin",
        f"org add-school 浚县第一中学 --jurisdiction {COUNTY}",
        exit=5,
        stderr=f"错误：学校 “浚县第一中学” 已属于 {COUNTY2}，不能改到 {COUNTY}\n",
    )
    refused(
        db,
        "admin",
        f"--lang en org add-department 市卫健委 --jurisdiction {COUNTY}",
        exit=5,
        lang="en",
        stderr=f"error: department '市卫健委' already belongs to {CITY};"
        f" it cannot move to {COUNTY}\n",
    )
    moving = write(tmp_path, f'[[school]]\nname = "浚县第一中学"\njurisdiction = "{COUNTY}"\n')
    refused(db, "admin", ["org", "load", str(moving)], exit=5, contains=(COUNTY2,))


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ('[[users]]\nlogin = "x"\n', ("[[users]]", "[[user]]", "[[school]]")),
        (
            f'[[user]]\nlogin = "x"\nroles = "reviewer"\njurisdiction = "{CITY}"\n'
            'emial = "a@b.cn"\n',
            ("[[user]] #1", "emial", "email"),
        ),
        ('[[school]]\nname = "一中"\njurisdiction = "鹤壁市"\nlevel = 1\n', ("level",)),
        (
            '[[school]]\nname = "一中"\njurisdiction = "鹤壁市"\n'
            '[[school]]\nname = "一中"\njurisdiction = "浚县"\n',
            ("[[school]] #2", "一中", "[[school]] #1"),
        ),
        (
            f'[[user]]\nlogin = "x"\nroles = "reviewer"\njurisdiction = "{CITY}"\n'
            f'[[user]]\nlogin = "x"\nroles = "approver"\njurisdiction = "{CITY}"\n',
            ("[[user]] #2", "x"),
        ),
        (
            f'[[user]]\nlogin = "x"\nroles = "reviewer"\njurisdiction = "{CITY}"\nemail = 5\n',
            ("email",),
        ),
    ],
)
def test_strict_org_files(
    db: Database, tmp_path: Path, content: str, named: tuple[str, ...]
) -> None:
    path = write(tmp_path, content)
    refused(db, "admin", ["org", "load", str(path)], exit=2, contains=(str(path), *named))


# --------------------------------------------------------------------------- 9. smaller things


def test_quota_set_without_per_school_keeps_the_cap(db: Database) -> None:
    ok(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 12 --per-school 6")
    view = ok_json(db, "admin", f"quota set --jurisdiction {CITY} --year 2027 --max 10")
    assert (view["max_items"], view["per_school_max"]) == (10, 6)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--email", "not-an-address"], "not-an-address"),
        (["--email", "a@b"], "a@b"),
        (["--email", "a b@example.cn"], "a b@example.cn"),
    ],
)
def test_emails_are_validated(db: Database, argv: list[str], named: str) -> None:
    command = ["org", "add-user", "new.one", "--role", "reviewer", "--jurisdiction", CITY, *argv]
    refused(db, "admin", command, exit=2, contains=(named, "电子邮件"))


@pytest.mark.parametrize("login", ["bad/login", "空格 用户", ".dot", "a;drop"])
def test_logins_are_validated(db: Database, login: str) -> None:
    command = ["org", "add-user", login, "--role", "reviewer", "--jurisdiction", CITY]
    refused(db, "admin", command, exit=2, contains=("登录名",))


def test_a_good_login_and_email_go_in(db: Database) -> None:
    command = f"org add-user zhang_san-2@jyj --role reviewer --jurisdiction {CITY}"
    command += " --email z.s@jyj.example.gov.cn"
    assert ok_json(db, "admin", command)["outcome"] == "created"


def test_organisers_at_once_keep_one_chain(db: Database) -> None:
    """Two admins organising at the same moment: both changes go in, in one unbroken chain."""
    import threading

    from campusgate.workflow import org

    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def organise(login: str, prefix: str) -> None:
        mine = Database(db.url)
        try:
            start.wait()
            for number in range(20):
                org.add_school(mine, login, f"{prefix}{number}小学", COUNTY)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            mine.dispose()

    threads = [
        threading.Thread(target=organise, args=("admin", "甲")),
        threading.Thread(target=organise, args=("city.admin", "乙")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    shown = org_events(db)
    assert [e["seq"] for e in shown] == list(range(1, len(shown) + 1))
    assert sum(e["entity"] == "school" and e["key"][0] in "甲乙" for e in shown) == 40
    assert verified(db)["ok"] is True


def test_loading_again_writes_no_event(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, f'[[school]]\nname = "鹤壁市第二中学"\njurisdiction = "{CITY}"\n')
    ok(db, "admin", ["org", "load", str(path)])
    count = len(org_events(db))
    assert ok_json(db, "admin", ["org", "load", str(path)])["unchanged"] == 1
    assert len(org_events(db)) == count


def test_checkpoints_taken_while_items_change_all_hold(db: Database) -> None:
    """A checkpoint covers exactly the events committed before it: later ones never slip in
    below its last id, so every checkpoint still agrees once the writers are done."""
    import threading

    from tests.org import apply

    done = threading.Event()
    errors: list[BaseException] = []

    def applying() -> None:
        mine = Database(db.url)
        try:
            for number in range(15):
                apply(mine, title=f"活动{number}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()
            mine.dispose()

    writer = threading.Thread(target=applying)
    writer.start()
    marks = []
    while not done.is_set() or not marks:
        marks.append(audit.checkpoint(db, "system:checkpoint", actor=Actor.system("checkpoint")))
    writer.join()
    assert errors == []
    assert verified(db)["ok"] is True
    assert marks[-1]["item_events"] <= 15
