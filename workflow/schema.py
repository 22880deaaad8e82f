"""Who may change the database schema: anyone before there are users, afterwards an admin."""

from __future__ import annotations

from sqlalchemy import func, inspect, select

from campusgate.models import Database, User
from campusgate.workflow.scope import require_admin


def check_downgrade(db: Database, login: str) -> None:
    """A downgrade drops data: once users exist, only an admin may run it."""
    if not inspect(db.engine).has_table(User.__tablename__):
        return
    with db.read() as session:
        if not session.scalar(select(func.count()).select_from(User)):
            return
        require_admin(session, login)
