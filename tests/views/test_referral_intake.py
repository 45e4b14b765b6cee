"""Online referral intake: the public forms at /refer/ (short pages, error summary, check answers, a
reference number and an acknowledgement with no case details), their abuse resistance, and business
support's triage queue (accept into a case, reject, mark duplicate), all audited."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from backoffice.models import AuditEvent, Case, Deadline, IncomingReferral, IntakeStatus
from tests import factories
from tests.conftest import csrf_token
from tests.helpers import reload, shows, text, today
from tests.test_sign_in_protection import throttled_app

ADULT = {"subject_name": "Tamsin Velarde", "subject_dob": ["3", "4", "1950"], "care_needs": "Dementia; lived alone."}
HAPPENED = {"outcome": "died", "incident_date": ["1", "11", "2026"], "in_area": "yes", "family_aware": "not_known",
            "concerns": "Agencies did not share what they knew."}
ABOUT_YOU = {"referrer_name": "Ann Referrer", "referrer_role": "Social worker", "referrer_agency": "Adult social care",
             "referrer_email": "ann@example.org", "lead_authorised": "yes"}


def answer(client, path: str, data: dict):
    """Send one page of the form as a browser would (with the page's CSRF token)."""
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def refer_sar(client, **about_you):
    """Fill in and send the SAR form; the done page."""
    answer(client, "/refer/sar/the-adult", ADULT)
    answer(client, "/refer/sar/what-happened", HAPPENED)
    answer(client, "/refer/sar/about-you", {**ABOUT_YOU, **about_you})
    return client.post("/refer/sar/check", data={"csrf_token": csrf_token(client, "/refer/sar/check")},
                       follow_redirects=True)


def errors_listed(response) -> list[str]:
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', text(response), re.S)
    return [html.unescape(re.sub(r"\s+", " ", m).strip()) for m in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(1), re.S)] if summary else []


