"""Mapped classes of campusgate. Storage only: no business rules live here."""

from models.base import Base, UTCDateTime
from models.db import Database, normalize_url
from models.items import Evaluation, Item, ItemEvent
from models.org import Department, Jurisdiction, Quota, School, User, UserRole

__all__ = [
    "Base",
    "Database",
    "Department",
    "Evaluation",
    "Item",
    "ItemEvent",
    "Jurisdiction",
    "Quota",
    "School",
    "UTCDateTime",
    "User",
    "UserRole",
    "normalize_url",
]
