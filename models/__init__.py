"""Mapped classes of campusgate. Storage only: no business rules live here."""

from campusgate.models.audit import Checkpoint, OrgEvent
from campusgate.models.base import Base, UTCDateTime, one_of
from campusgate.models.db import Database, Unavailable, normalize_url
from campusgate.models.gate import Entry
from campusgate.models.items import Evaluation, Item, ItemEvent
from campusgate.models.jobs import JobLock, JobRun, OutboxMessage
from campusgate.models.org import Department, Jurisdiction, Quota, School, User, UserRole
from campusgate.models.tokens import Token

__all__ = [
    "Base",
    "Checkpoint",
    "Database",
    "Department",
    "Entry",
    "Evaluation",
    "Item",
    "ItemEvent",
    "JobLock",
    "JobRun",
    "Jurisdiction",
    "OrgEvent",
    "OutboxMessage",
    "Quota",
    "School",
    "Token",
    "UTCDateTime",
    "Unavailable",
    "User",
    "UserRole",
    "normalize_url",
    "one_of",
]
