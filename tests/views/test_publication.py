"""Publishing a review: the board publishes only when every gate is closed, and each open gate says
why; documents pass the anonymisation check before approval and publication; the publication
record is kept by business support, approved by the board and fixed once published.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backoffice import clock
from backoffice.domain.calendar import add_months, add_working_days, sub_working_days
from backoffice.vocabulary import ReviewType
from backoffice.domain import rule_versions
from backoffice.models import Case, DeadlineRule, DocumentStatus, DocumentType, EngagementStatus, PublishedDocument
from tests import factories
from tests.generated_documents import report_docx, report_pdf
from tests.helpers import page_text, reload
from tests.html_pages import list_items

LEGAL_NAME = "Jayden Okonkwo"
DOB = date(2014, 3, 7)
STATE = {ReviewType.CSPR: "PRE_PUBLICATION_NOTIFIED", ReviewType.SAR: "SAB_APPROVAL", ReviewType.DHR: "PUBLICATION_PENDING"}
STREAM = {ReviewType.CSPR: "children", ReviewType.SAR: "adults", ReviewType.DHR: "domestic_abuse"}
CLEAN = report_pdf(["Child Q was known to several agencies.", "The review found that information was not shared."])


def ready_case(review_type: ReviewType = ReviewType.CSPR, content: bytes = CLEAN, **fields) -> Case:
    """A review in the state before publication with every gate closed."""
    case = factories.CaseFactory(
        review_type=review_type,
        state=STATE[review_type],
        subject_pseudonym="Child Q",
        subject_legal_name=LEGAL_NAME,
        subject_dob=DOB if review_type is ReviewType.CSPR else date(1980, 3, 7),
        incident_date=date(2025, 1, 6),
        aware_date=date(2025, 1, 7),
        referral_date=date(2025, 1, 8),
    )
    document = factories.ready_to_publish(case)
    factories.replace_content(document, content)
    for name, value in fields.items():
        setattr(case, name, value)
    factories._session().commit()
    return case


def publish(signed_in, case: Case, step: str = "publish", on: date | None = None):
    return signed_in.post(
        f"/admin/case/transition/?id={case.id}&step={step}",
        data={"publication_date": (on or clock.today()).isoformat(), "note": "Published on the website."},
    )


def board(login_as, case):
    return login_as("board", streams=[STREAM[ReviewType(case.review_type)]])


def nothing_published(session, case_id: int) -> bool:
    session.expire_all()
    case = session.get(Case, case_id)
    result = case.publication_date is None and case.state in STATE.values() and not any(
        d.status == DocumentStatus.PUBLISHED for d in case.documents
    )
    session.commit()
    return result


# --- the gates ------------------------------------------------------------------------------


def open_decision(session, case):
    case.publication_decision = None


def open_reason(session, case):
    case.publication_decision, case.publication_reason = "executive_summary", None


def open_title(session, case):
    case.anonymised_title = " "


def title_with_the_name(session, case):
    case.anonymised_title = f"The review of {LEGAL_NAME}"


def not_approved(session, case):
    case.publication_approved_at = None


def embargoed(session, case):
    case.embargo_reason, case.embargo_until = "Until the criminal trial ends.", clock.today() + timedelta(days=30)


def embargoed_until_lifted(session, case):
    case.embargo_reason = "Until the inquest ends."


def notice_missing(session, case):
    for notification in case.notifications:
        if str(notification.recipient) == "national_panel":
            notification.sent_date = None


def notice_too_recent(session, case):
    for notification in case.notifications:
        notification.sent_date = clock.today()


def family_not_told(session, case):
    factories.FamilyFactory(case=case, relationship_to_subject="Grandmother", engagement_status=EngagementStatus.ENGAGED)


def document_not_approved(session, case):
    for document in case.documents:
        document.status = DocumentStatus.DRAFT


def wrong_document(session, case):
    for document in case.documents:
        document.document_type = DocumentType.LEARNING_BRIEF


def name_in_the_document(session, case):
    factories.replace_content(case.documents[0], report_pdf("Summary", [f"{LEGAL_NAME} lived with his mother."]))


GATES = [
    (open_decision, "Record the publication decision."),
    (open_reason, "Record the reason for the decision: publish the executive summary only."),
    (open_title, "Give the review its anonymised title."),
    (title_with_the_name, "The anonymised title contains a real name."),
    (not_approved, "The board has not approved the publication."),
    (embargoed, "Publication is embargoed until"),
    (embargoed_until_lifted, "Publication is embargoed until it is lifted: Until the inquest ends."),
    (notice_missing, "Record the date the report was sent to the National Panel."),
    (notice_too_recent, "The National Panel was told on"),
    (family_not_told, "Tell the family the publication date first (not yet told: Grandmother)."),
    (document_not_approved, "Publishing needs the overview report approved by the board (see Documents)."),
    (wrong_document, "Publishing needs the overview report approved by the board (see Documents)."),
    (name_in_the_document, "found the subject's legal name in page 2"),
]


@pytest.mark.parametrize(("open_gate", "reason"), GATES, ids=[g.__name__ for g, _ in GATES])
def test_each_open_gate_refuses_publication_with_its_reason(app, session, login_as, open_gate, reason):
    case = ready_case()
    open_gate(session, case)
    session.commit()

    response = publish(board(login_as, case), case)

    assert response.status_code == 200
    assert reason in page_text(response)
    assert nothing_published(session, case.id)


def test_with_every_gate_closed_the_board_publishes_the_review_and_its_documents(app, session, login_as):
    case = ready_case()
    draft = factories.DocumentFactory(case=case, title="Unfinished briefing", status=DocumentStatus.DRAFT)

    response = publish(board(login_as, case), case)

    assert response.status_code == 302, page_text(response)[:3000]
    session.expire_all()
    case = session.get(Case, case.id)
    assert case.state == "PUBLISHED"
    assert case.publication_date == clock.today()
    assert case.online_until == add_months(clock.today(), 12)
    statuses = {d.title: d.status for d in case.documents}
    assert statuses.pop("Unfinished briefing") == DocumentStatus.DRAFT  # only approved documents go out
    assert set(statuses.values()) == {DocumentStatus.PUBLISHED}
    assert draft.id


def test_a_dhr_is_published_only_after_home_office_quality_assurance(app, session, login_as):
    case = ready_case(ReviewType.DHR, ho_qa_outcome=None)

    response = publish(board(login_as, case), case)

    assert "A DHR is published only after the Home Office quality assurance panel has approved it." in page_text(response)
    assert nothing_published(session, case.id)


def test_a_dardr_also_needs_its_copies_to_the_secretary_of_state_and_the_domestic_abuse_commissioner(
    app, session, login_as
):
    case = ready_case(ReviewType.DHR)
    app.config["DARDR_FROM"] = "2025-01-01"
    signed_in = board(login_as, case)
    try:
        refused = publish(signed_in, case)
        for recipient in ("secretary_of_state", "domestic_abuse_commissioner"):
            factories.sent(case, recipient, "dardr_report", clock.today() - timedelta(days=3))
        session.commit()
        accepted = publish(signed_in, case)
    finally:
        app.config["DARDR_FROM"] = None

    assert "Record the date the report was sent to the Secretary of State." in page_text(refused)
    assert "Record the date the report was sent to the Domestic Abuse Commissioner." in page_text(refused)
    assert accepted.status_code == 302
    assert reload(session, case).state == "PUBLISHED"


def test_a_dhr_cannot_be_recorded_as_published_before_the_home_office_approved_it(app, session, login_as):
    letter = sub_working_days(clock.today(), 5)
    case = ready_case(ReviewType.DHR, ho_qa_letter_date=letter)
    signed_in = board(login_as, case)

    refused = publish(signed_in, case, on=letter - timedelta(days=14))

    assert refused.status_code == 200
    assert (f"The publication date cannot be before the Home Office's quality assurance approval "
            f"({letter:%d %b %Y}).") in page_text(refused)
    assert nothing_published(session, case.id)
    assert publish(signed_in, case, on=letter).status_code == 302
    assert reload(session, case).publication_date == letter


def test_the_cspr_notice_period_is_judged_on_the_publication_date_recorded_not_today(app, session, login_as):
    """The notices went 30 days ago, so today the period is over; but a publication recorded as one
    working day after them was too early, and is refused."""
    case = ready_case()
    sent_on = case.sent_on("national_panel:pre_publication")
    signed_in = board(login_as, case)

    refused = publish(signed_in, case, on=add_working_days(sent_on, 1))

    assert refused.status_code == 200
    follows = add_working_days(sent_on, 7)
    assert f"The National Panel was told on {sent_on:%d %b %Y}; publication may follow from {follows:%d %b %Y}." in (
        page_text(refused))
    assert nothing_published(session, case.id)
    assert publish(signed_in, case, on=follows).status_code == 302
    assert reload(session, case).publication_date == follows


def test_a_notice_sent_on_a_saturday_counts_its_working_days_from_the_monday(app, session, login_as):
    case = ready_case()
    saturday = clock.today() - timedelta(days=28 + (clock.today().weekday() + 2) % 7)
    assert saturday.weekday() == 5
    for notice in case.notifications:
        notice.sent_date = saturday
    session.commit()
    seventh = add_working_days(saturday, 7)  # the seventh working day after it (the next Monday is the first)

    assert publish(board(login_as, case), case, on=seventh).status_code == 302
    assert reload(session, case).publication_date == seventh


def test_a_dardr_is_published_through_the_interface_once_business_support_record_its_two_copies(
    app, session, login_as
):
    case = ready_case(ReviewType.DHR)
    app.config["DARDR_FROM"] = "2025-01-01"
    clerk = login_as("business_support", streams=["domestic_abuse"])
    try:
        form = page_text(clerk.get(f"/admin/notification/new/?case_id={case.id}"))
        for recipient in ("secretary_of_state", "domestic_abuse_commissioner"):
            recorded = clerk.post(f"/admin/notification/new/?case_id={case.id}", data={
                "case": str(case.id), "recipient": recipient, "purpose": "dardr_report",
                "sent_date": (clock.today() - timedelta(days=2)).isoformat(), "reference": "", "note": ""})
            assert recorded.status_code == 302, page_text(recorded)[:2000]
        published = publish(board(login_as, case), case)
    finally:
        app.config["DARDR_FROM"] = None

    assert "Copy of the DARDR report (Victims and Prisoners Act 2024 s19)" in form
    assert "Serious incident notification" not in form  # a CSPR's, not offered on a DHR
    assert published.status_code == 302, page_text(published)[:2000]
    assert reload(session, case).state == "PUBLISHED"


def test_a_notification_for_another_type_of_review_is_refused_by_name(app, session, login_as):
    case = factories.CaseFactory(review_type=ReviewType.CSPR)
    clerk = login_as("business_support")

    refused = clerk.post("/admin/notification/new/", data={
        "case": str(case.id), "recipient": "secretary_of_state", "purpose": "dardr_report",
        "sent_date": clock.today().isoformat(), "reference": "", "note": ""})

    assert refused.status_code == 200
    assert "A Child Safeguarding Practice Review has no such notification" in page_text(refused)
    assert not [n for n in reload(session, case).notifications if n.purpose == "dardr_report"]


@pytest.mark.parametrize("review_type", [ReviewType.SAR, ReviewType.DHR])
def test_sars_and_dhrs_need_no_panel_notice(app, session, login_as, review_type):
    case = ready_case(review_type)

    assert publish(board(login_as, case), case).status_code == 302
    assert reload(session, case).state == "PUBLISHED"


def test_publishing_the_improvements_only_needs_that_decision_and_a_statement_of_improvements(app, session, login_as):
    case = ready_case()
    signed_in = board(login_as, case)

    refused = publish(signed_in, case, "publish_improvements")
    case = reload(session, case)
    case.publication_decision, case.publication_reason = "improvements_only", "The family asked us not to publish."
    case.documents[0].document_type = DocumentType.IMPROVEMENTS_STATEMENT
    session.commit()
    accepted = signed_in.post(
        f"/admin/case/transition/?id={case.id}&step=publish_improvements",
        data={"publication_date": clock.today().isoformat(), "note": "The improvements only."},
    )

    assert "The publication decision recorded is 'Publish the report in full'." in page_text(refused)
    assert accepted.status_code == 302
    assert reload(session, case).state == "PUBLISHED_IMPROVEMENTS_ONLY"


def test_a_sar_is_not_published_only_with_that_decision_recorded(app, session, login_as):
    case = ready_case(ReviewType.SAR)
    signed_in = board(login_as, case)
    step = {"note": "The family did not want the report published."}

    refused = signed_in.post(f"/admin/case/transition/?id={case.id}&step=do_not_publish", data=step)
    case = reload(session, case)
    case.publication_decision, case.publication_reason = "not_published", "The family's wish."
    session.commit()
    accepted = signed_in.post(f"/admin/case/transition/?id={case.id}&step=do_not_publish", data=step)

    assert "Record the publication decision 'Not published', with the reason, first" in page_text(refused)
    assert accepted.status_code == 302
    assert reload(session, case).state == "NOT_PUBLISHED_WITH_REASONS"


def test_the_publication_page_lists_each_gate_done_or_open(app, session, login_as):
    case = ready_case()
    family_not_told(session, case)
    session.commit()

    gates = list_items(login_as("panel").get(f"/admin/publication/details/?id={case.id}"), "publication-gates")

    assert "Open Family told the publication date Tell the family the publication date first (not yet told: Grandmother)." in gates
    assert "Done Anonymisation check passed" in gates
    assert "Done The National Panel told at least 7 working days before" in gates


def test_the_notice_gate_follows_the_deadline_rule_an_admin_changes(app, session, login_as):
    """The notice period is the PRE_PUBLICATION_NOTICE rule's, in the version the case follows: the gate
    has no number of its own."""
    case = ready_case()
    rule = session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "PRE_PUBLICATION_NOTICE")).one()
    rule_versions.adopt(session, rule, rule_versions.propose(
        session, rule, offset=-10, unit=rule.unit, extendable_by_hold=False, effective_from=date(2025, 1, 1),
        reach="open_cases", reason="Local procedure revised"))
    session.commit()

    gates = list_items(login_as("panel").get(f"/admin/publication/details/?id={case.id}"), "publication-gates")

    assert any("The National Panel told at least 10 working days before" in gate for gate in gates)


# --- the anonymisation check on documents ------------------------------------------------------


ACTION = "/admin/document/action/"


def approve(signed_in, document):
    return signed_in.post(ACTION, data={"action": "approve", "rowid": str(document.id)}, follow_redirects=True)


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (report_pdf("Introduction", ["Background.", f"{LEGAL_NAME} was 9 when he died."]), "in page 2"),
        (report_docx("Introduction", "The family", f"{LEGAL_NAME.split()[1]}'s school raised concerns."), "in paragraph 3"),
        (report_docx("Introduction", header=f"Review concerning {LEGAL_NAME}"), "in header"),
    ],
    ids=["pdf-page", "docx-surname", "docx-header"],
)
def test_a_document_naming_the_subject_is_not_approved_and_the_board_sees_where(app, session, login_as, content, where):
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAME, subject_pseudonym="Child Q")
    document = factories.DocumentFactory(case=case, title="Overview", content=content)

    response = approve(login_as("board"), document)

    shown = page_text(response)
    assert "'Overview' failed the anonymisation check: found the subject's legal name" in shown
    assert where in shown
    assert "[the subject's legal name]" in shown  # the context is shown with the name masked
    assert reload(session, document).status == DocumentStatus.DRAFT


def test_a_family_members_name_or_the_date_of_birth_blocks_approval(app, session, login_as):
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAME, subject_dob=DOB)
    factories.FamilyFactory(case=case, relationship_to_subject="Uncle", name="Ozias Threlkeld")
    named = factories.DocumentFactory(case=case, title="Named", content=report_docx("Mr Threlkeld met the reviewer."))
    dated = factories.DocumentFactory(case=case, title="Dated", content=report_pdf("Born on 7 March 2014."))

    shown = page_text(approve(login_as("board"), named)) + page_text(approve(login_as("board"), dated))

    assert "found a family member's name (Uncle) in paragraph 1" in shown
    assert "the subject's date of birth in page 1" in shown
    assert {reload(session, named).status, reload(session, dated).status} == {DocumentStatus.DRAFT}


@pytest.mark.parametrize("content", [CLEAN, report_docx("Child Q's story", "What agencies learned.")], ids=["pdf", "docx"])
def test_a_clean_document_is_approved(app, session, login_as, content):
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAME, subject_pseudonym="Child Q", subject_dob=DOB)
    document = factories.DocumentFactory(case=case, content=content)

    approve(login_as("board"), document)

    assert reload(session, document).status == DocumentStatus.APPROVED


def test_the_document_page_shows_the_check(app, session, login_as):
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAME)
    document = factories.DocumentFactory(case=case, content=report_pdf(f"About {LEGAL_NAME}."))

    page = page_text(login_as("panel").get(f"/admin/document/details/?id={document.id}"))

    assert "Not passed: found the subject's legal name in page 1" in page


def test_an_upload_that_fails_the_check_is_saved_as_a_draft_with_a_warning(app, session, login_as):
    case = factories.CaseFactory(subject_legal_name=LEGAL_NAME)
    signed_in = login_as("business_support")

    response = signed_in.post(
        "/admin/document/new/",
        data={"case": str(case.id), "title": "Draft report", "document_type": "overview_report",
              "upload": (io.BytesIO(report_pdf(f"{LEGAL_NAME} moved school.")), "draft.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "Saved, but the board cannot approve it yet. Anonymisation check: found the subject's legal name" in page_text(response)
    assert session.scalars(select(PublishedDocument.status)).one() == DocumentStatus.DRAFT


# --- the publication record ---------------------------------------------------------------------


def edit_record(signed_in, case, **fields):
    data = {
        "publication_decision": "full",
        "publication_reason": "",
        "anonymised_title": "Child Q",
        "planned_publication_date": "",
        "embargo_until": "",
        "embargo_reason": "",
        "online_until": "",
        "library_submitted_date": "",
        "library_reference": "",
        "loaded_version": str(case.version),
        **fields,
    }
    return signed_in.post(f"/admin/publication/edit/?id={case.id}", data=data, follow_redirects=True)


def test_business_support_keep_the_publication_record(app, session, login_as):
    case = factories.CaseFactory()

    edit_record(login_as("business_support"), case, publication_decision="executive_summary",
                publication_reason="The full report would identify the family.", planned_publication_date="2027-01-12")

    case = reload(session, case)
    assert case.publication_decision == "executive_summary"
    assert case.publication_reason == "The full report would identify the family."
    assert case.planned_publication_date == date(2027, 1, 12)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"publication_decision": "not_published"}, "Record the reason for the decision: not published."),
        ({"embargo_until": "2027-03-01"}, "Say why publication is embargoed"),
    ],
)
def test_an_incomplete_record_is_refused_and_nothing_changes(app, session, login_as, fields, message):
    case = factories.CaseFactory()

    response = edit_record(login_as("business_support"), case, **fields)

    assert message in page_text(response)
    assert reload(session, case).publication_decision is None


def test_a_published_review_stays_online_for_at_least_twelve_months(app, session, login_as):
    case = factories.published_case(publication_date=date(2026, 1, 15))

    response = edit_record(login_as("business_support"), case, online_until="2026-12-31")

    assert "A published review stays online for at least 12 months: not before 15 Jan 2027." in page_text(response)
    assert reload(session, case).online_until is None


def test_what_was_published_stays_as_published(app, session, login_as):
    case = factories.published_case()

    response = edit_record(login_as("business_support"), case, anonymised_title="Another title",
                           library_submitted_date=clock.today().isoformat())

    assert "This review is published: its decision, reason, title and planned date stay as published." in page_text(response)
    assert reload(session, case).anonymised_title == "Child Q"


def test_changing_what_the_board_approved_needs_its_approval_again(app, session, login_as):
    case = ready_case()

    response = edit_record(login_as("business_support", streams=["children"]), case, anonymised_title="Child R")

    assert "The publication record changed, so the board needs to approve it again." in page_text(response)
    case = reload(session, case)
    assert (case.anonymised_title, case.publication_approved_at) == ("Child R", None)


def test_the_board_approves_the_publication_only_when_it_is_ready(app, session, login_as):
    case = ready_case(publication_approved_at=None)
    name_in_the_document(session, case)
    session.commit()
    signed_in = board(login_as, case)

    refused = signed_in.post(f"/admin/publication/approve/?id={case.id}", data={"csrf_token": signed_in.csrf()},
                             follow_redirects=True)
    factories.replace_content(reload(session, case).documents[0], CLEAN)
    session.commit()
    signed_in.post(f"/admin/publication/approve/?id={case.id}", data={"csrf_token": signed_in.csrf()})

    assert "The publication cannot be approved yet" in page_text(refused)
    assert reload(session, case).publication_approved_at is not None
