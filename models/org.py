"""Organisation: jurisdictions, departments, schools, users and their roles, quotas."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campusgate.domain import LEVELS, ROLES
from campusgate.models.base import Base, one_of


class Jurisdiction(Base):
    __tablename__ = "jurisdictions"
    __table_args__ = (one_of("level", LEVELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdictions.id"), index=True)

    parent: Mapped[Jurisdiction | None] = relationship(remote_side=[id])


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)

    jurisdiction: Mapped[Jurisdiction] = relationship()


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)

    jurisdiction: Mapped[Jurisdiction] = relationship()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    jurisdiction: Mapped[Jurisdiction] = relationship()
    department: Mapped[Department | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="UserRole.role"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (one_of("role", ROLES),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class Quota(Base):
    """Total quantity control for one jurisdiction and year (SPEC §4.3)."""

    __tablename__ = "quotas"

    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdictions.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    max_items: Mapped[int]
    per_school_max: Mapped[int | None]

    # not joined: the row is read FOR UPDATE, which PostgreSQL refuses across an outer join
    jurisdiction: Mapped[Jurisdiction] = relationship(lazy="select")
