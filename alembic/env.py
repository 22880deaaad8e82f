"""Alembic environment: migrations for SQLite and PostgreSQL alike.

The URL comes from ``campusgate db …`` (``config.attributes["url"]``) or from
``sqlalchemy.url`` in alembic.ini when alembic is run by hand.
"""

from logging.config import fileConfig

from alembic import context

from campusgate.models import Base, Database

config = context.config

if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata

#: Tables that live in the database but belong to a library (the scheduler's job store).
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return not (type_ == "table" and reflected and name in FOREIGN_TABLES)


def _url() -> str:
    url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: use `campusgate db upgrade` or set sqlalchemy.url")
    return str(url)


def run_migrations_offline() -> None:
    context.configure(
        url=Database(_url()).url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    db = Database(_url())
    try:
        with db.engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                include_object=include_object,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        db.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
