"""Engine and session setup for SQLite (embedded) and PostgreSQL (shared)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

#: how long a statement waits for a lock another transaction holds (SQLite's busy timeout,
#: PostgreSQL's lock_timeout) before the database counts as busy
BUSY_TIMEOUT_MS = 30_000
#: seconds a database server has to answer a new connection
CONNECT_TIMEOUT = 10


class Unavailable(Exception):
    """The database cannot be opened or reached. ``code`` names why (a message code),
    ``params`` the path or host."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params


def normalize_url(url: str) -> str:
    """Accept a SQLAlchemy URL, a plain ``postgresql://`` URL, or a path to a SQLite file."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return "sqlite:///" + str(Path(url).expanduser().resolve())
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for memory databases and other backends)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def _check_sqlite_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise Unavailable("db_is_directory", path=str(path))
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Unavailable("db_cannot_open", path=str(path), error=exc.strerror) from None
    elif not path.exists():
        raise Unavailable("db_missing", path=str(path))


def _sqlite_engine(url: str, path: Path | None) -> Engine:
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    where = str(path) if path else url

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            return dialect.connect(*cargs, **cparams)
        except sqlite3.Error as exc:
            if exc.sqlite_errorname.startswith("SQLITE_CANTOPEN"):
                raise Unavailable(
                    "db_cannot_open", path=where, error=exc.sqlite_errorname
                ) from None
            raise

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below); the driver must not.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            if exc.sqlite_errorname == "SQLITE_NOTADB":
                raise Unavailable("db_not_a_database", path=where) from None
            raise
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Write transactions take the write lock up front, so two writers queue on the
        # busy timeout instead of failing on a lock upgrade; readers stay DEFERRED.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _server_engine(url: str, connect_timeout: float) -> Engine:
    seconds = max(1, math.ceil(connect_timeout))
    engine = create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": seconds,
            "options": f"-c lock_timeout={BUSY_TIMEOUT_MS}",
        },
    )
    host = make_url(url).render_as_string(hide_password=True)

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        driver = dialect.loaded_dbapi
        try:
            return dialect.connect(*cargs, **cparams)
        except driver.errors.ConnectionTimeout:
            raise Unavailable("db_timeout", host=host, seconds=seconds) from None
        except driver.OperationalError as exc:
            first = (str(exc).strip().splitlines() or [""])[0]
            raise Unavailable("db_unreachable", host=host, error=first) from None

    return engine


class Database:
    """One database: ``write()`` and ``read()`` give sessions inside one transaction.

    A SQLite file must exist unless ``create`` is set (``db upgrade``): reading never creates
    files or folders."""

    def __init__(
        self, url: str, *, create: bool = True, connect_timeout: float = CONNECT_TIMEOUT
    ) -> None:
        self.url = normalize_url(url)
        path = sqlite_path(self.url)
        if self.url.startswith("sqlite"):
            if path is not None:
                _check_sqlite_file(path, create)
            self.engine = _sqlite_engine(self.url, path)
        else:
            self.engine = _server_engine(self.url, connect_timeout)
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(
            self.engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL as people read it: no password, a folder named in Chinese as written."""
        return unquote(self.engine.url.render_as_string(hide_password=True))

    def has_schema(self) -> bool:
        """Whether the migrations have ever run here."""
        return inspect(self.engine).has_table("alembic_version")

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer.begin() as session:
            yield session

    @contextmanager
    def writer(self) -> Iterator[Session]:
        """One session on one connection for a run of write transactions, each begun with
        ``session.begin()``: a command writing many items one by one checks out no
        connection per item."""
        with self.engine.connect() as conn, Session(conn, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
