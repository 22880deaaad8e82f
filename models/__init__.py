"""Mapped classes of campusgate. Storage only: no business rules live here."""

from campusgate.models.base import Base, UTCDateTime
from campusgate.models.db import Database, normalize_url
from campusgate.models.items import Evaluation, Item, ItemEvent
from campusgate.models.jobs import JobLock, JobRun, OutboxMessage
from campusgate.models.org import Department, Jurisdiction, Quota, School, User, UserRole

__all__ = [
    "Base",
    "Database",
    "Department",
    "Evaluation",
    "Item",
    "ItemEvent",
    "JobLock",
    "JobRun",
    "Jurisdiction",
    "OutboxMessage",
    "Quota",
    "School",
    "UTCDateTime",
    "User",
    "UserRole",
    "normalize_url",
]
