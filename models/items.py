"""Items of both kinds (one table), their append-only events, and evaluations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campusgate.domain import ASPECTS, BASIS_KINDS, KINDS, OUTCOMES, RATINGS, SOURCES, STATES
from campusgate.models.base import Base, one_of
from campusgate.models.org import Department, Jurisdiction, School, User


class Item(Base):
    """A whitelist application or a rectification item; ``kind`` tells which.

    ``state`` is the only contact with the state machine; ``version`` is bumped by every
    transition and checked in the UPDATE's WHERE (optimistic concurrency).
    """

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_kind_jurisdiction_year_state", "kind", "jurisdiction_id", "year", "state"),
        Index("ix_items_kind_state_deadline", "kind", "state", "deadline"),
        one_of("kind", KINDS),
        one_of("state", STATES),
        one_of("basis_kind", BASIS_KINDS),
        one_of("source", SOURCES),
        one_of("aspect", ASPECTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"))
    year: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    applied_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_hash: Mapped[str] = mapped_column(String(64), default="")

    # whitelist application
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    basis_kind: Mapped[str | None] = mapped_column(String(16))
    #: ``max_chars``: the longest text a column (or each entry of a list) takes
    basis_docs: Mapped[list[str] | None] = mapped_column(info={"max_chars": 300})
    lead_units: Mapped[list[str] | None] = mapped_column(info={"max_chars": 100})
    schedule: Mapped[str | None] = mapped_column(String(200))
    manner: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str | None] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str | None] = mapped_column(Text, info={"max_chars": 4000})
    teacher_hours: Mapped[float | None] = mapped_column(Float)
    ratified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ratified_at: Mapped[datetime | None]

    # rectification item
    summary: Mapped[str | None] = mapped_column(Text, info={"max_chars": 2000})
    source: Mapped[str | None] = mapped_column(String(16))
    aspect: Mapped[str | None] = mapped_column(String(16))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    reporter: Mapped[str | None] = mapped_column(String(200))
    standard: Mapped[str | None] = mapped_column(Text, info={"max_chars": 2000})
    deadline: Mapped[date | None] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    result: Mapped[str | None] = mapped_column(Text, info={"max_chars": 2000})
    linked_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"), index=True)

    jurisdiction: Mapped[Jurisdiction] = relationship()
    department: Mapped[Department | None] = relationship()
    school: Mapped[School | None] = relationship()
    applied_by: Mapped[User] = relationship(foreign_keys=[applied_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    ratified_by: Mapped[User | None] = relationship(foreign_keys=[ratified_by_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    # The version read at load time goes into the UPDATE's WHERE; no row changed means
    # someone else wrote first (StaleDataError, exit 6). We set the new version ourselves.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class ItemEvent(Base):
    """One audit event: append-only, hash-chained per item (SPEC §5)."""

    __tablename__ = "item_events"
    __table_args__ = (UniqueConstraint("item_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    seq: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    as_of: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text, info={"max_chars": 1000})
    changes: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Evaluation(Base):
    """The year-end evaluation recorded for a published whitelist item (SPEC §4.6)."""

    __tablename__ = "evaluations"
    __table_args__ = (one_of("rating", RATINGS), one_of("outcome", OUTCOMES))

    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    rating: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, info={"max_chars": 2000})
    evaluated_by: Mapped[str] = mapped_column(String(80))
    evaluated_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]
