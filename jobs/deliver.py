"""``deliver`` (every 5 min): send pending outbox messages by SMTP over one connection.

Each message is marked sent in its own transaction right after the server accepts it, so a
crash resends at most the one message in flight (with the same Message-ID). Transient
failures (no connection, 4xx, timeouts) are retried with exponential back-off; permanent ones
(5xx) or too many attempts mark the message failed with the error.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from campusgate.jobs.base import Context, default_context, log
from campusgate.models import Database, OutboxMessage
from campusgate.workflow import outbox
from campusgate.workflow.clock import now_utc
from campusgate.workflow.config import SMTP
from campusgate.workflow.messages import render
from campusgate.workflow.tx import writing

NAME = "deliver"


class _Transient(Exception):
    """The connection is gone: this message is retried later, the run stops."""


def run(db: Database, as_of: date, dry_run: bool = False, ctx: Context | None = None) -> dict:
    """Send what is due now; ``as_of`` only names the run (delivery goes by the clock)."""
    ctx = ctx or default_context(db)
    smtp, rules = ctx.settings.smtp, ctx.jobs.delivery
    now = now_utc()
    with db.read() as session:
        waiting = outbox.count(session)
        due = outbox.due(session, now, rules.batch)
    # a dry run counts what is due and tries nothing: it has no sent, retried or failed
    summary: dict[str, Any] = {"due": len(due)}
    if not dry_run:
        summary |= {"sent": 0, "retry": 0, "failed": 0}
    if not smtp.host:
        summary["pending"] = waiting
        summary["note"] = "smtp_not_configured"  # a message code, shown in the reader's language
        return summary
    if dry_run or not due:
        return summary
    try:
        connection = _connect(smtp, rules.timeout_seconds)
    except (OSError, smtplib.SMTPException) as exc:
        for message in due:
            summary[_failed(db, ctx, message, _describe(exc), permanent=False, now=now)] += 1
        log.warning("deliver: cannot connect to %s:%s: %s", smtp.host, smtp.port, exc)
        return summary
    marks = db.engine.connect()  # one light connection: each message's own short transaction
    try:
        for message in due:
            try:
                outcome = _send(connection, smtp, message)
            except _Transient as exc:
                summary[_failed(db, ctx, message, str(exc), permanent=False, now=now)] += 1
                break
            if outcome is None:
                with marks.begin():
                    outbox.mark_sent(marks, message.id, now_utc())
                summary["sent"] += 1
            else:
                error, permanent = outcome
                summary[_failed(db, ctx, message, error, permanent=permanent, now=now)] += 1
    finally:
        marks.close()
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
    log.info("deliver: %s", summary)
    return summary


def _connect(smtp: SMTP, timeout: float) -> smtplib.SMTP:
    assert smtp.host is not None
    connection: smtplib.SMTP
    if smtp.security == "ssl":
        connection = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        if smtp.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
    if smtp.username:
        connection.login(smtp.username, smtp.password or "")
    return connection


def email(smtp: SMTP, message: OutboxMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = smtp.sender
    mail["To"] = message.address or ""
    mail["Subject"] = message.subject
    mail["Message-ID"] = message.message_id
    mail["Date"] = format_datetime(message.created_at)
    mail.set_content(message.body)
    return mail


def _send(connection: smtplib.SMTP, smtp: SMTP, message: OutboxMessage) -> tuple[str, bool] | None:
    """``None`` when accepted, else (the error, whether it is permanent)."""
    if not message.address:
        return render("no_address", login=message.recipient), True
    try:
        refused = connection.send_message(
            email(smtp, message), from_addr=smtp.sender, to_addrs=[message.address]
        )
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return _reply(code, text), code >= 500
    except smtplib.SMTPResponseException as exc:
        return _reply(exc.smtp_code, exc.smtp_error), exc.smtp_code >= 500
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise _Transient(_describe(exc)) from exc
    if refused:  # the server took the message for some recipients only
        code, text = next(iter(refused.values()))
        return _reply(code, text), code >= 500
    return None


def _reply(code: int, text: bytes | str) -> str:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {shown}"


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _failed(
    db: Database,
    ctx: Context,
    message: OutboxMessage,
    error: str,
    *,
    permanent: bool,
    now: datetime,
) -> str:
    """Record a failed attempt; the summary key it counts under."""
    rules = ctx.jobs.delivery
    with writing(db) as session:
        row = session.get_one(OutboxMessage, message.id)
        state = outbox.mark_attempt_failed(
            session,
            row,
            error,
            permanent=permanent,
            now=now,
            max_attempts=rules.max_attempts,
            backoff_seconds=rules.backoff_seconds,
        )
    return "failed" if state == "failed" else "retry"
