"""Alembic migrations on SQLite and PostgreSQL (SPEC §8: same code, same migrations).

Each test gets its own empty database: a new SQLite file, or a throwaway PostgreSQL database
created through the admin URL and dropped (``WITH (FORCE)``) afterwards. PostgreSQL is
skipped only when no server is reachable and ``CI`` is unset, as in ``tests/conftest.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import CheckConstraint, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from campusgate import domain, migrations
from campusgate.models import Base, Database, Item, ItemEvent, OrgEvent
from campusgate.workflow import audit, validate
from tests.backends import campusgate_command, throwaway_pg_database
from tests.org import apply, build_org

#: The tables of the first migration; later migrations may add more (compared to the models).
CORE_TABLES = {
    "jurisdictions",
    "departments",
    "schools",
    "users",
    "user_roles",
    "quotas",
    "items",
    "item_events",
    "evaluations",
}
APPEND_ONLY_TRIGGERS = {
    "sqlite": {
        "item_events_no_update",
        "item_events_no_delete",
        "org_events_no_update",
        "org_events_no_delete",
        "audit_checkpoints_no_update",
        "audit_checkpoints_no_delete",
    },
    "postgresql": {
        "item_events_append_only",
        "org_events_append_only",
        "audit_checkpoints_append_only",
        "item_events_no_truncate",
        "org_events_no_truncate",
        "audit_checkpoints_no_truncate",
    },
}
APPEND_ONLY_MESSAGE = "item_events is append-only"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with nothing in it, not even ``alembic_version``."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrations.db")
        return
    with throwaway_pg_database("campusgate_mig") as url:
        yield url


@pytest.fixture
def empty_db(empty_url: str) -> Iterator[Database]:
    db = Database(empty_url)
    yield db
    db.dispose()


# --------------------------------------------------------------------------- helpers


def _tables(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _triggers(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            rows = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        else:
            rows = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        return {row[0] for row in rows}


def _leftovers(db: Database) -> set[str]:
    """Every schema object besides Alembic's own bookkeeping (after ``downgrade base``)."""
    with db.engine.connect() as conn:
        if db.backend == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT 'relation ' || relname FROM pg_class "
                    "WHERE relnamespace = 'public'::regnamespace "
                    "UNION ALL SELECT 'function ' || proname FROM pg_proc "
                    "WHERE pronamespace = 'public'::regnamespace "
                    "UNION ALL SELECT 'type ' || typname FROM pg_type "
                    "WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd')"
                )
            )
        else:
            rows = conn.execute(text("SELECT type || ' ' || name FROM sqlite_master"))
        found = {row[0] for row in rows}
    bookkeeping = {
        "relation alembic_version",
        "relation alembic_version_pkc",
        "table alembic_version",
        "index sqlite_autoindex_alembic_version_1",
    }
    # PostgreSQL's row type of alembic_version lives in pg_type with typtype 'c': not listed.
    return found - bookkeeping


def _assert_at_head(db: Database) -> None:
    head = migrations.head()
    assert head is not None
    assert migrations.current(db) == head
    tables = _tables(db)
    assert tables == set(Base.metadata.tables) | {"alembic_version"}
    assert tables >= CORE_TABLES
    assert _triggers(db) >= APPEND_ONLY_TRIGGERS[db.backend]


def _assert_at_base(db: Database) -> None:
    assert migrations.current(db) is None
    assert _tables(db) == {"alembic_version"}
    assert _triggers(db) == set()
    assert _leftovers(db) == set()


def _assert_append_only(db: Database) -> None:
    """UPDATE and DELETE on item_events are refused by the database itself."""
    with db.read() as session:
        before = [(e.id, e.actor, e.hash) for e in session.scalars(select(ItemEvent))]
    assert before, "needs at least one event"
    for statement in (
        "UPDATE item_events SET actor = 'mallory'",
        "DELETE FROM item_events",
    ):
        with pytest.raises(DBAPIError) as refused, db.engine.begin() as conn:
            conn.execute(text(statement))
        assert APPEND_ONLY_MESSAGE in str(refused.value.orig)
    with db.read() as session:
        after = [(e.id, e.actor, e.hash) for e in session.scalars(select(ItemEvent))]
    assert after == before


# --------------------------------------------------------------------------- the service


def test_empty_to_head_to_base_to_head(empty_db: Database) -> None:
    db = empty_db
    assert migrations.current(db) is None
    assert _tables(db) == set()

    assert migrations.upgrade(db) == migrations.head()
    _assert_at_head(db)

    assert migrations.downgrade(db, "base") is None
    _assert_at_base(db)

    assert migrations.upgrade(db, "head") == migrations.head()
    _assert_at_head(db)
    assert migrations.upgrade(db) == migrations.head()  # again: nothing to do, no error
    _assert_at_head(db)


def test_append_only_trigger_works_after_a_round_trip(empty_db: Database) -> None:
    db = empty_db
    migrations.upgrade(db)
    build_org(db)
    apply(db)
    _assert_append_only(db)

    # Downgrading a database that holds data removes everything, triggers included.
    migrations.downgrade(db, "base")
    _assert_at_base(db)

    migrations.upgrade(db)
    build_org(db)
    apply(db)
    _assert_append_only(db)


def test_models_match_the_migrated_schema(empty_db: Database) -> None:
    """``models.Base.metadata`` and the migrations describe the same schema: autogenerate
    finds nothing to do (types and server defaults compared too)."""
    migrations.upgrade(empty_db)
    with empty_db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


# --------------------------------------------------------------------------- the CLI