class TestThePublicForms:
    def test_the_start_page_offers_the_three_forms_without_signing_in(self, client):
        page = client.get("/refer/")
        assert page.status_code == 200
        for form in ("/refer/sar/the-adult", "/refer/cspr/the-child", "/refer/dhr/the-victim"):
            assert form in text(page)

    def test_the_published_reviews_page_links_to_the_forms(self, client, session):
        factories.published_case()
        assert 'href="/refer/"' in text(client.get("/reviews/"))

    def test_a_page_sent_incomplete_comes_back_with_an_error_summary_naming_each_problem(self, client, session):
        page = answer(client, "/refer/sar/the-adult", {"subject_name": "", "subject_dob": ["3", "", "1950"]})

        assert page.status_code == 200
        assert errors_listed(page) == ["Enter the adult's full name", "Their date of birth must include a month",
                                       "Describe the adult's care and support needs"]
        assert "<title>Error: " in text(page)
        assert session.scalars(select(IncomingReferral)).all() == []

    def test_a_date_that_is_not_real_or_in_the_future_is_refused(self, client, session):
        tomorrow = today() + timedelta(days=1)
        page = answer(client, "/refer/sar/the-adult", {**ADULT, "subject_dob": ["31", "2", "1950"]})
        assert "Their date of birth must be a real date" in errors_listed(page)
        answer(client, "/refer/sar/the-adult", ADULT)
        page = answer(client, "/refer/sar/what-happened",
                      {**HAPPENED, "incident_date": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)]})
        assert "Date of the death or incident must be today or in the past" in errors_listed(page)

    def test_an_answer_over_its_limit_is_refused_not_cut_short(self, client, session):
        page = answer(client, "/refer/sar/the-adult", {**ADULT, "care_needs": "x" * 2001})
        assert "What care and support needs did they have? must be 2,000 characters or fewer" in errors_listed(page)
        assert session.scalars(select(IncomingReferral)).all() == []

    def test_check_answers_shows_every_answer_with_a_link_to_change_it(self, client, session):
        answer(client, "/refer/sar/the-adult", ADULT)
        answer(client, "/refer/sar/what-happened", HAPPENED)
        answer(client, "/refer/sar/about-you", ABOUT_YOU)

        check = client.get("/refer/sar/check")

        assert check.status_code == 200
        assert shows(check, "Tamsin Velarde") and shows(check, "3 April 1950") and shows(check, "They died")
        assert "/refer/sar/what-happened?change=1#concerns" in text(check)
        changed = answer(client, "/refer/sar/the-adult?change=1", {**ADULT, "subject_name": "Tamsin Q Velarde"})
        assert changed.headers["Location"].endswith("/refer/sar/check")

    def test_the_check_page_sends_back_to_a_page_not_yet_answered(self, client, session):
        answer(client, "/refer/sar/the-adult", ADULT)
        assert client.get("/refer/sar/check").headers["Location"].endswith("/refer/sar/what-happened")

    def test_sending_gives_a_reference_and_puts_the_referral_in_the_queue_received_today(self, client, session):
        done = refer_sar(client, referrer_email="")

        reference = re.search(r"REF-[2-9A-Z]{4}-[2-9A-Z]{4}", text(done)).group(0)
        referral = session.scalars(select(IncomingReferral)).one()
        assert (referral.reference, referral.status, referral.received_date) == (reference, IntakeStatus.NEW, today())
        assert referral.draft_token is None and referral.answer("concerns") == HAPPENED["concerns"]
        assert shows(done, "Write the reference number down")

    def test_the_referrer_is_emailed_the_reference_and_nothing_of_the_case(self, client, session, smtp):
        refer_sar(client)

        referral = session.scalars(select(IncomingReferral)).one()
        (to, message), = smtp.messages
        assert to == ["ann@example.org"] and referral.reference in message
        for detail in ("Tamsin", "Velarde", "1950", "Dementia", "Agencies did not share", "Ann Referrer"):
            assert detail not in message
        assert referral.acknowledged_at is not None

    def test_a_draft_belongs_to_its_own_browser(self, app, client, session):
        answer(client, "/refer/sar/the-adult", ADULT)
        stranger = app.test_client()

        assert stranger.get("/refer/sar/what-happened").headers["Location"].endswith("/refer/sar/the-adult")
        assert "Tamsin" not in text(stranger.get("/refer/sar/the-adult"))

    def test_a_robot_filling_the_hidden_field_leaves_nothing_behind(self, client, session):
        answer(client, "/refer/sar/the-adult", {**ADULT, "website": "http://spam.example"})
        assert session.scalars(select(IncomingReferral)).all() == []

    def test_a_page_without_its_csrf_token_is_refused(self, client, session):
        page = client.post("/refer/sar/the-adult", data=ADULT)
        assert page.status_code in (200, 400) and session.scalars(select(IncomingReferral)).all() == []

    def test_an_oversized_request_is_refused(self, client, session):
        assert answer(client, "/refer/sar/the-adult", {**ADULT, "care_needs": "x" * 70_000}).status_code == 413
        assert session.scalars(select(IncomingReferral)).all() == []

    def test_sending_pages_is_throttled_per_address_across_the_forms(self, app, session):
        client = throttled_app(app, REFERRAL_RATE_LIMIT="3 per hour").test_client()
        pages = ["/refer/sar/the-adult", "/refer/cspr/the-child", "/refer/dhr/the-victim", "/refer/sar/the-adult"]
        statuses = [answer(client, page, {"subject_name": ""}).status_code for page in pages]
        assert statuses == [200, 200, 200, 429]

    def test_a_dhr_notification_asks_for_a_victim_aged_16_or_over(self, client, session):
        page = answer(client, "/refer/dhr/the-victim", {"subject_name": "A Person", "victim_age": "15",
                                                         "death_date": ["1", "11", "2026"], "relationship": "ex_partner"})
        assert "A domestic homicide review is of a person aged 16 or over" in errors_listed(page)

    def test_a_cspr_referral_records_when_the_agency_became_aware(self, client, session):
        answer(client, "/refer/cspr/the-child", {"subject_name": "Jo Child", "child_care_status": "looked_after",
                                                  "child_protection_status": "none"})
        answer(client, "/refer/cspr/what-happened", {
            "incident_date": ["1", "11", "2026"], "aware_date": ["2", "11", "2026"], "incident_nature": "serious_harm",
            "abuse_known": "suspected", "media_interest": "no", "concerns": "Injuries in an infant."})
        answer(client, "/refer/cspr/about-you", ABOUT_YOU)
        client.post("/refer/cspr/check", data={"csrf_token": csrf_token(client, "/refer/cspr/check")})

        referral = session.scalars(select(IncomingReferral)).one()
        assert referral.review_type == "CSPR" and referral.answer("aware_date") == "2026-11-02"


@pytest.fixture
def waiting(session):
    return factories.IncomingReferralFactory()


