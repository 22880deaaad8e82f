"""The organisation's audit events and the recorded checkpoints of the whole log (SPEC §5)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from campusgate.models.base import Base


class OrgEvent(Base):
    """One change to the organisation: append-only, one hash chain in ``seq`` order.

    ``before`` and ``after`` describe the entity (``None``: it did not exist / no longer does).
    """

    __tablename__ = "org_events"
    __table_args__ = (Index("ix_org_events_entity_key", "entity", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    entity: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    as_of: Mapped[date | None] = mapped_column(Date)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Checkpoint(Base):
    """The head digest of the whole audit log at one moment, with the counts it covers."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(80))
    as_of: Mapped[date | None] = mapped_column(Date)
    items: Mapped[int]
    item_events: Mapped[int]
    last_item_event: Mapped[int]
    org_events: Mapped[int]
    last_org_event: Mapped[int]
    head: Mapped[str] = mapped_column(String(64))
