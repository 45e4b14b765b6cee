"""Retention and disposal (issue 13, UK GDPR storage limitation): the schedule as data, legal holds,
the disposal queue, and what each decision does, on both databases. Nothing is disposed of without a
person's decision, and the audit trail keeps no personal value of what was disposed of yet still
verifies.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select, text

from backoffice.domain import audit, retention
from backoffice.models import (
    ConflictDeclaration,
    Meeting,
    AuditEvent, Case, DisposalDecision, FamilyInvolvement, LegalHold, RetentionRule, Tombstone, TransitionLog, User,
)
from backoffice.refusals import Refused
from tests import factories
from tests.helpers import stored_bytes, today

LEGAL_NAME = "Jane Ann Smithson"
CONTACT = "07700 900999, 12 Acacia Avenue"


def closed_case(years_ago: float, **fields) -> Case:
    """A CSPR closed as not notifiable `years_ago` years ago, with a named family member."""
    closed = datetime.combine(today() - timedelta(days=round(365.25 * years_ago)), time(12), tzinfo=timezone.utc)
    case = factories.CaseFactory(state="CLOSED_NOT_NOTIFIABLE", subject_legal_name=LEGAL_NAME, **fields)
    factories.FamilyFactory(case=case, name="Mary Smithson", contact_details=CONTACT, safety_notes="Do not call after 6pm")
    session = factories._session()
    session.add(TransitionLog(case=case, transition="close_not_notifiable", from_state="INCIDENT_REPORTED",
                              to_state="CLOSED_NOT_NOTIFIABLE", at=closed, note="Not notifiable."))
    session.commit()
    return case


def board_member() -> User:
    return factories.UserFactory(roles=["board"])


def queued(session, case: Case) -> list[str]:
    return [str(item.rule.record_class) for item in retention.review(session, today()) if item.case.id == case.id]


def item_for(session, case: Case, record_class: str = "not_progressed") -> retention.Due:
    found = retention.find(session, case.id, record_class, today())
    assert found is not None, queued(session, case)
    return found


def trail_text(session) -> str:
    session.expire_all()
    rows = session.execute(select(AuditEvent.changes, AuditEvent.restricted_changes)).all()
    return json.dumps([list(r) for r in rows])


def verifies(session, app) -> bool:
    return audit.verify(session.connection(), app.config["AUDIT_KEY"].encode()) is None


# --- the queue --------------------------------------------------------------------------------


def test_a_referral_not_progressed_is_due_six_years_after_closure_and_its_family_details_after_one(session):
    old, recent = closed_case(7), closed_case(2)
    still_open = factories.CaseFactory()

    assert sorted(queued(session, old)) == ["family_contacts", "not_progressed"]
    assert queued(session, recent) == ["family_contacts"]
    assert queued(session, still_open) == []


def test_the_schedule_is_data_an_admin_changes(session):
    case = closed_case(7)
    rule = session.scalars(select(RetentionRule).where(RetentionRule.record_class == "not_progressed")).one()
    rule.months = 120
    session.commit()

    assert "not_progressed" not in queued(session, case)


# --- legal holds ------------------------------------------------------------------------------


def test_a_legal_hold_keeps_a_record_listed_but_refuses_every_disposal(session, app):
    case = closed_case(7)
    session.add(LegalHold(case_id=case.id, kind="inquiry", reason="Independent inquiry request", placed_on=today()))
    session.commit()
    item = item_for(session, case)

    assert item.hold is not None
    with pytest.raises(Refused, match="nothing may be disposed of until it is lifted"):
        retention.decide(session, item, "destroy", "Past retention", None, board_member().id, today(), app.config["UPLOAD_DIR"])
    session.rollback()
    with pytest.raises(Refused, match="legal hold"):
        session.delete(session.get(Case, case.id))  # any other path: a script, a shell
        session.flush()
    session.rollback()
    assert session.get(Case, case.id) is not None


def test_once_lifted_with_a_reason_the_record_may_be_decided(session, app):
    case = closed_case(7)
    hold = LegalHold(case_id=case.id, kind="litigation", reason="Claim issued", placed_on=today() - timedelta(days=30),
                     lifted_on=today(), lift_reason="Claim settled")
    session.add(hold)
    session.commit()

    assert item_for(session, case).hold is None


# --- retaining --------------------------------------------------------------------------------


def test_retaining_needs_a_reason_and_a_later_review_date_and_takes_it_off_the_queue_until_then(session, app):
    case = closed_case(7)
    decide = lambda reason, on: retention.decide(  # noqa: E731
        session, item_for(session, case), "retain", reason, on, board_member().id, today(), app.config["UPLOAD_DIR"])

    with pytest.raises(Refused, match="reason"):
        decide("  ", today() + timedelta(days=30))
    with pytest.raises(Refused, match="after today"):
        decide("Sibling's review may need it", today())
    session.rollback()
    decide("Sibling's review may need it", today() + timedelta(days=30))
    session.commit()

    assert "not_progressed" not in queued(session, case)
    later = [i.case.id for i in retention.review(session, today() + timedelta(days=31))]
    assert case.id in later


# --- destroying -------------------------------------------------------------------------------


def test_destroying_leaves_a_tombstone_and_no_personal_value_in_the_trail_which_still_verifies(session, app):
    case = closed_case(7)
    document = factories.DocumentFactory(case=case)
    stored = document.stored_name
    assert stored_bytes(app, stored) is not None
    reference, board = case.reference, board_member()
    assert LEGAL_NAME in trail_text(session) and "07700 900999" in trail_text(session)

    retention.decide(session, item_for(session, case), "destroy", "Six years after closure; no reason to keep it",
                     None, board.id, today(), app.config["UPLOAD_DIR"])
    session.commit()

    assert session.scalars(select(Case).where(Case.reference == reference)).first() is None
    assert session.scalars(select(FamilyInvolvement)).all() == []
    assert stored_bytes(app, stored) is None
    tombstone = session.scalars(select(Tombstone).where(Tombstone.reference == reference)).one()
    assert (tombstone.authorised_by_id, tombstone.reason, str(tombstone.record_class)) == (
        board.id, "Six years after closure; no reason to keep it", "not_progressed")
    assert tombstone.audit_rows_redacted > 0
    decision = session.scalars(select(DisposalDecision).where(DisposalDecision.case_reference == reference)).one()
    assert (decision.case_id, str(decision.action)) == (None, "destroy")
    trail = trail_text(session)
    assert LEGAL_NAME not in trail and "07700 900999" not in trail and "Mary Smithson" not in trail
    assert "(disposed)" in trail
    assert verifies(session, app)
    disposed = session.scalars(select(AuditEvent).where(AuditEvent.action == "dispose")).one()
    assert disposed.object_ref == reference and disposed.actor_id is None or disposed.object_ref == reference


def test_a_destroyed_case_leaves_the_meetings_it_was_discussed_at_without_it(session, app):
    case, other = closed_case(7), factories.CaseFactory()
    minutes = factories.DocumentFactory(case=case, document_type="minutes", title="Panel minutes")
    meeting = factories.MeetingFactory(minutes=minutes)
    for on_agenda in (case, other):
        factories.AgendaItemFactory(meeting=meeting, case=on_agenda)
    factories.ConflictFactory(meeting=meeting, case=case)

    retention.decide(session, item_for(session, case), "destroy", "Six years after closure; no reason to keep it",
                     None, board_member().id, today(), app.config["UPLOAD_DIR"])
    session.commit()

    session.expire_all()
    kept = session.get(Meeting, meeting.id)
    assert [item.case for item in kept.agenda] == [other]
    assert kept.minutes is None and session.scalars(select(ConflictDeclaration)).all() == []


def test_earlier_decisions_on_a_destroyed_case_stay_on_record_by_reference(session, app):
    case = closed_case(7)
    reference, board = case.reference, board_member()
    session.add(DisposalDecision(case_id=case.id, case_reference=reference, review_type=case.review_type,
                                 record_class="not_progressed", action="retain", reason="Inquiry pending",
                                 review_on=today() - timedelta(days=1), decided_by_id=board.id))
    session.commit()

    retention.decide(session, item_for(session, case), "destroy", "Inquiry closed", None, board.id, today(),
                     app.config["UPLOAD_DIR"])
    session.commit()

    kept = session.scalars(select(DisposalDecision).where(DisposalDecision.case_reference == reference)
                           .order_by(DisposalDecision.id)).all()
    assert [(str(d.action), d.reason, d.case_id) for d in kept] == [
        ("retain", "Inquiry pending", None), ("destroy", "Inquiry closed", None)]


def test_the_family_details_are_anonymised_the_case_stays_and_the_trail_still_verifies(session, app):
    case = closed_case(2)
    retention.decide(session, item_for(session, case, "family_contacts"), "anonymise", "A year after closure",
                     None, board_member().id, today(), app.config["UPLOAD_DIR"])
    session.commit()

    member = session.scalars(select(FamilyInvolvement).where(FamilyInvolvement.case_id == case.id)).one()
    assert (member.name, member.contact_details, member.safety_notes, member.relationship_to_subject) == (
        None, None, None, "Mother")
    assert session.get(Case, case.id).subject_legal_name == LEGAL_NAME  # only the family's details went
    trail = trail_text(session)
    assert CONTACT not in trail and "Do not call after 6pm" not in trail and LEGAL_NAME in trail
    assert verifies(session, app)
    assert queued(session, case) == []


def test_family_contact_details_are_never_destroyed_on_their_own(session, app):
    case = closed_case(2)
    with pytest.raises(Refused, match="may not be destroyed"):
        retention.decide(session, item_for(session, case, "family_contacts"), "destroy", "Tidy up", None,
                         board_member().id, today(), app.config["UPLOAD_DIR"])


def test_a_redacted_row_edited_afterwards_breaks_the_chain(session, app, engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the trigger refuses the edit itself (test_audit_event_stays_append_only)")
    case = closed_case(7)
    retention.decide(session, item_for(session, case), "destroy", "Past retention", None, board_member().id, today(),
                     app.config["UPLOAD_DIR"])
    session.commit()
    redacted = session.scalars(select(AuditEvent.id).where(AuditEvent.redacted_by.is_not(None))).first()

    session.execute(text("UPDATE audit_event SET changes = :c WHERE id = :id"),
                    {"c": '{"subject_pseudonym": [null, "Someone Else"]}', "id": redacted})
    session.commit()

    assert audit.verify(session.connection(), app.config["AUDIT_KEY"].encode()) == redacted


def test_audit_event_stays_append_only_except_for_an_attested_redaction(session, app, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    case = closed_case(7)
    row_id = session.scalars(select(AuditEvent.id).where(AuditEvent.object_ref == case.reference)).first()
    session.commit()
    for statement in ("UPDATE audit_event SET actor = 'someone' , redacted_by = 999999 WHERE id = :id",
                      "UPDATE audit_event SET changes = '{}' WHERE id = :id",
                      "DELETE FROM audit_event WHERE id = :id"):
        with pytest.raises(Exception):
            session.execute(text(statement), {"id": row_id})
        session.rollback()