def _cli(cwd: Path, db: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [*campusgate_command(), "--db", db, *args, "--json"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)  # exactly one JSON document


def test_cli_db_upgrade_current_downgrade(empty_url: str, tmp_path: Path) -> None:
    db = Database(empty_url)
    try:
        backend = db.backend
        head = migrations.head()
        if backend == "sqlite":
            # a plain file path works as well as the URL
            spelled = [db.url.removeprefix("sqlite:///"), db.url]
        else:
            # a plain postgresql:// URL means postgresql+psycopg:// (SPEC §8)
            spelled = [db.url.replace("postgresql+psycopg://", "postgresql://"), db.url]

        before = _cli(tmp_path, spelled[1], "db", "current")
        assert before["revision"] is None
        assert before["head"] == head
        assert before["backend"] == backend

        upgraded = _cli(tmp_path, spelled[0], "db", "upgrade")
        assert upgraded["revision"] == head
        current = _cli(tmp_path, spelled[1], "db", "current")
        assert current["revision"] == head == current["head"]
        assert current["backend"] == backend
        assert "database" in current
        _assert_at_head(db)

        downgraded = _cli(tmp_path, spelled[0], "db", "downgrade", "base", "--yes")
        assert downgraded["revision"] is None
        assert _cli(tmp_path, spelled[1], "db", "current")["revision"] is None
        _assert_at_base(db)
    finally:
        db.dispose()


# --------------------------------------------------------------------------- 0002: trust


def _revision(name: str) -> Any:
    """A migration script as a module (its frozen values)."""
    script = ScriptDirectory(str(migrations.scripts())).get_revision(name)
    assert script is not None
    return script.module


def test_the_check_constraints_hold_the_domain_values_of_today() -> None:
    """A migration freezes the values it constrains; when the domain grows, this fails until
    a new migration follows it."""
    checks = _revision("0002").CHECKS
    frozen = {
        f"ck_{table}_{column}": values
        for table, pairs in checks.items()
        for column, values in pairs
    }
    modelled = {
        str(constraint.name): constraint
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert set(frozen) == set(modelled)
    for name, values in frozen.items():
        listed = ", ".join(f"'{v}'" for v in values)
        assert listed in str(modelled[name].sqltext), name
    assert checks["items"] == (
        ("kind", domain.KINDS),
        ("state", domain.STATES),
        ("basis_kind", domain.BASIS_KINDS),
        ("source", domain.SOURCES),
        ("aspect", domain.ASPECTS),
    )
    assert checks["jurisdictions"] == (("level", domain.LEVELS),)
    assert checks["user_roles"] == (("role", domain.ROLES),)
    assert checks["evaluations"] == (("rating", domain.RATINGS), ("outcome", domain.OUTCOMES))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE items SET state = 'approved'",
        "UPDATE items SET kind = 'other'",
        "UPDATE items SET basis_kind = 'whim'",
        "UPDATE jurisdictions SET level = 'village'",
        "UPDATE user_roles SET role = 'root'",
    ],
)
def test_the_database_refuses_values_outside_the_domain(empty_db: Database, statement: str) -> None:
    db = empty_db
    migrations.upgrade(db)
    build_org(db)
    apply(db)
    with pytest.raises(IntegrityError) as refused, db.engine.begin() as conn:
        conn.execute(text(statement))
    name = statement.split()[1] + "_" + statement.split()[3]
    assert f"ck_{name}" in str(refused.value.orig)


def test_an_organisation_at_0001_upgrades_with_its_data(empty_db: Database) -> None:
    db = empty_db
    migrations.upgrade(db, "0001")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO jurisdictions (name, level) VALUES ('河南省', 'province')"))
    assert migrations.upgrade(db) == migrations.head()
    _assert_at_head(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM jurisdictions")).scalars().all() == ["河南省"]
    # the organisation that predates its events is recorded as it stands, and verifies
    with db.read() as session:
        (event,) = session.scalars(select(OrgEvent)).all()
        assert (event.entity, event.key, event.action) == ("jurisdiction", "河南省", "recorded")
        assert event.actor == "migration:0002"
    with db.read() as session:
        assert audit.verify(session).ok is True
    assert migrations.downgrade(db, "0001") == "0001"
    assert migrations.upgrade(db) == migrations.head()


def test_text_limits_come_from_the_columns() -> None:
    limits = validate.limits()
    assert limits["title"] == Item.__table__.c.title.type.length == 200
    assert limits["content"] == Item.__table__.c.content.info["max_chars"] == 4000
    assert limits["login"] == 64 and limits["email"] == 254 and limits["reason"] == 1000


def test_db_current_says_when_an_upgrade_is_due_and_names_folders_as_written(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "教育局 数据"
    folder.mkdir()
    path = folder / "cg.db"
    db = Database(str(path))
    try:
        previous = ScriptDirectory(str(migrations.scripts())).get_revision(migrations.head())
        assert previous is not None and isinstance(previous.down_revision, str)
        migrations.upgrade(db, previous.down_revision)
        done = subprocess.run(
            [*campusgate_command(), "--db", str(path), "db", "current"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=dict(os.environ),
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        assert done.returncode == 0 and done.stderr == ""
        assert done.stdout == (
            f"数据库 sqlite:///{path} 当前版本：{previous.down_revision}\n"
            f"本程序需要版本 {migrations.head()}；升级请运行：campusgate db upgrade\n"
        )
        migrations.upgrade(db)
        current = _cli(tmp_path, str(path), "db", "current")
        assert current["revision"] == current["head"] and "教育局 数据" in current["database"]
    finally:
        db.dispose()
