"""The outbox of messages to send, and the lock rows that keep one runner per job."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campusgate.models.base import Base

#: States of an outbox message.
PENDING, SENT, FAILED = "pending", "sent", "failed"
OUTBOX_STATES = (PENDING, SENT, FAILED)


class OutboxMessage(Base):
    """One e-mail to send, written in the same transaction as its cause.

    Unique per (recipient, kind, item, for_date): a rerun for the same date adds nothing.
    ``item_id`` is 0 for messages about no single item (digests, dockets).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("recipient", "kind", "item_id", "for_date"),
        Index("ix_outbox_state_next_attempt", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int] = mapped_column(default=0)
    for_date: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class JobLock(Base):
    """On SQLite, the row a job's runner holds while it runs (PostgreSQL uses advisory locks)."""

    __tablename__ = "job_locks"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    until: Mapped[datetime | None]


class JobRun(Base):
    """A job's completed run for a date: what it did (``jobs list`` shows the last one)."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(32), index=True)
    for_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)


__all__ = ["FAILED", "OUTBOX_STATES", "PENDING", "SENT", "JobLock", "JobRun", "OutboxMessage"]
