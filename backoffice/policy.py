"""Who may do what: the one policy table every view, route and test derives from.

A user holds one or more roles and works in one or more review streams. `POLICY` maps each
resource and action to the roles allowed; `may()` answers for the current user. Nothing else in
the code base decides access by role.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Iterable

from flask import g, has_request_context, request
from flask_login import current_user


class RoleName(StrEnum):
    """The five roles; a user may hold several."""

    BUSINESS_SUPPORT = "business_support"
    PANEL = "panel"
    BOARD = "board"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Stream(StrEnum):
    """The review streams a user works in; each maps to one review type."""

    CHILDREN = "children"
    ADULTS = "adults"
    DOMESTIC_ABUSE = "domestic_abuse"


BS, PANEL, BOARD, AUDITOR, ADMIN = (
    RoleName.BUSINESS_SUPPORT,
    RoleName.PANEL,
    RoleName.BOARD,
    RoleName.AUDITOR,
    RoleName.ADMIN,
)
CASE_READERS = frozenset({BS, PANEL, BOARD, AUDITOR})
NOBODY: frozenset[RoleName] = frozenset()

def case_record_kept_by(keepers: frozenset[RoleName] | RoleName, *,
                        exported_by: frozenset[RoleName] = frozenset({AUDITOR})) -> dict[str, frozenset[RoleName]]:
    """The policy of a record of a case that `keepers` keep and every case reader reads: auditors export
    it (every row) and read its archive."""
    keepers = frozenset({keepers}) if isinstance(keepers, RoleName) else keepers
    return {"read": CASE_READERS, "create": keepers, "edit": keepers, "archive": keepers, "export": exported_by,
            "export_all": frozenset({AUDITOR}), "read_archived": frozenset({AUDITOR})}


# Actions: read (list and details), create, edit (forms and inline edit), archive (the only way a
# record leaves the lists: nothing is hard-deleted), export (CSV), approve (board sign-off),
# publish, restricted (see legal names and contact details), read_archived (see archived records),
# transition (move a case through its lifecycle), waive (set a deadline aside, with a reason),
# decide (retain or anonymise a record past its retention period), destroy (authorise its destruction),
# export_all (export every matching row, where others stop at EXPORT_MAX_ROWS).
POLICY: dict[str, dict[str, frozenset[RoleName]]] = {
    "case": {
        "read": CASE_READERS,
        "create": frozenset({BS}),
        "edit": frozenset({BS}),
        "archive": frozenset({BS}),
        "export": frozenset({BS, AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
        "restricted": frozenset({BS}),
        "read_archived": frozenset({AUDITOR}),
        # Each lifecycle step also names the roles that may take it (domain/lifecycle.py).
        "transition": frozenset({BS, PANEL, BOARD}),
        "tell_referrer": frozenset({BS}),  # email a SAR's referrer the decision and reasons
    },
    "decision": {
        "read": CASE_READERS,
        "create": frozenset({PANEL}),
        "edit": frozenset({PANEL}),
        "archive": frozenset({PANEL}),
        "approve": frozenset({BOARD}),
        "export": frozenset({AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
        "read_archived": frozenset({AUDITOR}),
    },
    "family": {
        "read": frozenset({BS, PANEL, AUDITOR}),
        "create": frozenset({BS}),
        "edit": frozenset({BS}),
        "archive": frozenset({BS}),
        "export": frozenset({AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
        "restricted": frozenset({BS}),
        "read_archived": frozenset({AUDITOR}),
    },
    "document": {
        "read": CASE_READERS,
        "create": frozenset({BS}),
        "edit": frozenset({BS}),
        "archive": frozenset({BS}),
        "approve": frozenset({BOARD}),
        "publish": frozenset({BOARD}),
        "export": frozenset({AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
        "read_archived": frozenset({AUDITOR}),
    },
    "publication": {
        "read": CASE_READERS,
        "edit": frozenset({BS}),
        "approve": frozenset({BOARD}),
        "read_archived": frozenset({AUDITOR}),
    },
    "notification": case_record_kept_by(BS),
    # What agencies are asked for: business support keeps them; the panel, board and auditor read them.
    "contribution": case_record_kept_by(BS, exported_by=frozenset({BS, AUDITOR})),
    # The independent chair, lead reviewer and author of a review: business support keeps them.
    "appointment": case_record_kept_by(BS),
    # Panel and partnership meetings: business support sets them up and produces their papers, which
    # only the roles the members attend in may read (domain/meetings.papers_readable_by narrows "papers").
    "meeting": {**case_record_kept_by(BS), "papers": frozenset({BS, PANEL, BOARD})},
    # The conflicts of interest declared at a meeting on a case: the panel records them.
    "meeting_conflict": case_record_kept_by(PANEL),
    # The learning loop: business support records findings, actions and their progress; the panel drafts
    # recommendations; the board approves a review's recommendations and accepts or returns evidence.
    "finding": case_record_kept_by(BS),
    "recommendation": {**case_record_kept_by(PANEL), "approve": frozenset({BOARD})},
    "action": {**case_record_kept_by(BS), "accept_evidence": frozenset({BOARD})},
    # Online referrals waiting for triage: business support accepts, rejects or marks them duplicate;
    # auditors read them. What the referrer wrote is restricted data.
    "intake": {"read": frozenset({BS, AUDITOR}), "triage": frozenset({BS}), "restricted": frozenset({BS})},
    # Reports and the statutory and national outputs, from the records of the user's streams.
    "report": {"read": frozenset({BS, BOARD, AUDITOR}), "export": frozenset({BS, BOARD, AUDITOR})},
    "hold": {
        "read": CASE_READERS,
        "create": frozenset({BS}),
        "edit": frozenset({BS}),
        "archive": frozenset({BS}),
        "read_archived": frozenset({AUDITOR}),
    },
    "deadline": {
        "read": CASE_READERS,
        "waive": frozenset({BOARD}),
        "export": frozenset({AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
    },
    "deadline_rule": {
        "read": frozenset({ADMIN, AUDITOR}),
        "create": frozenset({ADMIN}),
        "edit": frozenset({ADMIN}),
    },
    "audit": {
        "read": frozenset({AUDITOR, ADMIN}),
        "export": frozenset({AUDITOR}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
    },
    "agency": {
        "read": frozenset({BS, PANEL, BOARD, AUDITOR, ADMIN}),
        "create": frozenset({BS, ADMIN}),
        "edit": frozenset({BS, ADMIN}),
        "export": frozenset({BS, AUDITOR, ADMIN}),
        "export_all": frozenset({AUDITOR}),  # beyond EXPORT_MAX_ROWS
    },
    "reference_data": {
        "read": frozenset({ADMIN, AUDITOR}),
        "create": frozenset({ADMIN}),
        "edit": frozenset({ADMIN}),
    },
    "public_text": {  # the public page's editable text ("How to refer a case")
        "read": frozenset({ADMIN, AUDITOR}),
        "edit": frozenset({ADMIN}),
    },
    "user": {
        "read": frozenset({ADMIN, AUDITOR}),
        "create": frozenset({ADMIN}),
        "edit": frozenset({ADMIN}),
    },
    # Retention: admins keep the schedule; a legal hold stops disposal; business support and the board
    # decide what is retained or anonymised, and only the board authorises destruction.
    "retention_rule": {
        "read": frozenset({ADMIN, AUDITOR}),
        "edit": frozenset({ADMIN}),
    },
    "legal_hold": {
        "read": frozenset({BS, BOARD, AUDITOR}),
        "create": frozenset({BS, BOARD}),
        "edit": frozenset({BS, BOARD}),
    },
    "disposal": {
        "read": frozenset({BS, BOARD, AUDITOR}),
        "decide": frozenset({BS, BOARD}),
        "destroy": frozenset({BOARD}),
    },
    "tombstone": {
        "read": frozenset({BS, BOARD, AUDITOR}),
    },
}

# Resources that are case content: readable only within the case's review stream, and never by admins.
CASE_RESOURCES = frozenset({"case", "decision", "family", "document", "publication", "notification", "hold", "deadline",
                            "legal_hold", "disposal", "contribution", "appointment", "meeting", "meeting_conflict",
                            "finding", "recommendation", "action", "intake", "report"})

# Plain (non Flask-Admin) endpoints: PUBLIC needs no login, SIGNED_IN any signed-in user,
# SIGN_IN_STEP is part of signing in, and a (resource, action) pair defers to POLICY. The access-matrix test fails on an endpoint missing here.
PUBLIC = "public"
SIGNED_IN = "signed_in"
SIGN_IN_STEP = "sign_in_step"  # a step of signing in (second factor, recovery): Flask-Security keeps the order
ROUTES: dict[str, str | tuple[str, str]] = {
    "static": PUBLIC,
    "security.login": PUBLIC,
    "security.logout": SIGNED_IN,
    "security.change_password": SIGNED_IN,
    "security.verify": SIGNED_IN,
    "security.static": PUBLIC,
    "security.two_factor_token_validation": SIGN_IN_STEP,
    "security.two_factor_setup": SIGN_IN_STEP,
    "security.two_factor_setup_validate": SIGN_IN_STEP,
    "security.tf_select": SIGN_IN_STEP,
    "security.two_factor_rescue": SIGN_IN_STEP,
    "security.mf_recovery": SIGN_IN_STEP,
    "security.mf_recovery_codes": SIGNED_IN,
    "index": PUBLIC,
    "favicon": PUBLIC,
    "admin.index": SIGNED_IN,
    "admin.reminders_view": SIGNED_IN,  # the user's own reminder emails
    "admin.static": PUBLIC,
    "documents.download": ("document", "read"),
    "documents.download_version": ("document", "read"),
    "reviews.index": PUBLIC,
    "reviews.document": PUBLIC,
    "accessibility.accessibility": PUBLIC,
    "health.healthz": PUBLIC,
    "health.readyz": PUBLIC,
    "reports.index": ("report", "read"),
    "reports.sab_view": ("report", "export"),
    "reports.scrt_view": ("report", "export"),
    "reports.yearly_view": ("report", "export"),
    "reports.library_view": ("report", "export"),
    "reports.completeness_view": ("report", "export"),
    "refer.start": PUBLIC,
    "refer.question": PUBLIC,
    "refer.check": PUBLIC,
    "refer.done": PUBLIC,
}


def roles_allowed(resource: str, action: str) -> frozenset[RoleName]:
    """The roles that may take `action` on `resource`; unknown pairs allow nobody."""
    return POLICY.get(resource, {}).get(action, NOBODY)


def user_roles(user=None) -> frozenset[RoleName]:
    """The role names the user holds (empty for anonymous or disabled users)."""
    if user is None:
        return _for_current_user("roles", _roles_of)
    return _roles_of(user)


def _roles_of(user) -> frozenset[RoleName]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return NOBODY
    return frozenset(RoleName(r.name) for r in user.roles)


def may(resource: str, action: str, user=None) -> bool:
    """Whether the user (the current one by default) may take `action` on `resource`."""
    if user is None:
        return _for_current_user((resource, action), lambda u: bool(_roles_of(u) & roles_allowed(resource, action)))
    return bool(user_roles(user) & roles_allowed(resource, action))


def _for_current_user(key, work):
    """`work(current user)`, worked out once per request and user: a list asks may() for every cell."""
    if not has_request_context():
        return work(current_user)
    # Flask-Login keeps the request's user in g (the proxy's lookup costs more than the answer).
    user = g.get("_login_user") or current_user._get_current_object()
    memo = getattr(request, "_policy_memo", None)
    if memo is None or memo[0] is not user:  # the first question, or someone signed in or out since
        memo = request._policy_memo = (user, {})
    if key not in memo[1]:
        memo[1][key] = work(user)
    return memo[1][key]


def may_any(resource: str, actions: Iterable[str], user=None) -> bool:
    """Whether the user may take at least one of `actions` on `resource`."""
    return any(may(resource, action, user) for action in actions)


def user_streams(user=None) -> frozenset[Stream]:
    """The review streams the user works in."""
    if user is None:
        return _for_current_user("streams", _streams_of)
    return _streams_of(user)


def _streams_of(user) -> frozenset[Stream]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.streams)