class TestTheTriageQueue:
    def test_business_support_sees_waiting_referrals_of_their_streams_only(self, login_as, session, waiting):
        factories.IncomingReferralFactory(review_type="CSPR", reference="REF-CHLD-0001")
        factories.IncomingReferralFactory(status=IntakeStatus.DRAFT, reference="REF-DRFT-0001")

        listed = text(login_as("business_support", streams=["adults"]).get("/admin/intake/"))

        assert waiting.reference in listed and "REF-CHLD-0001" not in listed and "REF-DRFT-0001" not in listed

    def test_the_home_page_counts_the_referrals_waiting_and_links_to_them(self, login_as, session, waiting):
        factories.IncomingReferralFactory(status=IntakeStatus.REJECTED, reference="REF-DONE-0001")
        support = login_as("business_support")
        home = support.get("/admin/")
        assert shows(home, "1 online referral waiting for triage")

        link = re.search(r'href="([^"]+)" data-testid="referrals-waiting"', text(home)).group(1)
        listed = support.get(html.unescape(link))
        assert listed.status_code == 200 and waiting.reference in text(listed) and "REF-DONE-0001" not in text(listed)

    def test_the_referral_page_shows_what_the_referrer_said_to_business_support_only(self, login_as, session, waiting):
        url = f"/admin/intake/details/?id={waiting.id}"
        support, auditor = login_as("business_support").get(url), login_as("auditor").get(url)

        assert shows(support, "Tamsin Velarde") and "Accept into a new case" in text(support)
        assert auditor.status_code == 200 and "Tamsin" not in text(auditor) and "Accept into a new case" not in text(auditor)
        assert login_as("panel").get(url).status_code == 403

    def test_accepting_opens_the_case_form_filled_in_from_the_referral(self, login_as, session, waiting):
        form = login_as("business_support").get(f"/admin/case/new/?referral={waiting.id}")

        assert shows(form, "Accepting online referral " + waiting.reference)
        assert 'value="Tamsin Velarde"' in text(form) and "Agencies did not share what they knew." in text(form)
        assert f'value="{waiting.received_date:%d/%m/%Y}"' in text(form)

    def test_saving_the_case_accepts_the_referral_and_its_deadlines_count_from_the_day_received(
            self, login_as, session, waiting):
        support = login_as("business_support")
        received = waiting.received_date
        support.post(f"/admin/case/new/?referral={waiting.id}", data={
            "review_type": "SAR", "subject_pseudonym": "Adult T", "subject_legal_name": "Tamsin Velarde",
            "incident_date": "01/11/2026", "aware_date": f"{received:%d/%m/%Y}", "referral_date": f"{received:%d/%m/%Y}",
            "referrer_name": "Ann Referrer", "referrer_email": "ann@example.org", "concerns": "As referred."})

        referral = reload(session, waiting)
        case = session.scalars(select(Case).where(Case.subject_pseudonym == "Adult T")).one()
        assert (referral.status, referral.case_id) == (IntakeStatus.ACCEPTED, case.id)
        assert case.referral_date == received and case.referrer_email == "ann@example.org"
        first = session.scalars(select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.due_date)).first()
        assert first is not None and first.due_date > received
        assert session.scalars(select(AuditEvent).where(AuditEvent.object_type == "incoming_referral",
                                                        AuditEvent.object_id == waiting.id)).all()

    def test_rejecting_needs_a_reason_and_records_when_the_referrer_was_told(self, login_as, session, waiting):
        support = login_as("business_support")
        url = f"/admin/intake/reject/?id={waiting.id}"
        refused = support.post(url, data={"reason": "", "told_date": ""})
        assert refused.status_code == 200 and reload(session, waiting).status == IntakeStatus.NEW

        support.post(url, data={"reason": "Not within the criteria: no care and support needs.",
                                "told_date": f"{today():%d/%m/%Y}"})

        referral = reload(session, waiting)
        assert (referral.status, referral.referrer_told_date) == (IntakeStatus.REJECTED, today())
        assert referral.reject_reason.startswith("Not within the criteria")

    def test_marking_a_duplicate_links_the_case_it_repeats(self, login_as, session, waiting):
        case = factories.CaseFactory(review_type="SAR")
        child = factories.CaseFactory(review_type="CSPR")
        support = login_as("business_support")
        url = f"/admin/intake/duplicate/?id={waiting.id}"

        wrong = support.post(url, data={"case_reference": child.reference})
        assert shows(wrong, "That case is of another review type.") and reload(session, waiting).status == IntakeStatus.NEW
        support.post(url, data={"case_reference": case.reference.lower()})

        referral = reload(session, waiting)
        assert (referral.status, referral.case_id) == (IntakeStatus.DUPLICATE, case.id)

    def test_a_triaged_referral_cannot_be_triaged_again(self, login_as, session, waiting):
        support = login_as("business_support")
        support.post(f"/admin/intake/reject/?id={waiting.id}", data={"reason": "Not a SAR."})
        again = support.post(f"/admin/intake/duplicate/?id={waiting.id}",
                             data={"case_reference": factories.CaseFactory(review_type="SAR").reference})
        assert shows(again, "This referral has already been triaged (rejected).")
        assert reload(session, waiting).status == IntakeStatus.REJECTED


