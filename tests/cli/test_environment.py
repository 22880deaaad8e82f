"""The CLI as the user meets its surroundings: drills and the clock, the configuration file,
destructive schema changes, and databases that cannot be opened or reached.

Every refusal is checked for its exit code, its one-line message and that nothing changed.
"""

from __future__ import annotations

import getpass
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from campusgate import migrations
from campusgate.cli import cli
from campusgate.models import Database, ItemEvent
from tests.backends import throwaway_pg_database
from tests.cli.test_cli import apply_argv, clue_argv, document, ok, ok_json, refused, run
from tests.org import snapshot

# --------------------------------------------------------------------------- drills


@pytest.fixture
def no_drills(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A configuration without ``[clock] allow_override``."""
    path = tmp_path / "plain.toml"
    path.write_text('[publish]\nhotline = "0392-0000000"\n', encoding="utf-8")
    monkeypatch.setenv("CAMPUSGATE_CONFIG", str(path))
    return path


def test_a_drill_date_is_refused_unless_the_configuration_allows_it(
    db: Database, no_drills: Path
) -> None:
    not_allowed = "[clock] allow_override = true"
    refused(db, "li.na", apply_argv(), exit=2, contains=("CAMPUSGATE_TODAY", not_allowed))
    result = refused(db, "li.na", ["--lang", "en", *apply_argv()], exit=2, lang="en")
    assert "drills only" in result.stderr
    error = document(run(db, "li.na", [*apply_argv(), "--json"]))["error"]
    assert (error["code"], error["exit"]) == ("today_not_allowed", 2)


def test_the_today_option_needs_the_configuration_too(
    db: Database, no_drills: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAMPUSGATE_TODAY")
    argv = ["--today", "2026-12-01", *apply_argv()]
    refused(db, "li.na", argv, exit=2, contains=("--today", "allow_override"))


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2026/12/01", ("2026/12/01", "YYYY-MM-DD")),
        ("20261201", ("20261201", "YYYY-MM-DD")),
        ("2027-W01-1", ("2027-W01-1", "YYYY-MM-DD")),
        ("tomorrow", ("tomorrow",)),
        ("2027-02-30", ("2027-02-30", "不存在")),
        ("1999-12-31", ("1999-12-31", "2000–2999")),
    ],
)
def test_a_malformed_drill_date_is_invalid_input(
    db: Database, monkeypatch: pytest.MonkeyPatch, value: str, words: tuple[str, ...]
) -> None:
    monkeypatch.setenv("CAMPUSGATE_TODAY", value)
    refused(db, "li.na", apply_argv(), exit=2, contains=words)
    monkeypatch.delenv("CAMPUSGATE_TODAY")
    refused(db, "li.na", ["--today", value, *apply_argv()], exit=2, contains=words)


def _as_of(db: Database, item_id: int) -> list[str | None]:
    with db.read() as session:
        rows = session.scalars(
            select(ItemEvent.as_of).where(ItemEvent.item_id == item_id).order_by(ItemEvent.seq)
        )
        return [d.isoformat() if d else None for d in rows]


def test_an_allowed_drill_acts_as_of_its_date_and_the_events_say_so(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the conftest configuration allows drills; CAMPUSGATE_TODAY is 2026-12-01
    item_id = ok_json(db, "li.na", apply_argv())["id"]
    assert _as_of(db, item_id) == ["2026-12-01"]
    # --today wins over the environment: in 2027 a 2026 application is refused
    refused(
        db,
        "li.na",
        ["--today", "2027-03-01", *apply_argv(year="2026")],
        exit=5,
        contains=("2026", "2027"),
    )
    clue_id = ok_json(db, "wang.fang", ["--today", "2027-03-01", *clue_argv()])["id"]
    assert _as_of(db, clue_id) == ["2027-03-01"]
    # transitions and amendments name the drill date too
    ok(db, "wang.fang", ["--today", "2027-03-02", "advance", "review", str(clue_id)])
    ok(db, "li.na", ["--today", "2026-12-03", "item", "edit", str(item_id), "--place", "礼堂"])
    assert _as_of(db, clue_id) == ["2027-03-01", "2027-03-02"]
    assert _as_of(db, item_id) == ["2026-12-01", "2026-12-03"]
    assert ok_json(db, "wang.fang", f"item show {clue_id}")["year"] == 2027


def test_without_a_drill_the_events_name_today_in_shanghai(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAMPUSGATE_TODAY")
    clue_id = ok_json(db, "wang.fang", clue_argv())["id"]
    assert _as_of(db, clue_id) == [datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("deadline", "words"),
    [
        ("2027-02-30", ("2027-02-30", "不存在")),
        ("2027-2-3", ("2027-2-3", "YYYY-MM-DD")),
        ("２０２７-０１-３１", ("YYYY-MM-DD",)),
        ("3027-01-31", ("3027-01-31", "2000–2999")),
    ],
)
def test_deadlines_are_strict_dates_in_range(
    db: Database, deadline: str, words: tuple[str, ...]
) -> None:
    clue_id = ok_json(db, "wang.fang", clue_argv())["id"]
    ok(db, "wang.fang", f"advance review {clue_id}")
    argv = ["advance", "file", str(clue_id), "--standard", "s", "--owner", "chen.jing"]
    result = refused(db, "wang.fang", [*argv, "--deadline", deadline], exit=2, stdout=None)
    for word in words:
        assert word in result.stderr


# --------------------------------------------------------------------------- configuration


TABLE_KEYS = {
    "database": "connect_timeout = 5",
    "smtp": 'host = "smtp.example.gov.cn"',
    "publish": 'hotline = "0392-0000000"',
    "schedule": 'checkpoint = "30 0 * * *"',
    "reminders": "offsets_days = [3, 1]",
    "server": 'listen = "127.0.0.1:8470"',
    "clock": "allow_override = true",
}


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "campusgate.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_every_table_of_spec_section_8_is_accepted(tmp_path: Path) -> None:
    db_file = tmp_path / "cfg.db"
    body = "".join(f"[{table}]\n{line}\n" for table, line in TABLE_KEYS.items())
    path = _config(tmp_path, body)
    result = run(str(db_file), None, ["--config", str(path), "db", "upgrade", "--json"])
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("table", list(TABLE_KEYS))
def test_an_unknown_key_in_any_table_is_refused_naming_file_key_and_allowed(
    db: Database, tmp_path: Path, table: str
) -> None:
    path = _config(tmp_path, f"[{table}]\nbogus_key = 1\n")
    result = refused(db, "admin", ["--config", str(path), "item", "list"], exit=2)
    assert str(path) in result.stderr and "bogus_key" in result.stderr
    allowed = TABLE_KEYS[table].split(" = ")[0]
    assert allowed in result.stderr  # what is allowed


@pytest.mark.parametrize(
    ("line", "table", "words"),
    [
        ("url = 5", "database", ("url", "文字")),
        ("connect_timeout = 'soon'", "database", ("connect_timeout", "秒")),
        ("connect_timeout = 0", "database", ("connect_timeout",)),
        ("port = '587'", "smtp", ("port", "整数")),
        ("port = true", "smtp", ("port", "整数")),
        ("security = 'tls'", "smtp", ("security", "none|starttls|ssl")),
        ("folder = ['a']", "publish", ("folder", "文字")),
        ("deliver = 5", "schedule", ("deliver",)),
        ("offsets_days = [7, 'x']", "reminders", ("offsets_days", "整数列表")),
        ("working_days = 'yes'", "reminders", ("working_days", "true 或 false")),
        ("url = false", "server", ("url",)),
        ("allow_override = 'true'", "clock", ("allow_override", "true 或 false")),
    ],
)
def test_a_value_of_the_wrong_type_is_refused(
    db: Database, tmp_path: Path, line: str, table: str, words: tuple[str, ...]
) -> None:
    path = _config(tmp_path, f"[{table}]\n{line}\n")
    result = refused(db, "admin", ["--config", str(path), "item", "list"], exit=2)
    for word in (str(path), f"[{table}]", *words):
        assert word in result.stderr


def test_an_unknown_table_is_refused_and_the_default_database_not_used(
    db: Database, tmp_path: Path
) -> None:
    path = _config(tmp_path, '[databse]\nurl = "sqlite:///elsewhere.db"\n')
    result = refused(db, "admin", ["--config", str(path), "item", "list"], exit=2)
    assert "[databse]" in result.stderr and "database, smtp" in result.stderr
    result = run(db, "admin", ["--lang", "en", "--config", str(path), "item", "list", "--json"])
    assert document(result)["error"]["code"] == "config_unknown_table"


def test_connect_timeout_defaults_to_ten_seconds(tmp_path: Path) -> None:
    from campusgate.workflow.config import load_settings

    assert load_settings(str(_config(tmp_path, ""))).database.connect_timeout == 10
    path = _config(tmp_path, "[database]\nconnect_timeout = 2.5\n")
    assert load_settings(str(path)).database.connect_timeout == 2.5


# --------------------------------------------------------------------------- db downgrade


def _revision(db: Database) -> str | None:
    return migrations.current(db)


def test_downgrade_without_a_terminal_needs_yes(db: Database) -> None:
    head = _revision(db)
    refused(db, "admin", "db downgrade base", exit=2, contains=("--yes",))
    assert _revision(db) == head


def test_downgrade_is_for_admins_once_users_exist(db: Database) -> None:
    head = _revision(db)
    refused(
        db,
        "wang.fang",
        "db downgrade base --yes",
        exit=4,
        stderr="错误：只有管理员（admin）可以执行此操作\n",
    )
    refused(db, "nobody", "db downgrade base --yes", exit=3, contains=("nobody",))
    assert _revision(db) == head


def test_downgrade_on_a_terminal_asks_and_no_keeps_everything(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("campusgate.commands.on_terminal", lambda: True)
    before, head = snapshot(db), _revision(db)
    result = CliRunner().invoke(
        cli, ["--db", db.url, "--as", "admin", "db", "downgrade", "base"], input="n\n"
    )
    assert result.exit_code == 2
    assert "base" in result.stderr and "未降级" in result.stderr
    assert snapshot(db) == before and _revision(db) == head


@pytest.fixture
def spare(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own, at head, for a downgrade to drop."""
    if backend == "sqlite":
        url = str(tmp_path / "spare.db")
        migrations.upgrade(Database(url))
        yield url
        return
    with throwaway_pg_database("campusgate_spare") as url:
        migrations.upgrade(Database(url))
        yield url


def test_downgrade_with_yes_or_a_yes_on_the_terminal_drops_the_schema(
    spare: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no users yet: anyone may
    assert ok_json(spare, "anyone", "db downgrade base --yes")["revision"] is None
    ok(spare, None, "db upgrade")
    monkeypatch.setattr("campusgate.commands.on_terminal", lambda: True)
    result = CliRunner().invoke(
        cli, ["--db", spare, "--as", "anyone", "db", "downgrade", "base"], input="y\n"
    )
    assert result.exit_code == 0, result.stderr
    assert migrations.current(Database(spare)) is None


def test_a_database_behind_this_program_is_told_to_upgrade(spare: str, tmp_path: Path) -> None:
    migrations.downgrade(Database(spare), "0001")  # before the organisation's events existed
    org = tmp_path / "org.toml"
    org.write_text(
        '[[jurisdiction]]\nname = "河南省"\nlevel = "province"\n\n'
        '[[user]]\nlogin = "zhang.jian"\nroles = ["admin"]\njurisdiction = "河南省"\n',
        encoding="utf-8",
    )
    result = run(spare, "zhang.jian", ["org", "load", str(org)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "0001" in result.stderr
    assert "campusgate db upgrade" in result.stderr and "内部错误" not in result.stderr
    error = document(run(spare, "zhang.jian", ["--lang", "en", "org", "load", str(org), "--json"]))[
        "error"
    ]
    assert error["code"] == "db_outdated" and migrations.head() in error["message"]


# --------------------------------------------------------------------------- databases


def test_a_missing_sqlite_file_is_named_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such.db"
    for command in ("item list", "audit verify", "org show"):
        result = run(str(path), "admin", command)
        assert result.exit_code == 1, result.stderr
        assert result.stderr == (
            f"错误：数据库文件 {path} 不存在；新建请运行：campusgate --db {path} db upgrade"
            "（员工电脑连接服务器请改用：campusgate login --server 服务器地址）\n"
        )
    assert ok_json(str(path), None, "db current")["revision"] is None
    assert not (tmp_path / "no").exists()


def test_a_folder_or_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    result = run(str(tmp_path), "admin", "item list")
    assert result.exit_code == 1
    assert result.stderr == f"错误：{tmp_path} 是文件夹，不是数据库文件；请用 --db 指定数据库文件\n"
    text_file = tmp_path / "notes.txt"
    text_file.write_text("这不是数据库\n" * 200, encoding="utf-8")
    result = run(str(text_file), "admin", ["--lang", "en", "item", "list", "--json"])
    assert result.exit_code == 1
    error = document(result)["error"]
    assert error["code"] == "db_not_a_database" and str(text_file) in error["message"]
    assert text_file.read_text(encoding="utf-8") == "这不是数据库\n" * 200


def test_a_file_that_cannot_be_opened_or_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    inside = blocker / "x.db"
    result = run(str(inside), None, "db upgrade")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"错误：无法打开数据库文件 {inside}（")
    assert "内部错误" not in result.stderr and result.stderr.count("\n") == 1
    unwritable = Path("/proc/campusgate.db")  # a folder nobody can create files in
    result = run(str(unwritable), None, ["--lang", "en", "db", "upgrade"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: cannot open the database file {unwritable} (SQLITE_CANTOPEN); "
        "check the path and its permissions\n"
    )


def test_an_unreachable_server_is_named(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/campusgate"
    result = run(url, "admin", "item list")
    assert result.exit_code == 1
    assert f"127.0.0.1:{port}" in result.stderr and "无法连接数据库服务器" in result.stderr
    assert "内部错误" not in result.stderr and result.stderr.count("\n") == 1


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_server_that_never_answers_times_out(tmp_path: Path, silent_server: int) -> None:
    config = _config(tmp_path, "[database]\nconnect_timeout = 2\n[clock]\nallow_override = true\n")
    url = f"postgresql://postgres@127.0.0.1:{silent_server}/campusgate"
    started = time.monotonic()
    result = run(url, "admin", ["--config", str(config), "--lang", "en", "item", "list"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: the database server postgresql+psycopg://postgres@127.0.0.1:{silent_server}/"
        "campusgate did not answer within 2 s; check the server, or raise "
        "[database] connect_timeout in the configuration\n"
    )
    assert elapsed < 8, elapsed


def test_a_postgresql_database_never_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    with throwaway_pg_database("campusgate_bare") as url:
        result = run(url, "admin", "item list")
        assert result.exit_code == 1
        assert "尚未初始化" in result.stderr and "db upgrade" in result.stderr
        with Database(url).engine.connect() as conn:
            assert (
                conn.execute(
                    text("select count(*) from pg_tables where schemaname = 'public'")
                ).scalar()
                == 0
            )


# --------------------------------------------------------------------------- no database yet


def test_db_current_on_a_sqlite_file_not_created_says_so(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    answer = ok_json(str(path), None, "db current")
    assert answer == {
        "revision": None,
        "head": migrations.head(),
        "database": str(path),
        "exists": False,
        "backend": "sqlite",
        "server": None,
    }
    assert ok(str(path), None, "db current").stdout == (
        f"数据库文件 {path} 尚不存在（没有任何版本）；"
        f"建立请运行：campusgate --db {path} db upgrade\n"
    )
    assert ok(str(path), None, "--lang en db current").stdout == (
        f"the database file {path} does not exist yet (no revision); create it with: "
        f"campusgate --db {path} db upgrade\n"
    )
    assert not path.exists()
    ok(str(path), None, "db upgrade")
    assert ok_json(str(path), None, "db current")["exists"] is True


def test_whoami_after_logout_without_a_database_says_how_to_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campusgate import remote

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    remote.store("https://campusgate.example.gov.cn", "cg_1_secret")
    assert ok(None, None, "logout").stdout == "已退出 https://campusgate.example.gov.cn\n"
    default = tmp_path / "data" / "campusgate" / "campusgate.db"
    login = getpass.getuser()
    result = run(None, None, "whoami")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"错误：尚未登录服务器，本机也没有数据库（{default} 不存在），无法确认操作人 {login}。"
        "在员工电脑上请先登录：campusgate login --server 服务器地址；"
        "在数据库所在的电脑上请用 --db 指定数据库、--as 指定操作人\n"
    )
    english = run(None, "wang.fang", "--lang en whoami --json")
    assert english.exit_code == 1
    error = document(english)["error"]
    assert error["code"] == "whoami_nowhere" and error["exit"] == 1
    assert error["message"].startswith("not logged in to a server, and there is no local")
    assert "who wang.fang is" in error["message"]
    assert not default.parent.exists()  # nothing created


def test_whoami_in_local_mode_names_the_acting_user(db: Database) -> None:
    assert ok(db, "wang.fang", "whoami").stdout == "wang.fang（王芳）：审核人，鹤壁市\n"
