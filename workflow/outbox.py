"""The outbox: messages written in the same transaction as their cause, sent later by the
``deliver`` job. One row per (recipient, kind, item, date): writing it twice adds nothing."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Insert, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, lazyload

from campusgate.models import OutboxMessage, User, UserRole
from campusgate.models.jobs import FAILED, OUTBOX_STATES, PENDING, SENT
from campusgate.workflow import validate
from campusgate.workflow.clock import now_utc, utc_text
from campusgate.workflow.scope import require_admin

#: An outbox row's key for messages about no single item (digests, dockets).
NO_ITEM = 0


@dataclass(frozen=True)
class Mail:
    """A message to put in the outbox."""

    recipient: str
    address: str | None
    kind: str
    item_id: int
    for_date: date
    subject: str
    body: str


def message_id(mail: Mail, domain: str = "campusgate.local") -> str:
    """Stable per outbox key, so a resent message is recognisably the same one."""
    key = f"{mail.recipient}|{mail.kind}|{mail.item_id}|{mail.for_date.isoformat()}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
    return f"<{mail.kind}.{mail.for_date:%Y%m%d}.{digest}@{domain}>"


@functools.cache
def _inserting(backend: str) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once per backend."""
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(OutboxMessage).on_conflict_do_nothing().returning(OutboxMessage.id)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(OutboxMessage).on_conflict_do_nothing().returning(OutboxMessage.id)


def enqueue(session: Session, mails: Iterable[Mail]) -> int:
    """Insert-or-ignore ``mails`` inside the caller's transaction; the number newly queued."""
    now = now_utc()
    rows = [
        {
            "recipient": m.recipient,
            "address": m.address,
            "kind": m.kind,
            "item_id": m.item_id,
            "for_date": m.for_date,
            "subject": m.subject[:200],
            "body": m.body,
            "state": PENDING,
            "attempts": 0,
            "message_id": message_id(m),
            "created_at": now,
        }
        for m in mails
    ]
    if not rows:
        return 0
    statement = _inserting(session.get_bind().dialect.name)
    # RETURNING names only the rows inserted: the count of what was new, on both backends
    return len(session.scalars(statement, rows).all())


def staff(session: Session, roles: Sequence[str], jurisdiction_ids: Iterable[int]) -> list[User]:
    """The users holding one of ``roles`` in those jurisdictions (recipients of digests)."""
    ids = set(jurisdiction_ids)
    if not ids:
        return []
    return list(session.scalars(_STAFF, {"roles": list(roles), "ids": list(ids)}))


#: ``staff``'s query, built once (jobs ask per jurisdiction); their roles are not loaded.
_STAFF = (
    select(User)
    .options(lazyload(User.role_rows))
    .join(UserRole, UserRole.user_id == User.id)
    .where(
        UserRole.role.in_(bindparam("roles", expanding=True)),
        User.jurisdiction_id.in_(bindparam("ids", expanding=True)),
    )
    .distinct()
    .order_by(User.id)
)


def list_messages(
    session: Session, state: str | None = None, *, reader: str | None = None
) -> list[dict[str, Any]]:
    """The outbox's messages (in ``state``). A ``reader`` must be an admin (SPEC §2); the
    state asked for is checked first: input (2) decides before not found (3) and denial (4)."""
    state = validate.choice("state", state, OUTBOX_STATES, required=False)
    if reader is not None:
        require_admin(session, reader, "not_permitted_jobs", actor=reader)
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if state:
        query = query.where(OutboxMessage.state == state)
    return [view(m) for m in session.scalars(query)]


def view(m: OutboxMessage) -> dict[str, Any]:
    """The JSON shape of an outbox message (SPEC §7)."""
    return {
        "id": m.id,
        "recipient": m.recipient,
        "address": m.address,
        "kind": m.kind,
        "item_id": m.item_id or None,
        "for_date": m.for_date.isoformat(),
        "state": m.state,
        "attempts": m.attempts,
        "subject": m.subject,
        "next_attempt_at": utc_text(m.next_attempt_at),
        "last_error": m.last_error,
        "sent_at": utc_text(m.sent_at),
    }


def due(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending messages whose next attempt has come, oldest first."""
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.state == PENDING,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def count(session: Session, state: str = PENDING) -> int:
    return session.scalar(select(func.count()).where(OutboxMessage.state == state)) or 0


#: One pending message marked sent (a statement built once: delivery runs it per message).
MARK_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("outbox_id"), OutboxMessage.state == PENDING)
    .values(
        state=SENT,
        attempts=OutboxMessage.attempts + 1,
        sent_at=bindparam("at"),
        last_error=None,
        next_attempt_at=None,
    )
)


def mark_sent(session: Session | Connection, message_id: int, at: datetime) -> None:
    session.execute(MARK_SENT, {"outbox_id": message_id, "at": at})


def mark_attempt_failed(
    session: Session,
    message: OutboxMessage,
    error: str,
    *,
    permanent: bool,
    now: datetime,
    max_attempts: int,
    backoff_seconds: int,
) -> str:
    """Record a failed attempt: retry later with exponential back-off, or give up (failed)."""
    message.attempts += 1
    message.last_error = error[:2000]
    if permanent or message.attempts >= max_attempts:
        message.state = FAILED
        message.next_attempt_at = None
    else:
        delay = backoff_seconds * 2 ** (message.attempts - 1)
        message.next_attempt_at = now + timedelta(seconds=delay)
    return message.state
