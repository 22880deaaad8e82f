"""The job tables are emptied too, before every job test (on PostgreSQL the database is
shared by the session)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from campusgate.models import Database

JOB_TABLES = ("outbox", "job_locks", "job_runs")


@pytest.fixture(autouse=True)
def _empty_job_tables(request: pytest.FixtureRequest) -> None:
    if "empty_db" not in request.fixturenames:
        return
    db: Database = request.getfixturevalue("empty_db")
    with db.engine.begin() as conn:
        for table in JOB_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
