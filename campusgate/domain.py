"""The domain's values, defined once: kinds, states, basis kinds, sources, aspects, roles,
levels, ratings and outcomes (SPEC §2–§4).

Storage (CHECK constraints), the workflow tables, validation and the CLI's choices all import
them from here; nothing else spells them out.
"""

from __future__ import annotations

SUBMITTED, REVIEWED, FILED, PUBLISHED, SUSPENDED, REVOKED = (
    "submitted",
    "reviewed",
    "filed",
    "published",
    "suspended",
    "revoked",
)
STATES = (SUBMITTED, REVIEWED, FILED, PUBLISHED, SUSPENDED, REVOKED)
FINAL_STATES = (REVOKED,)
#: every state but the final one
LIVE = (SUBMITTED, REVIEWED, FILED, PUBLISHED, SUSPENDED)
#: The states in which a whitelist item is evaluated at the year's end.
EVALUABLE = (PUBLISHED, SUSPENDED)

WHITELIST = "whitelist"
RECTIFICATION = "rectification"
KINDS = (WHITELIST, RECTIFICATION)

#: Admission standards (SPEC §4.2), in the order centralised filing takes them (SPEC §6).
BASIS_KINDS = ("law", "joint", "unified", "emergency")
FILING_PRIORITY = {kind: rank for rank, kind in enumerate(BASIS_KINDS)}
#: Aspects of a clue (SPEC §4.4).
ASPECTS = ("inspections", "social-affairs", "paperwork", "forms", "secondment", "duty", "formalism")
#: Where a clue came from (SPEC §3.2).
SOURCES = ("hotline", "mailbox", "school", "teacher", "inspection", "evaluation")
ROLES = ("applicant", "reviewer", "approver", "admin")
LEVELS = ("province", "city", "county")
RATINGS = ("good", "adequate", "poor")
#: Evaluation outcomes (SPEC §4.6).
OUTCOMES = ("keep", "suspend", "rectify", "revoke", "retire")
