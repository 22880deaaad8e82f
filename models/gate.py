"""Entries of whitelist items into schools (the campus gate, SPEC §4.5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campusgate.models.base import Base


class Entry(Base):
    """Item ``item_id`` entered school ``school_id`` on ``entered_on`` (of ``year``)."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("school_id", "item_id", "entered_on"),
        # the per-school cap counts distinct items of a school and year from this index alone
        Index("ix_entries_school_year_item", "school_id", "year", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    year: Mapped[int]
    entered_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime]
