"""Changing a deadline rule's timescale: a new version with an effective date, a preview of the open
cases it would move, then the admin's choice of which cases it reaches, audited. Issue 13: editing
"Local CSPR published" from 6 to 8 months used to move every live case's deadline silently.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from backoffice.domain.calendar import add_working_days
from backoffice.models import AuditEvent, DeadlineRule, Notification
from tests.helpers import count, shows, text
from tests.html_pages import form_fields, table
from tests.views.test_clock_views import deadline_of, sin_rule, two_csprs, version_url

FIRST_DUE = date(2025, 5, 12)  # 5 working days from 2 May 2025
SECOND_DUE = add_working_days(date(2025, 12, 10), 5)
SECOND_NEW_DUE = add_working_days(date(2025, 12, 10), 10)


def proposal(**changes) -> dict:
    return {"offset": "10", "unit": "working_days", "effective_from": "01/12/2025", "reach": "from_effective_date",
            "change_reason": "", "preview": "1", **changes}


def previewed(admin, rule, **changes):
    """The admin's preview of a change, and the form as they would confirm it."""
    page = admin.post(version_url(rule), proposal(**changes))
    assert page.status_code == 200, text(page)[:2000]
    fields = form_fields(page)
    fields.pop("preview", None)
    return page, {**fields, "confirm": "1"}


def versions(session) -> list[DeadlineRule]:
    session.expire_all()
    return list(session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "SIN_TO_PANEL")
                                .order_by(DeadlineRule.effective_from)))


def test_the_preview_lists_the_open_cases_that_would_move_and_writes_nothing(session, login_as):
    first, second = two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")
    audited = count(session, AuditEvent)

    page, _ = previewed(admin, rule)

    rows = table(page, "version-preview")
    assert [row[0].split()[0] for row in rows] == [second.reference]  # the May case is anchored before 1 Dec
    assert rows[0][1].startswith(f"{SECOND_DUE:%d %b %Y}") and rows[0][2].startswith(f"{SECOND_NEW_DUE:%d %b %Y}")
    assert [(v.offset, v.effective_to) for v in versions(session)] == [(5, None)]
    assert deadline_of(session, second, "SIN_TO_PANEL").due_date == SECOND_DUE
    assert count(session, AuditEvent) == audited


def test_a_version_from_its_effective_date_moves_only_cases_anchored_from_then(session, login_as):
    first, second = two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")
    _, confirm = previewed(admin, rule)

    response = admin.post(version_url(rule), confirm)

    assert response.status_code == 302, text(response)[:3000]
    old, new = versions(session)
    assert (old.offset, old.effective_to, new.offset, new.effective_from, str(new.reach)) == (
        5, date(2025, 11, 30), 10, date(2025, 12, 1), "from_effective_date")
    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == FIRST_DUE
    assert deadline_of(session, second, "SIN_TO_PANEL").due_date == SECOND_NEW_DUE
    assert session.scalars(select(Notification).where(Notification.case_id == second.id,
                                                      Notification.recipient == "national_panel")).one().due_date == SECOND_NEW_DUE
    assert shows(admin.get("/admin/deadline_rule/"), "1 open case has a new due date.")


def test_recomputing_open_cases_needs_a_reason_and_the_choice_is_audited(session, login_as):
    first, second = two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")

    refused = admin.post(version_url(rule), proposal(reach="open_cases"))
    assert shows(refused, "Say why open cases")
    assert table(refused, "version-preview") == [] and len(versions(session)) == 1

    page, confirm = previewed(admin, rule, reach="open_cases", change_reason="Panel guidance of Nov 2025")
    assert {row[0].split()[0] for row in table(page, "version-preview")} == {first.reference, second.reference}
    assert admin.post(version_url(rule), confirm).status_code == 302

    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == add_working_days(date(2025, 5, 2), 10)
    assert deadline_of(session, second, "SIN_TO_PANEL").due_date == SECOND_NEW_DUE
    new = versions(session)[-1]
    created = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "deadline_rule",
                                                       AuditEvent.object_id == new.id)).one()
    changes = json.loads(created.changes)
    assert changes["reach"][1] == "open_cases" and changes["change_reason"][1] == "Panel guidance of Nov 2025"
    assert created.actor_id is not None and "admin" in created.actor_roles


def test_a_deadline_already_met_never_moves(session, login_as):
    first, second = two_csprs(session)
    sent = session.scalars(select(Notification).where(Notification.case_id == first.id,
                                                      Notification.recipient == "national_panel")).one()
    sent.sent_date = date(2025, 5, 9)
    session.commit()
    rule = sin_rule(session)
    admin = login_as("admin")

    page, confirm = previewed(admin, rule, reach="open_cases", change_reason="Recompute")
    assert [row[0].split()[0] for row in table(page, "version-preview")] == [second.reference]
    assert shows(page, "1 deadline already met or waived keeps its date.")
    assert admin.post(version_url(rule), confirm).status_code == 302

    met = deadline_of(session, first, "SIN_TO_PANEL")
    assert (met.due_date, met.met_date, met.rule.offset) == (FIRST_DUE, date(2025, 5, 9), 5)


def test_a_change_made_after_the_preview_is_previewed_again_not_saved(session, login_as):
    two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")
    _, confirm = previewed(admin, rule)

    response = admin.post(version_url(rule), {**confirm, "offset": "20"})

    assert response.status_code == 200
    assert shows(response, "The change is not what was previewed")
    assert len(versions(session)) == 1


def test_a_version_must_start_after_the_current_one_and_change_something(session, login_as):
    two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")

    early = admin.post(version_url(rule), proposal(effective_from="12/04/2011"))
    same = admin.post(version_url(rule), proposal(offset="5"))
    typo = admin.post(version_url(rule), proposal(effective_from="31/02/2026"))

    assert shows(early, "The new version must start after the current one, which started on 13 Apr 2011.")
    assert shows(same, "The new version sets the same timescale as the current one.")
    assert shows(typo, "as a real date")
    assert len(versions(session)) == 1


def test_an_ended_version_sends_the_admin_to_the_newest(session, login_as):
    two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")
    admin.post(version_url(rule), previewed(admin, rule)[1])
    old, new = versions(session)

    response = admin.get(version_url(old))

    assert response.status_code == 302 and f"id={new.id}" in response.headers["Location"]
