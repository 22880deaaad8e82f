"""Personal tokens (SPEC §11): issued by an admin, shown once, stored only as a hash.

A token reads ``cg_<id>_<secret>``: the id finds the row, the secret (32 random bytes) is
compared with the stored SHA-256 in constant time. Issuing and revoking are organisation
events, and ``audit verify`` replays the tokens' rows against them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, joinedload

from campusgate.models import Database, Token, User
from campusgate.workflow import audit, validate
from campusgate.workflow.clock import now_utc, utc_text
from campusgate.workflow.errors import InvalidInput, NotAuthenticated, NotFound
from campusgate.workflow.scope import Actor, Who, acting_login, load_user, require_admin
from campusgate.workflow.tx import writing

PREFIX = "cg_"
SECRET_BYTES = 32
DEFAULT_EXPIRY_DAYS = 180
MAX_EXPIRY_DAYS = 3660


@dataclass(frozen=True)
class Issued:
    """A token just issued: the only time its secret exists outside its holder."""

    id: int
    login: str
    token: str
    expires: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "login": self.login,
            "token": self.token,
            "expires": utc_text(self.expires),
        }


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[int, str] | None:
    if not token.startswith(PREFIX):
        return None
    ident, _, secret = token[len(PREFIX) :].partition("_")
    if not ident.isascii() or not ident.isdigit() or len(ident) > 10 or not secret:
        return None
    return int(ident), secret


def _state(row: Token) -> dict[str, Any]:
    return {
        "login": row.login,
        "note": row.note,
        "expires": row.expires_at.isoformat(),
        "revoked": row.revoked_at is not None,
    }


def _token_states(session: Session, key: str | None) -> dict[str, dict[str, Any]]:
    if not inspect(session.connection()).has_table(Token.__tablename__):
        return {}  # a migration older than the tokens' records its baseline
    query = select(Token)
    if key is not None:
        if not key.isdigit():
            return {}
        query = query.where(Token.id == int(key))
    return {str(row.id): _state(row) for row in session.scalars(query)}


audit.register_org_entity("token", _token_states)


def issue(
    db: Database,
    actor: str,
    login: str,
    *,
    expires_days: int | str = DEFAULT_EXPIRY_DAYS,
    note: str | None = None,
) -> Issued:
    """A new personal token for ``login`` (admin only)."""
    login = validate.login("login", login) or ""
    days = validate.count("--expires-days", expires_days, minimum=1) or DEFAULT_EXPIRY_DAYS
    if days > MAX_EXPIRY_DAYS:
        raise InvalidInput(
            "number_too_large", field="--expires-days", value=days, maximum=MAX_EXPIRY_DAYS
        )
    note = validate.text("note", note)
    with writing(db) as session:
        user = load_user(session, login)
        require_admin(session, actor)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        now = now_utc()
        row = Token(
            user_id=user.id,
            login=login,
            secret_hash=_digest(secret),
            note=note,
            issued_by=actor,
            issued_at=now,
            expires_at=now + timedelta(days=days),
        )
        session.add(row)
        session.flush()
        audit.record_org(session, actor, "token", str(row.id), None, _state(row), action="issued")
        return Issued(row.id, login, f"{PREFIX}{row.id}_{secret}", row.expires_at)


def revoke(db: Database, actor: str, token_id: int | str) -> dict[str, Any]:
    """Revoke a token (admin only); revoking it again changes nothing and records nothing.

    The token as ``token list`` shows it, with ``already_revoked``: whether it was revoked
    before this call (its ``revoked`` then is that earlier time)."""
    ident = validate.count("id", token_id, minimum=1)
    with writing(db) as session:
        row = session.get(Token, ident)
        if row is None:
            raise NotFound("no_token", id=token_id)
        require_admin(session, actor)
        before = _state(row)
        already = row.revoked_at is not None
        if not already:
            row.revoked_at = now_utc()
            audit.record_org(
                session, actor, "token", str(row.id), before, _state(row), action="revoked"
            )
        return {**describe(row), "already_revoked": already}


def describe(row: Token) -> dict[str, Any]:
    """A token as ``token list`` shows it: never its secret; ``state`` says whether it still
    opens the server (``live``), or why not (``revoked``, ``expired``)."""
    state = (
        "revoked"
        if row.revoked_at is not None
        else "expired"
        if row.expires_at <= now_utc()
        else "live"
    )
    return {
        "id": row.id,
        "login": row.login,
        "state": state,
        "note": row.note,
        "issued_by": row.issued_by,
        "issued_at": utc_text(row.issued_at),
        "expires": utc_text(row.expires_at),
        "revoked": utc_text(row.revoked_at),
    }


def list_tokens(db: Database, actor: str) -> list[dict[str, Any]]:
    """Every token (admin only), without secrets."""
    with db.read() as session:
        require_admin(session, actor)
        return [describe(row) for row in session.scalars(select(Token).order_by(Token.id))]


@dataclass
class Bearer:
    """A bearer token as a :class:`~campusgate.workflow.scope.Credential`: the service it is
    given to checks it in its own first transaction."""

    token: str | None
    login: str | None = None
    actor: Actor | None = None

    def resolve(self, session: Session) -> str:
        self.actor = _check(session, self.token)
        self.login = self.actor.login
        return self.login


def authenticate(db: Database, token: str | None) -> str:
    """The login a token stands for, checked in a transaction of its own."""
    with db.read() as session:
        return Bearer(token).resolve(session)


def _check(session: Session, token: str | None) -> Actor:
    """The user a token stands for, read with the token in one query; anything but a live
    token of an existing user is ``NotAuthenticated`` (exit 4), and says no more than that."""
    parts = _split(token or "")
    if parts is None:
        raise NotAuthenticated("token_invalid" if token else "token_missing")
    ident, secret = parts
    row = session.execute(_LIVE, {"ident": ident}).unique().one_or_none()
    stored = row.secret_hash if row is not None else _digest("")
    matches = hmac.compare_digest(_digest(secret), stored)
    if row is None or not matches or row.revoked_at is not None or row.User is None:
        raise NotAuthenticated("token_invalid")
    if row.expires_at <= now_utc():
        raise NotAuthenticated("token_invalid")
    return Actor.of(row.User)


#: A token's row and its user with the roles (none if the user was removed or renamed).
_LIVE = (
    select(User, Token.secret_hash, Token.expires_at, Token.revoked_at)
    .select_from(Token)
    .outerjoin(User, (User.id == Token.user_id) & (User.login == Token.login))
    .options(joinedload(User.role_rows))
    .where(Token.id == bindparam("ident"))
)


def whoami(db: Database, who: Who) -> dict[str, Any]:
    """``{"login", "name", "roles", "jurisdiction"}`` of the acting user."""
    with db.read() as session:
        login = acting_login(session, who)
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            raise NotFound("no_acting_user", login=login)
        return {
            "login": user.login,
            "name": user.name,
            "roles": sorted(user.roles),
            "jurisdiction": user.jurisdiction.name,
            "department": user.department.name if user.department else None,
        }