@pytest.fixture
def decided_sar(session):
    """A SAR whose referrer gave an email address, with a review commissioned by the board."""
    case = factories.CaseFactory(review_type="SAR", subject_legal_name="Tamsin Velarde", referrer_email="ann@example.org")
    decision = factories.commission(case)
    decision.rationale = "The criteria of s44(4) are met: there is learning about how agencies worked together."
    session.commit()
    return case


class TestTellingTheReferrer:
    def test_the_case_page_offers_to_email_the_referrer_once_the_board_has_decided(self, login_as, session, decided_sar):
        page = login_as("business_support").get(f"/admin/case/details/?id={decided_sar.id}")
        assert "Email the referrer the decision" in text(page)
        undecided = factories.CaseFactory(review_type="SAR", referrer_email="ann@example.org")
        assert "Email the referrer the decision" not in text(login_as("business_support").get(
            f"/admin/case/details/?id={undecided.id}"))

    def test_the_template_gives_the_decision_and_its_reasons(self, login_as, session, decided_sar):
        form = login_as("business_support").get(f"/admin/case/tell-referrer/?id={decided_sar.id}")
        assert shows(form, "The Safeguarding Adults Board has decided: Review commissioned.")
        assert shows(form, "there is learning about how agencies worked together")

    def test_sending_emails_the_referrer_and_records_the_day_they_were_told(self, login_as, session, decided_sar, smtp):
        login_as("business_support").post(f"/admin/case/tell-referrer/?id={decided_sar.id}", data={
            "subject": f"Decision on your referral {decided_sar.reference}", "body": "A review has been commissioned."})

        (to, message), = smtp.messages
        assert to == ["ann@example.org"] and "A review has been commissioned." in message
        assert reload(session, decided_sar).referrer_informed_date == today()

    def test_a_message_naming_the_adult_is_not_sent(self, login_as, session, decided_sar, smtp):
        page = login_as("business_support").post(f"/admin/case/tell-referrer/?id={decided_sar.id}", data={
            "subject": "Decision", "body": "The review of Tamsin's death is commissioned."})

        assert shows(page, "Take out a name: email is not a secure channel.")
        assert smtp.messages == [] and reload(session, decided_sar).referrer_informed_date is None

    def test_a_failed_send_records_nothing(self, app, login_as, session, decided_sar, smtp):
        from tests.smtp import free_port

        app.config["MAIL_PORT"] = free_port()  # nobody listens there
        page = login_as("business_support").post(f"/admin/case/tell-referrer/?id={decided_sar.id}", data={
            "subject": "Decision", "body": "A review has been commissioned."})

        assert shows(page, "The email could not be sent, so nothing was recorded.")
        assert reload(session, decided_sar).referrer_informed_date is None

    def test_only_business_support_may_email_the_referrer(self, login_as, session, decided_sar):
        assert login_as("panel").get(f"/admin/case/tell-referrer/?id={decided_sar.id}").status_code == 403


def test_the_referring_agency_is_matched_by_its_whole_name_whatever_the_case(session):
    from backoffice.domain import intake

    agency = factories.AgencyFactory(name="Adult Social Care")
    named = factories.IncomingReferralFactory()
    wildcard = factories.IncomingReferralFactory(answers={**factories.SAR_ANSWERS, "referrer_agency": "%"})

    assert intake.case_fields(session, named)["referrer_agency"] == agency
    assert intake.case_fields(session, wildcard)["referrer_agency"] is None
    assert "Referring agency (as given): %" in intake.concerns_text(wildcard)
