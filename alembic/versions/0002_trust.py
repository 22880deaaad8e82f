"""trust: organisation events, audit checkpoints, CHECK constraints on the domain's values

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

org_events and audit_checkpoints are append-only like item_events (UPDATE and DELETE refused
by trigger on both backends); on PostgreSQL TRUNCATE of the three is refused too. An
organisation already in the database is recorded as events (actor ``migration:0002``). The
CHECK constraints take the domain's values from campusgate.domain as they are at this revision.

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LEVELS = ("province", "city", "county")
ROLES = ("applicant", "reviewer", "approver", "admin")
STATES = ("submitted", "reviewed", "filed", "published", "suspended", "revoked")
KINDS = ("whitelist", "rectification")
BASIS_KINDS = ("law", "joint", "unified", "emergency")
SOURCES = ("hotline", "mailbox", "school", "teacher", "inspection", "evaluation")
ASPECTS = ("inspections", "social-affairs", "paperwork", "forms", "secondment", "duty", "formalism")
RATINGS = ("good", "adequate", "poor")
OUTCOMES = ("keep", "suspend", "rectify", "revoke", "retire")

#: table -> (column, values) of its CHECK constraints, named ck_<table>_<column>
CHECKS = {
    "jurisdictions": (("level", LEVELS),),
    "user_roles": (("role", ROLES),),
    "items": (
        ("kind", KINDS),
        ("state", STATES),
        ("basis_kind", BASIS_KINDS),
        ("source", SOURCES),
        ("aspect", ASPECTS),
    ),
    "evaluations": (("rating", RATINGS), ("outcome", OUTCOMES)),
}
APPEND_ONLY = ("org_events", "audit_checkpoints")
NO_TRUNCATE = ("item_events", "org_events", "audit_checkpoints")


def _listed(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('org_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_events')),
    sa.UniqueConstraint('seq', name=op.f('uq_org_events_seq'))
    )
    with op.batch_alter_table('org_events', schema=None) as batch_op:
        batch_op.create_index('ix_org_events_entity_key', ['entity', 'key'], unique=False)

    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.Column('item_events', sa.Integer(), nullable=False),
    sa.Column('last_item_event', sa.Integer(), nullable=False),
    sa.Column('org_events', sa.Integer(), nullable=False),
    sa.Column('last_org_event', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints'))
    )
    _append_only_up()
    _record_the_organisation()
    with _foreign_keys_deferred():
        for table, checks in CHECKS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, values in checks:
                    batch_op.create_check_constraint(
                        op.f(f"ck_{table}_{column}"), f"{column} IN ({_listed(values)})"
                    )


def downgrade() -> None:
    """Downgrade schema."""
    with _foreign_keys_deferred():
        for table, checks in CHECKS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, _ in checks:
                    batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    _append_only_down()
    op.drop_table('audit_checkpoints')
    with op.batch_alter_table('org_events', schema=None) as batch_op:
        batch_op.drop_index('ix_org_events_entity_key')

    op.drop_table('org_events')


def _record_the_organisation() -> None:
    """An organisation that predates its events is recorded as it stands, so that
    ``audit verify`` holds it to its events from now on."""
    from sqlalchemy.orm import Session

    from campusgate.workflow import audit

    session = Session(bind=op.get_bind())
    try:
        audit.record_baseline(session, "migration:0002")
        session.flush()
    finally:
        session.close()


class _foreign_keys_deferred:
    """SQLite rebuilds a table to change its constraints (copy, drop, rename): foreign keys
    must be off meanwhile (a pragma that only takes effect between transactions), and are
    checked once the tables are whole again."""

    def __enter__(self) -> None:
        self._switch("OFF")

    def __exit__(self, *exc: object) -> None:
        self._switch("ON")
        if op.get_bind().dialect.name == "sqlite":
            broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken}")

    @staticmethod
    def _switch(state: str) -> None:
        if op.get_bind().dialect.name == "sqlite":
            with op.get_context().autocommit_block():
                # the engine emits BEGIN even here; end it, or the pragma is ignored
                raw = op.get_bind().connection.dbapi_connection
                raw.commit()
                raw.execute(f"PRAGMA foreign_keys = {state}")


def _append_only_up() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
        for table in NO_TRUNCATE:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )


def _append_only_down() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NO_TRUNCATE:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS audit_append_only()")
    else:
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
