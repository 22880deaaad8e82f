"""Delivery against a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from campusgate.jobs import deliver, reminders
from campusgate.jobs.base import Context
from campusgate.models import Database, OutboxMessage
from campusgate.workflow import outbox
from campusgate.workflow.config import SMTP, Settings
from campusgate.workflow.job_settings import Delivery, JobSettings
from campusgate.workflow.outbox import Mail
from tests.org import on_ledger


class Handler:
    """Accepts everything but the addresses in ``refuse`` (550) and bodies with ``BOUNCE``."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if b"BOUNCE" in envelope.content:
            return "554 5.6.0 rejected"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Handler, int]]:
    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _ctx(db: Database, port: int | None) -> Context:
    smtp = SMTP(host="127.0.0.1" if port else None, port=port or 25, security="none")
    return Context(
        Settings(database_url=db.url, smtp=smtp),
        JobSettings(delivery=Delivery(backoff_seconds=0, max_attempts=3, timeout_seconds=5)),
    )


def _queue(db: Database, *addresses: str, body: str = "请按时整改") -> None:
    with db.write() as session:
        outbox.enqueue(
            session,
            [
                Mail(f"user{n}", a, "reminder", n, date(2027, 1, 24), "【整改提醒】", body)
                for n, a in enumerate(addresses, 1)
            ],
        )


def _states(db: Database) -> list[tuple[str, int]]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(m.state, m.attempts) for m in rows]


def test_reminders_are_delivered(db: Database, smtp_server: tuple[Handler, int]) -> None:
    handler, port = smtp_server
    on_ledger(db, owner="li.na", deadline="2027-01-31")  # li.na has an e-mail address
    reminders.run(db, date(2027, 1, 24))
    summary = deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))
    assert summary["sent"] == 1 and _states(db) == [("sent", 1)]
    [envelope] = handler.received
    assert envelope.rcpt_tos == ["li.na@example.gov.cn"]
    sent = message_from_bytes(envelope.content)
    assert sent["Message-ID"].startswith("<reminder.20270124."), sent["Message-ID"]
    assert deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))["sent"] == 0  # not twice


def test_a_reminder_to_an_owner_without_email_is_kept_and_failed_with_the_reason(
    db: Database, smtp_server: tuple[Handler, int]
) -> None:
    handler, port = smtp_server
    on_ledger(db, owner="sun.hao", deadline="2027-01-31")  # sun.hao has no e-mail address
    assert reminders.run(db, date(2027, 1, 24))["queued"] == 1
    with db.read() as session:
        queued = session.scalars(select(OutboxMessage)).one()
        assert (queued.recipient, queued.address, queued.state) == ("sun.hao", None, "pending")
    summary = deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))
    assert (summary["failed"], summary["sent"]) == (1, 0) and handler.received == []
    with db.read() as session:
        failed = session.scalars(select(OutboxMessage)).one()
    assert (failed.state, failed.last_error) == ("failed", "收件人 sun.hao 没有电子邮箱")


def test_no_smtp_configured_keeps_messages_pending(db: Database) -> None:
    _queue(db, "a@example.gov.cn")
    summary = deliver.run(db, date(2027, 1, 24), False, _ctx(db, None))
    assert summary["pending"] == 1 and _states(db) == [("pending", 0)]


def test_refused_connection_is_retried(db: Database, smtp_server: tuple[Handler, int]) -> None:
    handler, port = smtp_server
    _queue(db, "a@example.gov.cn")
    summary = deliver.run(db, date(2027, 1, 24), False, _ctx(db, _free_port()))
    assert summary["retry"] == 1 and _states(db) == [("pending", 1)]
    with db.read() as session:
        assert "ConnectionRefused" in (
            session.scalars(select(OutboxMessage)).one().last_error or ""
        )
    assert deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))["sent"] == 1
    assert _states(db) == [("sent", 2)] and len(handler.received) == 1


def test_permanent_refusal_and_one_recipient_of_two(
    db: Database, smtp_server: tuple[Handler, int]
) -> None:
    handler, port = smtp_server
    handler.refuse = {"gone@example.gov.cn"}
    _queue(db, "gone@example.gov.cn", "ok@example.gov.cn")
    summary = deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))
    assert (summary["failed"], summary["sent"]) == (1, 1)
    assert _states(db) == [("failed", 1), ("sent", 1)]
    with db.read() as session:
        failed = session.scalars(select(OutboxMessage).where(OutboxMessage.state == "failed")).one()
    assert failed.last_error is not None and failed.last_error.startswith("550")


def test_data_rejected_with_5xx_is_failed(db: Database, smtp_server: tuple[Handler, int]) -> None:
    handler, port = smtp_server
    _queue(db, "a@example.gov.cn", body="BOUNCE")
    assert deliver.run(db, date(2027, 1, 24), False, _ctx(db, port))["failed"] == 1
    assert _states(db) == [("failed", 1)] and not handler.received


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_starttls_and_login_with_the_password_from_the_environment(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aiosmtpd.smtp import AuthResult

    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    handler, port = Handler(), _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test's certificate
    monkeypatch.setenv("CAMPUSGATE_SMTP_PASSWORD", "s3cret")
    try:
        _queue(db, "a@example.gov.cn")
        smtp = SMTP(host="127.0.0.1", port=port, security="starttls", username="campusgate")
        ctx = Context(Settings(database_url=db.url, smtp=smtp))
        assert deliver.run(db, date(2027, 1, 24), False, ctx)["sent"] == 1
    finally:
        controller.stop()
    assert logins == [(b"campusgate", b"s3cret")] and len(handler.received) == 1
