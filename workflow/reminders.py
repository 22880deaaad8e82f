"""What the nightly reminder job writes into the outbox (SPEC §6), for one as-of date.

Ledger items (rectifications on the ledger, ``filed``): a reminder to the responsible person
at each configured offset before the deadline, daily once overdue, and an escalation to the
jurisdiction's approvers from ``escalate_after_days`` overdue. Digests to reviewers and
approvers in the window before the year-end review (applications still pending) and before
the evaluation sweep (published items without an evaluation).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session, aliased

from campusgate.models import Item, User
from campusgate.workflow.clock import TZ
from campusgate.workflow.config import Reminders
from campusgate.workflow.evaluation import lacking_evaluation
from campusgate.workflow.kinds import (
    REVIEWED,
    SUBMITTED,
    WHITELIST,
)
from campusgate.workflow.ledger import ON_LEDGER, overdue
from campusgate.workflow.messages import render
from campusgate.workflow.outbox import NO_ITEM, Mail, staff
from campusgate.workflow.scope import Tree
from campusgate.workflow.workdays import WorkingDays

REMINDER, DUE, OVERDUE, ESCALATION = "reminder", "due", "overdue", "escalation"
DIGEST_PENDING, DIGEST_UNEVALUATED = "digest-pending", "digest-unevaluated"


def due_dates(as_of: date, rules: Reminders, workdays: WorkingDays | None) -> dict[date, int]:
    """Deadlines that get a reminder on ``as_of``, with the days left to each."""
    offsets = {n for n in rules.offsets_days if n > 0}
    if workdays is None:
        found = {as_of + timedelta(days=n): n for n in offsets}
    else:
        found = workdays.dates_at(as_of, offsets)
    if 0 in rules.offsets_days:
        found[as_of] = 0
    return found


def due_items(
    session: Session, as_of: date, rules: Reminders, workdays: WorkingDays | None
) -> list[int]:
    """Ledger items with a reminder due on ``as_of``: one index range per due date and one
    for the overdue, so the cost follows what is due, not the size of the ledger."""
    dates = due_dates(as_of, rules, workdays)
    upcoming = select(Item.id).where(*ON_LEDGER, Item.deadline.in_(list(dates)))
    late = select(Item.id).where(*overdue(as_of))
    return sorted(session.scalars(union_all(upcoming, late)))


def ledger_mails(
    session: Session,
    as_of: date,
    rules: Reminders,
    workdays: WorkingDays | None,
    tree: Tree,
    item_ids: list[int],
) -> list[Mail]:
    """The reminders and escalations for ``item_ids`` (a chunk of :func:`due_items`)."""
    dates = due_dates(as_of, rules, workdays)
    owner = aliased(User)
    rows = session.execute(
        select(Item, owner)
        .join(owner, owner.id == Item.owner_id)
        .where(Item.id.in_(item_ids))
        .order_by(Item.id)
    ).all()
    mails: list[Mail] = []
    escalating: list[tuple[Item, User, int]] = []
    for item, person in rows:
        assert item.deadline is not None
        late = (as_of - item.deadline).days
        params = _params(item, person)
        if late > 0:
            kind, subject = OVERDUE, render("mail_overdue", days=late, **params)
            if late >= rules.escalate_after_days:
                escalating.append((item, person, late))
        elif item.deadline == as_of:
            kind, subject = DUE, render("mail_due", **params)
        else:
            left = dates[item.deadline]
            kind, subject = REMINDER, render("mail_reminder", days=left, **params)
        body = render("mail_reminder_body", **params)
        mails.append(Mail(person.login, person.email, kind, item.id, as_of, subject, body))
    if escalating:
        approvers = defaultdict(list)
        wanted = {item.jurisdiction_id for item, _, _ in escalating}
        for user in staff(session, ("approver",), wanted):
            approvers[user.jurisdiction_id].append(user)
        for item, person, late in escalating:
            params = _params(item, person)
            where = tree.name(item.jurisdiction_id)
            for boss in approvers[item.jurisdiction_id]:
                subject = render(
                    "mail_escalation", days=late, jurisdiction=where, owner=person.name, **params
                )
                body = render(
                    "mail_escalation_body",
                    days=late,
                    owner=person.name,
                    **{**params, "name": boss.name},
                )
                mails.append(
                    Mail(boss.login, boss.email, ESCALATION, item.id, as_of, subject, body)
                )
    return mails


def _params(item: Item, person: User) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": person.name,
        "summary": item.summary or "",
        "deadline": item.deadline.isoformat() if item.deadline else "",
        "standard": item.standard or "",
    }


def next_run(cron: str, as_of: date) -> date:
    """The date of the first run of ``cron`` (Asia/Shanghai) on or after ``as_of``."""
    from apscheduler.triggers.cron import CronTrigger

    start = datetime(as_of.year, as_of.month, as_of.day, tzinfo=TZ)
    fire = CronTrigger.from_crontab(cron, timezone=TZ).get_next_fire_time(None, start)
    assert fire is not None
    return fire.date()


def digest_mails(
    session: Session,
    as_of: date,
    rules: Reminders,
    review_cron: str,
    sweep_cron: str,
    tree: Tree,
) -> list[Mail]:
    """Digests to reviewers and approvers in the windows before the review and the sweep."""
    mails: list[Mail] = []
    review = next_run(review_cron, as_of)
    if 0 < (review - as_of).days <= rules.digest_window_days:
        year = review.year + 1
        pending = session.execute(
            select(Item.jurisdiction_id, func.count())
            .where(Item.kind == WHITELIST, Item.year == year, Item.state.in_((SUBMITTED, REVIEWED)))
            .group_by(Item.jurisdiction_id)
        ).all()
        counts: dict[int, int] = {j: n for j, n in pending}
        for user in staff(session, ("reviewer", "approver"), counts):
            params = {"year": year, "count": counts[user.jurisdiction_id], "review": review}
            mails.append(_digest(user, DIGEST_PENDING, as_of, "mail_digest_pending", params))
    sweep = next_run(sweep_cron, as_of)
    if 0 < (sweep - as_of).days <= rules.digest_window_days:
        year = sweep.year
        per_jurisdiction = select(Item.jurisdiction_id, func.count()).group_by(Item.jurisdiction_id)
        missing = session.execute(lacking_evaluation(per_jurisdiction, year)).all()
        counts = {j: n for j, n in missing}
        for user in staff(session, ("approver",), counts):
            params = {"year": year, "count": counts[user.jurisdiction_id], "sweep": sweep}
            mails.append(
                _digest(user, DIGEST_UNEVALUATED, as_of, "mail_digest_unevaluated", params)
            )
    return mails


def _digest(user: User, kind: str, as_of: date, code: str, params: dict[str, Any]) -> Mail:
    subject = render(code, **params)
    body = render("mail_items_body", name=user.name, lines=subject)
    return Mail(user.login, user.email, kind, NO_ITEM, as_of, subject, body)
