"""The statutory clock in the interface, through real requests with CSRF on: the dashboard's
"Your deadlines", the deadline list and its Status filter, waiving a deadline, the case page's next
steps / deadlines / notifications / timeline, and the notification, hold and deadline-rule screens.

What a request wrote is read back with the test's own session; refused requests must write nothing.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from backoffice.domain.calendar import add_months, add_working_days, sub_working_days
from backoffice.models import Case, Deadline, DeadlineRule, Hold, HoldReason, Notification, utcnow
from tests import factories
from tests.helpers import count, page_text, reload, shows, text, today
from tests.html_pages import form_fields, list_rows, table, tables, work

DOB = {"CSPR": date(2015, 6, 1), "SAR": date(1950, 6, 1), "DHR": date(1980, 6, 1)}

SIN_PANEL = "Serious incident notification to the National Panel"
SIN_OFSTED = "Serious incident notification to Ofsted"
SIN_PARTNERS = "Serious incident reported to the safeguarding partners"
RR_TO_PANEL = "Rapid review sent to the National Panel"
PANEL_RESPONSE = "National Panel response expected"
DHR_DECISION = "Decision whether to hold a review"
DHR_HOME_OFFICE = "Home Office told the decision"
SAR_ACK = "Referral acknowledged"
SAR_TOLD = "Referrer told the decision and the reasons"
SAR_DONE = "Review completed"


# --- reading pages -----------------------------------------------------------------------------


def deadline_rows(response) -> set[tuple[str, str]]:
    """(case reference, milestone) of each row of the deadline list."""
    return {(row[1].split()[0], row[2]) for row in list_rows(response)}


def count_link(home, testid: str) -> tuple[int, str]:
    """A dashboard count link: its number ("3 overdue" gives 3) and where it leads."""
    match = re.search(rf'data-testid="{testid}" href="([^"]*)">(\d+) ', text(home))
    assert match, f"no {testid} link"
    return int(match.group(2)), html.unescape(match.group(1))


def leads_to_status_list(href: str, status: str) -> bool:
    """Whether `href` is the deadline list filtered to `status` (other filters may narrow it further)."""
    url = urlsplit(href)
    return url.path == "/admin/deadline/" and parse_qs(url.query).get("flt0_status_is") == [status]


def buttons(response) -> int:
    return text(response).count('<td class="list-buttons-column">')


# --- building cases ----------------------------------------------------------------------------


def case(review_type: str = "CSPR", aware: date | None = None, **fields) -> Case:
    """A case (aware today unless told); a SAR or DHR with a decision date had a review commissioned that
    day; a CSPR's safeguarding partners were told the day the partnership became aware."""
    aware = aware or today()
    values = dict(
        review_type=review_type,
        subject_dob=DOB[review_type],
        incident_date=aware - timedelta(days=1),
        aware_date=aware,
        referral_date=aware,
        **({"partners_told_date": aware} if review_type == "CSPR" else {}),
    )
    values.update(fields)
    created = factories.CaseFactory(**values)
    if review_type in ("SAR", "DHR") and values.get("decision_date"):
        factories.commission(created)
    return created


def fresh(session, obj):
    """The object as the database holds it now, in the test's session."""
    session.expire_all()
    return session.get(type(obj), obj.id)


def deadline_of(session, a_case: Case, milestone: str) -> Deadline | None:
    session.expire_all()
    return session.scalars(
        select(Deadline).where(Deadline.case_id == a_case.id, Deadline.milestone == milestone)
    ).one_or_none()


def notification_of(session, a_case: Case, recipient: str, purpose: str = "serious_incident") -> Notification:
    session.expire_all()
    return session.scalars(
        select(Notification).where(
            Notification.case_id == a_case.id, Notification.recipient == recipient, Notification.purpose == purpose
        )
    ).one()


def send(session, a_case: Case, recipient: str, sent: date, purpose: str = "serious_incident", reference=None) -> None:
    notification = notification_of(session, a_case, recipient, purpose)
    notification.sent_date, notification.reference = sent, reference
    session.commit()


def waive(session, a_case: Case, milestone: str, reason: str = "Told by telephone; no written notice needed.") -> None:
    deadline = deadline_of(session, a_case, milestone)
    deadline.waived_at, deadline.waived_reason = utcnow(), reason
    session.commit()


def sin_overdue(pseudonym: str) -> Case:
    """A CSPR the partnership became aware of 10 working days ago; nothing sent yet."""
    return case(aware=sub_working_days(today(), 10), subject_pseudonym=pseudonym)


# --- the dashboard: "Your deadlines" -----------------------------------------------------------


@pytest.fixture
def clock(session):
    """Cases whose deadlines stand, today, in every position the dashboard must tell apart."""
    late = sin_overdue("Child Late")  # SIN to Panel and to Ofsted overdue (business support)

    waived = sin_overdue("Child Waived")  # SIN to Panel overdue; SIN to Ofsted waived
    waive(session, waived, "SIN_TO_OFSTED")

    # The SIN went on time 6 working days ago: the rapid review (board) is due within 10 working days.
    soon = case(aware=sub_working_days(today(), 8), subject_pseudonym="Child Soon")
    sent = sub_working_days(today(), 6)
    send(session, soon, "national_panel", sent)
    send(session, soon, "ofsted", sent)

    # The rapid review went to the Panel 3 days ago: its response (business support) is due in 7 days.
    awaiting = case(aware=today() - timedelta(days=40), subject_pseudonym="Child Awaiting",
                    state="AWAITING_PANEL_RESPONSE", rr_sent_date=today() - timedelta(days=3))
    send(session, awaiting, "national_panel", today() - timedelta(days=39))
    send(session, awaiting, "ofsted", today() - timedelta(days=39))

    # A SAR decided 2 days ago: the review (board) is due in six months; everything else met.
    decided = case("SAR", aware=today() - timedelta(days=20), subject_pseudonym="Adult Decided",
                   acknowledged_date=today() - timedelta(days=19), decision_date=today() - timedelta(days=2),
                   referrer_informed_date=today() - timedelta(days=1))

    # A DHR notified 40 days ago with no decision: both one-month deadlines overdue.
    dhr = case("DHR", aware=today() - timedelta(days=40), subject_pseudonym="Person Overdue")

    cases = {c.subject_pseudonym: fresh(session, c) for c in (late, waived, soon, awaiting, decided, dhr)}
    refs = {name: c.reference for name, c in cases.items()}
    session.commit()
    return refs


def test_the_clock_fixture_puts_each_deadline_where_the_dashboard_tests_expect(session, clock):
    """The set-up itself: if the calendar arithmetic drifted, the dashboard tests would prove nothing."""
    from backoffice.domain.deadlines import status

    session.expire_all()
    found = {
        (d.case.reference, d.milestone): status(d, today()).value
        for d in session.scalars(select(Deadline))
    }
    session.commit()
    assert found == {
        **{(clock[child], "SIN_TO_PARTNERS"): "met" for child in ("Child Late", "Child Waived", "Child Soon", "Child Awaiting")},
        (clock["Child Late"], "SIN_TO_PANEL"): "overdue",
        (clock["Child Late"], "SIN_TO_OFSTED"): "overdue",
        (clock["Child Waived"], "SIN_TO_PANEL"): "overdue",
        (clock["Child Waived"], "SIN_TO_OFSTED"): "waived",
        (clock["Child Soon"], "SIN_TO_PANEL"): "met",
        (clock["Child Soon"], "SIN_TO_OFSTED"): "met",
        (clock["Child Soon"], "RAPID_REVIEW_TO_PANEL"): "due_soon",
        (clock["Child Awaiting"], "SIN_TO_PANEL"): "met",
        (clock["Child Awaiting"], "SIN_TO_OFSTED"): "met",
        (clock["Child Awaiting"], "RAPID_REVIEW_TO_PANEL"): "met_late",
        (clock["Child Awaiting"], "PANEL_RESPONSE"): "due_soon",
        (clock["Adult Decided"], "SAR_ACKNOWLEDGED"): "met",
        (clock["Adult Decided"], "SAR_REFERRER_INFORMED"): "met",
        (clock["Adult Decided"], "SAR_COMPLETED"): "pending",
        (clock["Person Overdue"], "DHR_DECISION"): "overdue",
        (clock["Person Overdue"], "DHR_HOME_OFFICE_TOLD"): "overdue",
    }


def expected_work(clock, role: str, streams) -> set[tuple[str, str, str]]:
    every = {
        "business_support": {
            ("children", clock["Child Late"], SIN_PANEL, "Overdue"),
            ("children", clock["Child Late"], SIN_OFSTED, "Overdue"),
            ("children", clock["Child Waived"], SIN_PANEL, "Overdue"),
            ("children", clock["Child Awaiting"], PANEL_RESPONSE, "Due soon"),
            ("domestic_abuse", clock["Person Overdue"], DHR_HOME_OFFICE, "Overdue"),
        },
        "board": {
            ("children", clock["Child Soon"], RR_TO_PANEL, "Due soon"),
            ("domestic_abuse", clock["Person Overdue"], DHR_DECISION, "Overdue"),
        },
        "panel": set(),
        "auditor": set(),
    }[role]
    return {(ref, milestone, status) for stream, ref, milestone, status in every if stream in streams}


@pytest.mark.parametrize("streams", [("children", "adults", "domestic_abuse"), ("children",), ("adults",)],
                         ids=["all-streams", "children", "adults"])
@pytest.mark.parametrize("role", ["business_support", "board", "panel", "auditor"])
def test_the_dashboard_shows_the_overdue_and_due_soon_deadlines_the_users_role_must_act_on(
    session, login_as, clock, role, streams
):
    expected = expected_work(clock, role, streams)

    home = login_as(role, streams=list(streams)).get("/admin/")

    assert home.status_code == 200
    assert work(home) == expected
    overdue = sum(1 for *_, status in expected if status == "Overdue")
    soon = sum(1 for *_, status in expected if status == "Due soon")
    assert count_link(home, "overdue-count")[0] == overdue
    assert count_link(home, "due-soon-count")[0] == soon
    assert f">{overdue} overdue</a>" in text(home) and f">{soon} due soon</a>" in text(home)
    if not expected:
        assert shows(home, "Nothing overdue or due soon for your role.")


def test_a_cspr_ten_working_days_after_awareness_without_a_notification_is_overdue_for_business_support_only(
    session, login_as
):
    late = sin_overdue("Child Q")
    reference = fresh(session, late).reference
    session.commit()

    business_support = login_as("business_support").get("/admin/")
    panel = login_as("panel").get("/admin/")

    assert (reference, SIN_PANEL, "Overdue") in work(business_support)
    row = next(r for r in table(business_support, "work") if r[1] == SIN_PANEL)
    due = add_working_days(sub_working_days(today(), 10), 5)
    assert row == [f"{reference} Child Q", SIN_PANEL, f"{due:%d %b %Y}", "Overdue"]
    assert f'href="/admin/case/details/?id={late.id}"' in text(business_support)
    assert reference not in text(panel)
    assert table(panel, "work") == []


def test_met_waived_and_far_future_deadlines_are_not_on_the_dashboard(session, login_as):
    met = case(aware=sub_working_days(today(), 3), subject_pseudonym="Child Met")
    send(session, met, "national_panel", sub_working_days(today(), 1))
    send(session, met, "ofsted", sub_working_days(today(), 1))
    waived = sin_overdue("Child Waived")
    waive(session, waived, "SIN_TO_PANEL")
    waive(session, waived, "SIN_TO_OFSTED")
    far = case("SAR", aware=today() - timedelta(days=10), subject_pseudonym="Adult Far",
               acknowledged_date=today() - timedelta(days=9), decision_date=today() - timedelta(days=1),
               referrer_informed_date=today())
    assert deadline_of(session, far, "SAR_COMPLETED").due_date == add_months(today() - timedelta(days=1), 6)

    for role in ("business_support", "board"):
        home = login_as(role).get("/admin/")
        assert work(home) == set(), role
        assert "0 overdue</a>" in text(home) and "0 due soon</a>" in text(home)


def test_deadlines_of_cases_outside_the_users_streams_never_show(session, login_as):
    dhr = case("DHR", aware=today() - timedelta(days=40), subject_pseudonym="Person Hidden")
    sar = case("SAR", aware=sub_working_days(today(), 10), subject_pseudonym="Adult Hidden")  # not acknowledged
    references = [fresh(session, dhr).reference, fresh(session, sar).reference]
    session.commit()

    for role in ("business_support", "board"):
        home = login_as(role, streams=["children"]).get("/admin/")
        assert work(home) == set(), role
        for reference in references:
            assert reference not in text(home)
        overdue_list = login_as(role, streams=["children"]).get("/admin/deadline/?flt0_status_is=overdue")
        assert list_rows(overdue_list) == []

    sees_them = login_as("business_support").get("/admin/")  # the same deadlines, to a user in those streams
    assert {ref for ref, *_ in work(sees_them)} == set(references)


def test_the_admin_has_no_deadline_panel(session, login_as, clock):
    home = login_as("admin").get("/admin/")
    assert home.status_code == 200
    assert 'data-testid="overdue-count"' not in text(home)
    assert table(home, "work") == []


@pytest.mark.parametrize("role", ["business_support", "board"])
@pytest.mark.parametrize("status, testid", [("overdue", "overdue-count"), ("due_soon", "due-soon-count")])
def test_each_count_links_to_the_deadline_list_filtered_to_that_status(session, login_as, clock, role, status, testid):
    signed_in = login_as(role)
    home = signed_in.get("/admin/")
    number, link = count_link(home, testid)
    assert leads_to_status_list(link, status), link
    label = {"overdue": "Overdue", "due_soon": "Due soon"}[status]
    counted = {(ref, milestone) for ref, milestone, s in work(home) if s == label}
    assert counted and number == len(counted)  # the fixture gives each role something of each status

    listed = signed_in.get(link)

    rows = list_rows(listed)
    assert {row[-1] for row in rows} == {label}  # the list is filtered to that status
    assert counted <= deadline_rows(listed)  # and holds every deadline the dashboard counted


@pytest.mark.parametrize("role", ["business_support", "board"])
@pytest.mark.parametrize("status, testid", [("overdue", "overdue-count"), ("due_soon", "due-soon-count")])
def test_the_linked_list_shows_exactly_the_deadlines_counted(session, login_as, clock, role, status, testid):
    """The count says "3 overdue"; following it must show those 3 deadlines, not other roles' too."""
    signed_in = login_as(role)
    home = signed_in.get("/admin/")
    label = {"overdue": "Overdue", "due_soon": "Due soon"}[status]
    counted = {(ref, milestone) for ref, milestone, s in work(home) if s == label}
    number, link = count_link(home, testid)
    assert number == len(counted)

    listed = signed_in.get(link)

    assert deadline_rows(listed) == counted
    assert buttons(listed) == number


# --- the deadline list's Status filter ---------------------------------------------------------


@pytest.fixture
def one_of_each(session):
    """Deadlines in every status, known by (pseudonym, milestone)."""
    overdue = sin_overdue("Child Overdue")
    waive(session, overdue, "SIN_TO_OFSTED")
    case(aware=today(), subject_pseudonym="Child Due")  # SIN due in 5 working days
    met = case(aware=sub_working_days(today(), 10), subject_pseudonym="Child Met")
    send(session, met, "national_panel", add_working_days(sub_working_days(today(), 10), 1))  # on time
    send(session, met, "ofsted", sub_working_days(today(), 1))  # after its due date: met late
    case("SAR", aware=today() - timedelta(days=20), subject_pseudonym="Adult Pending",
         acknowledged_date=today() - timedelta(days=19), decision_date=today() - timedelta(days=2),
         referrer_informed_date=today() - timedelta(days=1))
    session.expire_all()
    refs = {c.subject_pseudonym: c.reference for c in session.scalars(select(Case))}
    session.commit()
    return refs


STATUS_ROWS = {
    "overdue": {("Child Overdue", SIN_PANEL)},
    "waived": {("Child Overdue", SIN_OFSTED)},
    "due_soon": {("Child Due", SIN_PANEL), ("Child Due", SIN_OFSTED), ("Child Met", RR_TO_PANEL)},
    "met": {("Child Met", SIN_PANEL), ("Adult Pending", SAR_ACK), ("Adult Pending", SAR_TOLD),
            *((child, SIN_PARTNERS) for child in ("Child Overdue", "Child Due", "Child Met"))},
    "met_late": {("Child Met", SIN_OFSTED)},
    "pending": {("Adult Pending", SAR_DONE)},
}
STATUS_LABELS = {"overdue": "Overdue", "waived": "Waived", "due_soon": "Due soon", "met": "Met",
                 "met_late": "Met late", "pending": "Pending"}


@pytest.mark.parametrize("status", list(STATUS_ROWS))
def test_the_status_filter_returns_exactly_the_deadlines_in_that_status(session, login_as, one_of_each, status):
    expected = {(one_of_each[name], milestone) for name, milestone in STATUS_ROWS[status]}

    response = login_as("auditor").get(f"/admin/deadline/?flt0_status_is={status}")

    assert deadline_rows(response) == expected
    assert buttons(response) == len(expected)
    assert {row[-1] for row in list_rows(response)} == {STATUS_LABELS[status]}


def test_the_unfiltered_list_holds_every_deadline_and_an_unknown_status_none(session, login_as, one_of_each):
    signed_in = login_as("auditor")
    every = set().union(*({(one_of_each[n], m) for n, m in rows} for rows in STATUS_ROWS.values()))
    assert deadline_rows(signed_in.get("/admin/deadline/")) == every
    assert buttons(signed_in.get("/admin/deadline/?flt0_status_is=nonsense")) == 0


# --- waiving a deadline ------------------------------------------------------------------------


def waive_url(deadline: Deadline) -> str:
    return f"/admin/deadline/waive/?id={deadline.id}"


def waiver(deadline: Deadline) -> tuple:
    return (deadline.waived_at, deadline.waived_by_id, deadline.waived_reason)


def test_the_board_sees_a_form_asking_why_the_deadline_is_waived(session, login_as):
    late = sin_overdue("Child Q")
    deadline = deadline_of(session, late, "SIN_TO_OFSTED")
    session.commit()

    page = login_as("board").get(waive_url(deadline))

    assert page.status_code == 200
    assert "Waive deadline" in text(page)
    assert 'name="reason"' in text(page)
    assert shows(page, "Reason for waiving this deadline")


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_waiving_without_a_reason_is_refused_and_nothing_changes(session, login_as, reason):
    late = sin_overdue("Child Q")
    deadline = deadline_of(session, late, "SIN_TO_OFSTED")
    session.commit()

    response = login_as("board").post(waive_url(deadline), {"reason": reason})

    assert response.status_code == 200
    assert "is-invalid" in text(response)
    assert waiver(reload(session, deadline)) == (None, None, None)


def test_the_board_waives_a_deadline_with_a_reason(session, login_as):
    late = sin_overdue("Child Q")
    deadline = deadline_of(session, late, "SIN_TO_OFSTED")
    reference = deadline.case.reference
    session.commit()
    business_support = login_as("business_support")
    assert (reference, SIN_OFSTED, "Overdue") in work(business_support.get("/admin/"))
    board = login_as("board")
    before = utcnow()

    response = board.post(waive_url(deadline), {"reason": "  Ofsted told by telephone the same day.  "})

    assert response.status_code == 302, text(response)[:2000]
    deadline = reload(session, deadline)
    assert deadline.waived_at is not None and deadline.waived_at >= before - timedelta(seconds=1)
    assert deadline.waived_by_id == board.user.id
    assert deadline.waived_reason == "Ofsted told by telephone the same day."
    assert deadline.met_date is None  # waived, not met
    session.commit()

    home = business_support.get("/admin/")
    assert (reference, SIN_OFSTED, "Overdue") not in work(home)
    assert (reference, SIN_PANEL, "Overdue") in work(home)  # the other deadline still stands

    page = business_support.get(f"/admin/case/details/?id={late.id}")
    row = next(r for r in table(page, "deadlines") if r[0].startswith(SIN_OFSTED))
    assert row[3] == "Waived Ofsted told by telephone the same day."


@pytest.mark.parametrize("role", ["business_support", "panel", "auditor"])
def test_only_the_board_may_waive(session, login_as, role):
    late = sin_overdue("Child Q")
    deadline = deadline_of(session, late, "SIN_TO_OFSTED")
    session.commit()
    signed_in = login_as(role)

    assert signed_in.get(waive_url(deadline)).status_code == 403
    assert signed_in.post(waive_url(deadline), {"reason": "Not my call."}).status_code == 403
    assert waiver(reload(session, deadline)) == (None, None, None)


def test_the_board_cannot_waive_a_deadline_of_a_case_outside_their_streams(session, login_as):
    dhr = case("DHR", aware=today() - timedelta(days=40))
    deadline = deadline_of(session, dhr, "DHR_DECISION")
    session.commit()
    board = login_as("board", streams=["children", "adults"])

    assert board.get(waive_url(deadline)).status_code == 404
    assert board.post(waive_url(deadline), {"reason": "Out of my streams."}).status_code == 404
    assert waiver(reload(session, deadline)) == (None, None, None)


def test_a_met_deadline_cannot_be_waived(session, login_as):
    met = case(aware=sub_working_days(today(), 3))
    send(session, met, "national_panel", sub_working_days(today(), 1))
    deadline = deadline_of(session, met, "SIN_TO_PANEL")
    session.commit()

    response = login_as("board").post(waive_url(deadline), {"reason": "Too late."}, follow_redirects=True)

    assert shows(response, "This deadline is already met or waived.")
    assert waiver(reload(session, deadline)) == (None, None, None)


# --- the case page -----------------------------------------------------------------------------


def details(signed_in, a_case: Case):
    response = signed_in.get(f"/admin/case/details/?id={a_case.id}")
    assert response.status_code == 200, text(response)[:500]
    return response


def step_link(a_case: Case, step: str) -> str:
    return f'href="/admin/case/transition/?id={a_case.id}&amp;step={step}"'


def test_the_case_page_offers_the_signed_in_roles_next_steps(session, login_as):
    new = case(aware=sub_working_days(today(), 1))

    business_support = details(login_as("business_support"), new)
    panel = details(login_as("panel"), new)

    assert step_link(new, "submit_sin") in text(business_support)
    assert shows(business_support, "Record the serious incident notification")
    assert step_link(new, "not_notifiable_local") not in text(business_support)
    assert step_link(new, "not_notifiable_local") in text(panel)
    assert step_link(new, "close_not_notifiable") in text(panel)
    assert step_link(new, "submit_sin") not in text(panel)


def test_a_blocked_step_is_shown_disabled_with_the_guards_reason(session, login_as):
    submitted = case(aware=sub_working_days(today(), 2), state="SIN_SUBMITTED")
    signed_in = login_as("business_support")

    page = details(signed_in, submitted)

    steps = text(page).split('data-testid="next-steps"')[1].split("</ul>")[0]
    assert '<span class="btn btn-outline-secondary btn-sm disabled" aria-disabled="true">Start the rapid review</span>' in steps
    assert shows(page, "Record the date the serious incident notification was sent first.")
    assert step_link(submitted, "start_rapid_review") not in text(page)

    send(session, submitted, "national_panel", sub_working_days(today(), 1))  # the guard now holds
    page = details(signed_in, submitted)
    assert step_link(submitted, "start_rapid_review") in text(page)
    assert not shows(page, "Record the date the serious incident notification was sent first.")


def test_nothing_is_offered_to_an_auditor(session, login_as):
    new = case(aware=sub_working_days(today(), 1))

    page = details(login_as("auditor"), new)

    assert shows(page, "No step is yours at this stage. Next:")
    who = page_text(page).split('data-testid="who-acts-next"')[1].split("</ul>")[0]
    assert "Business support: Record the serious incident notification" in who  # who acts, and what
    assert "The panel: Not notifiable: take it as a local referral" in who
    assert "/admin/case/transition/" not in text(page)
    assert 'data-testid="next-steps"' not in text(page)


def test_the_case_page_lists_the_deadlines_with_their_due_dates(session, login_as):
    may_2025 = case(incident_date=date(2025, 5, 1), aware=date(2025, 5, 2))  # Mon 5 May: bank holiday

    rows = table(details(login_as("panel"), may_2025), "deadlines")

    assert sorted(rows) == sorted([
        [f"{SIN_PANEL} statutory", "12 May 2025", "", "Overdue"],
        [f"{SIN_OFSTED} local practice", "12 May 2025", "", "Overdue"],
        [SIN_PARTNERS, "12 May 2025", "02 May 2025", "Met"],
    ])


def test_the_case_page_shows_the_revised_and_the_original_date_when_a_hold_extends_a_target(session, login_as):
    sar = case("SAR", incident_date=date(2024, 11, 1), aware=date(2024, 11, 2), referral_date=date(2024, 11, 4),
               acknowledged_date=date(2024, 11, 5), decision_date=date(2025, 1, 10),
               referrer_informed_date=date(2025, 1, 13))
    session.add(Hold(case=fresh(session, sar), reason=HoldReason.CRIMINAL_PROCEEDINGS,
                     start_date=date(2025, 3, 1), end_date=date(2025, 3, 31)))
    session.commit()

    rows = table(details(login_as("board"), sar), "deadlines")

    completed = next(r for r in rows if r[0] == SAR_DONE)
    # 10 August 2025 was a Sunday: a month deadline says so
    assert completed[1] == "10 Aug 2025 (a Sunday) originally 10 Jul 2025 (Criminal proceedings from 01 Mar 2025)"
    acknowledged = next(r for r in rows if r[0] == f"{SAR_ACK} local practice")
    assert acknowledged[1:3] == ["11 Nov 2024", "05 Nov 2024"]
    assert "originally" not in acknowledged[1]


def test_the_case_page_lists_the_notifications_with_due_and_sent_dates(session, login_as):
    may_2025 = case(incident_date=date(2025, 5, 1), aware=date(2025, 5, 2))
    send(session, may_2025, "national_panel", date(2025, 5, 9), reference="CINS-2025-0042")

    page = details(login_as("business_support"), may_2025)

    notifications = next(t.body for t in tables(page) if t.body and t.body[0][0].endswith("(Serious incident notification)"))
    assert sorted(notifications) == sorted([
        ["Child Safeguarding Practice Review Panel (Serious incident notification)", "12 May 2025", "09 May 2025",
         "CINS-2025-0042"],
        ["Ofsted (Serious incident notification)", "12 May 2025", "not yet", ""],
    ])


def test_the_timeline_shows_who_moved_the_case_from_what_to_what_and_why(session, login_as):
    new = case(aware=sub_working_days(today(), 2))
    signed_in = login_as("business_support", full_name="Bea Support")
    before = details(signed_in, new)
    assert "Incident reported → Serious incident notification submitted" not in text(before)

    response = signed_in.post(f"/admin/case/transition/?id={new.id}&step=submit_sin", {
        "notification_sent_date": sub_working_days(today(), 1).isoformat(),
        "notification_reference": "CINS-77",
        "note": "Sent by secure email to the Panel & Ofsted.",
    })
    assert response.status_code == 302, text(response)[:2000]

    timeline = text(details(signed_in, new)).split('data-testid="timeline"')[1].split("</ol>")[0]
    entries = [" ".join(item.split()) for item in timeline.split("<li")[1:]]
    assert "Case opened as Incident reported" in entries[0]
    assert len(entries) == 2
    assert "UTC · Bea Support" in entries[1]
    assert "Incident reported → Serious incident notification submitted" in entries[1]
    assert "Sent by secure email to the Panel &amp; Ofsted." in entries[1]


# --- notifications -----------------------------------------------------------------------------


def notification_url(notification: Notification) -> str:
    return f"/admin/notification/edit/?id={notification.id}"


def test_business_support_records_an_expected_notification_as_sent_and_its_deadline_is_met(session, login_as):
    late = sin_overdue("Child Q")
    expected = notification_of(session, late, "national_panel")  # created by the rules, not by anyone
    due = add_working_days(sub_working_days(today(), 10), 5)
    assert (expected.due_date, expected.sent_date) == (due, None)
    session.commit()
    signed_in = login_as("business_support")
    form = form_fields(signed_in.get(notification_url(expected)))
    assert (form["case"], form["recipient"], form["purpose"]) == (str(late.id), "national_panel", "serious_incident")
    sent = sub_working_days(today(), 1)

    response = signed_in.post(notification_url(expected), {**form, "sent_date": sent.isoformat(),
                                                            "reference": "CINS-2026-0099"})

    assert response.status_code == 302, text(response)[:3000]
    notification = notification_of(session, late, "national_panel")
    assert (notification.sent_date, notification.reference) == (sent, "CINS-2026-0099")
    deadline = deadline_of(session, late, "SIN_TO_PANEL")
    assert deadline.met_date == sent
    assert deadline.due_date == due
    assert deadline_of(session, late, "SIN_TO_OFSTED").met_date is None  # only that notification was sent
    rapid_review = deadline_of(session, late, "RAPID_REVIEW_TO_PANEL")
    assert rapid_review is not None and rapid_review.due_date == add_working_days(sent, 15)
    session.commit()
    assert (fresh(session, late).reference, SIN_PANEL, "Overdue") not in work(signed_in.get("/admin/"))


def test_a_sent_date_in_the_future_is_refused_and_nothing_changes(session, login_as):
    late = sin_overdue("Child Q")
    expected = notification_of(session, late, "national_panel")
    session.commit()
    signed_in = login_as("business_support")
    form = form_fields(signed_in.get(notification_url(expected)))

    response = signed_in.post(notification_url(expected), {
        **form, "sent_date": (today() + timedelta(days=1)).isoformat(), "reference": "FUTURE"})

    assert response.status_code == 200
    assert shows(response, "The date sent cannot be in the future.")
    notification = notification_of(session, late, "national_panel")
    assert (notification.sent_date, notification.reference) == (None, None)
    assert deadline_of(session, late, "SIN_TO_PANEL").met_date is None
    assert deadline_of(session, late, "RAPID_REVIEW_TO_PANEL") is None


def test_the_panel_cannot_edit_a_notification(session, login_as):
    late = sin_overdue("Child Q")
    expected = notification_of(session, late, "national_panel")
    session.commit()
    form = form_fields(login_as("business_support").get(notification_url(expected)))
    panel = login_as("panel")

    assert panel.get(notification_url(expected)).status_code == 403
    response = panel.post(notification_url(expected), {**form, "sent_date": sub_working_days(today(), 1).isoformat()})

    assert response.status_code == 403
    assert notification_of(session, late, "national_panel").sent_date is None
    assert deadline_of(session, late, "SIN_TO_PANEL").met_date is None


# --- holds -------------------------------------------------------------------------------------


def decided_sar(session) -> Case:
    """A SAR whose review started 30 days ago: due to complete in about five months."""
    return case("SAR", aware=today() - timedelta(days=60), acknowledged_date=today() - timedelta(days=59),
                decision_date=today() - timedelta(days=30), referrer_informed_date=today() - timedelta(days=29))


def hold_form(a_case: Case, **overrides) -> dict:
    data = {"case": str(a_case.id), "reason": "criminal_proceedings",
            "detail": "Trial listed at the Crown Court.", "start_date": (today() - timedelta(days=9)).isoformat(),
            "end_date": ""}
    data.update(overrides)
    return data


def test_business_support_adds_a_hold_and_the_review_target_moves_while_the_original_stays(session, login_as):
    sar = decided_sar(session)
    original = add_months(today() - timedelta(days=30), 6)
    before = deadline_of(session, sar, "SAR_COMPLETED")
    assert (before.original_due, before.due_date) == (original, original)
    session.commit()
    signed_in = login_as("business_support")
    assert signed_in.get("/admin/hold/new/").status_code == 200

    response = signed_in.post("/admin/hold/new/", hold_form(sar))

    assert response.status_code == 302, text(response)[:3000]
    hold = session.scalars(select(Hold)).one()
    assert (hold.case_id, hold.reason, hold.start_date, hold.end_date) == (
        sar.id, "criminal_proceedings", today() - timedelta(days=9), None)
    completed = deadline_of(session, sar, "SAR_COMPLETED")
    assert completed.original_due == original
    assert completed.due_date == original + timedelta(days=10)  # 9 days ago up to and including today
    assert "Criminal proceedings" in completed.revision_reason
    for milestone in ("SAR_ACKNOWLEDGED", "SAR_REFERRER_INFORMED"):  # not extendable by a hold
        other = deadline_of(session, sar, milestone)
        assert other.due_date == other.original_due, milestone
    session.commit()

    row = next(r for r in table(details(signed_in, sar), "deadlines") if r[0] == SAR_DONE)
    assert row[1].startswith(f"{original + timedelta(days=10):%d %b %Y} originally {original:%d %b %Y}")


def test_a_hold_ending_before_it_starts_is_refused_and_nothing_changes(session, login_as):
    sar = decided_sar(session)
    original = add_months(today() - timedelta(days=30), 6)
    session.commit()

    response = login_as("business_support").post("/admin/hold/new/", hold_form(
        sar, start_date=(today() - timedelta(days=9)).isoformat(), end_date=(today() - timedelta(days=10)).isoformat()))

    assert response.status_code == 200
    assert shows(response, "A hold cannot end before it starts.")
    assert count(session, Hold) == 0
    completed = deadline_of(session, sar, "SAR_COMPLETED")
    assert (completed.original_due, completed.due_date, completed.revision_reason) == (original, original, None)


def test_a_hold_moved_to_another_case_no_longer_extends_the_first(session, login_as):
    """Correcting which case a hold belongs to must take its extension off the case it left."""
    wrong, right = decided_sar(session), decided_sar(session)
    original = add_months(today() - timedelta(days=30), 6)
    session.commit()
    signed_in = login_as("business_support")
    assert signed_in.post("/admin/hold/new/", hold_form(wrong)).status_code == 302
    assert deadline_of(session, wrong, "SAR_COMPLETED").due_date == original + timedelta(days=10)
    hold = session.scalars(select(Hold)).one()
    session.commit()
    edit = f"/admin/hold/edit/?id={hold.id}"
    form = form_fields(signed_in.get(edit))

    response = signed_in.post(edit, {**form, "case": str(right.id)})

    assert response.status_code == 302, text(response)[:3000]
    assert reload(session, hold).case_id == right.id
    assert deadline_of(session, right, "SAR_COMPLETED").due_date == original + timedelta(days=10)
    left = deadline_of(session, wrong, "SAR_COMPLETED")
    assert (left.due_date, left.revision_reason) == (original, None)


# --- deadline rules ----------------------------------------------------------------------------


def sin_rule(session) -> DeadlineRule:
    session.expire_all()
    rule = session.scalars(select(DeadlineRule).where(DeadlineRule.milestone == "SIN_TO_PANEL")).one()
    session.commit()
    return rule


def rule_url(rule: DeadlineRule) -> str:
    return f"/admin/deadline_rule/edit/?id={rule.id}"


def version_url(rule: DeadlineRule) -> str:
    return f"/admin/deadline_rule/version/?id={rule.id}"


VERSION_FORM = {"offset": "10", "unit": "working_days", "effective_from": "01/12/2025", "reach": "open_cases",
                "change_reason": "A test", "confirm": "1"}


def two_csprs(session) -> tuple[Case, Case]:
    first = case(incident_date=date(2025, 5, 1), aware=date(2025, 5, 2))
    second = case(incident_date=date(2025, 12, 9), aware=date(2025, 12, 10))
    return first, second


def test_the_edit_form_changes_a_rules_wording_never_its_timescale(session, login_as):
    """The timescale changes by a new version (tests/views/test_deadline_rule_versions.py); editing a
    rule offers only what describes it, and a forged timescale field is ignored."""
    first, _ = two_csprs(session)
    rule = sin_rule(session)
    admin = login_as("admin")
    form = form_fields(admin.get(rule_url(rule)))
    assert set(form) >= {"label", "standing", "responsible_role", "source"}
    assert not set(form) & {"offset", "unit", "anchor", "met_by", "effective_from", "effective_to", "stage"}

    response = admin.post(rule_url(rule), {**form, "label": "SIN to the Panel", "offset": "10"})

    assert response.status_code == 302, text(response)[:3000]
    edited = reload(session, rule)
    assert (edited.label, edited.offset) == ("SIN to the Panel", 5)
    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == date(2025, 5, 12)
    session.commit()


def test_business_support_may_neither_read_nor_edit_the_rules(session, login_as):
    first, _ = two_csprs(session)
    rule = sin_rule(session)
    form = form_fields(login_as("admin").get(rule_url(rule)))
    signed_in = login_as("business_support")

    assert signed_in.get("/admin/deadline_rule/").status_code == 403
    assert signed_in.get(rule_url(rule)).status_code == 403
    assert signed_in.post(rule_url(rule), {**form, "label": "Changed"}).status_code == 403
    assert signed_in.post(version_url(rule), VERSION_FORM).status_code == 403
    assert reload(session, rule).offset == 5
    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == date(2025, 5, 12)


def test_the_auditor_reads_the_rules_but_may_not_edit_them(session, login_as):
    first, _ = two_csprs(session)
    rule = sin_rule(session)
    form = form_fields(login_as("admin").get(rule_url(rule)))
    auditor = login_as("auditor")

    listed = auditor.get("/admin/deadline_rule/")
    assert listed.status_code == 200
    assert buttons(listed) == count(session, DeadlineRule) >= 12  # every rule, the seeded ones at least
    assert shows(listed, SIN_PANEL)
    assert rule_url(rule) not in text(listed)

    assert auditor.get(rule_url(rule)).status_code == 403
    assert version_url(rule) not in text(listed)
    assert auditor.post(rule_url(rule), {**form, "label": "Changed"}).status_code == 403
    assert auditor.post(version_url(rule), VERSION_FORM).status_code == 403
    assert reload(session, rule).offset == 5
    assert deadline_of(session, first, "SIN_TO_PANEL").due_date == date(2025, 5, 12)


def test_a_month_deadline_that_falls_on_a_weekend_names_its_weekday(session, login_as):
    """Six months from a decision may land on a Saturday or Sunday: the case page and the deadlines
    list say so, instead of a bare date nobody expects to be a weekend."""
    decided = next(day for day in (today() - timedelta(days=n) for n in range(1, 15))
                   if add_months(day, 6).weekday() >= 5)
    sar = case("SAR", aware=decided - timedelta(days=10), subject_pseudonym="Adult Weekend",
               acknowledged_date=decided - timedelta(days=9), decision_date=decided, referrer_informed_date=decided)
    due = deadline_of(session, sar, "SAR_COMPLETED").due_date
    shown = f"{due:%d %b %Y} (a {due:%A})"
    signed_in = login_as("business_support")

    assert shown in text(details(signed_in, sar))
    assert shown in text(signed_in.get("/admin/deadline/?search=Adult+Weekend"))


def test_each_rule_says_where_it_comes_from_as_the_law_was_checked(session, login_as):
    """Statute, statutory guidance or local practice (domain-reference section 8): telling the Home
    Office is guidance, not DVCVA 2004 s9; the SAR's 5 working days to tell the referrer, and the notice
    period before a CSPR is published, are local practice."""
    rules = {rule.milestone: rule for rule in session.scalars(select(DeadlineRule))}
    session.commit()

    assert {m: str(r.standing) for m, r in rules.items() if m in (
        "SIN_TO_PANEL", "DHR_HOME_OFFICE_TOLD", "SAR_REFERRER_INFORMED", "PRE_PUBLICATION_NOTICE", "SAR_COMPLETED")} == {
        "SIN_TO_PANEL": "statute", "DHR_HOME_OFFICE_TOLD": "statutory_guidance",
        "SAR_REFERRER_INFORMED": "local_practice", "PRE_PUBLICATION_NOTICE": "local_practice",
        "SAR_COMPLETED": "statutory_guidance"}
    assert "not DVCVA 2004 s9" in rules["DHR_HOME_OFFICE_TOLD"].source
    assert [m for m, r in rules.items() if r.statutory] == ["SIN_TO_PANEL"]
    shown = text(login_as("admin").get("/admin/deadline_rule/?page_size=50"))
    assert all(label in shown for label in ("Statute", "Statutory guidance", "Local practice"))


def test_the_dashboard_counts_every_deadline_though_it_lists_the_most_urgent(session, login_as):
    """Past WORK_SHOWN the list stops, the counts do not: each is the number in the list it leads to."""
    from backoffice.views.home import WORK_SHOWN

    with factories.in_one_commit():
        for n in range(30):
            sin_overdue(f"Child {n}")
    signed_in = login_as("business_support")
    home = signed_in.get("/admin/")
    overdue, leads_to = count_link(home, "overdue-count")
    assert overdue > WORK_SHOWN
    assert f"List ({overdue})" in text(signed_in.get(leads_to))
    assert len(table(home, "work")) == WORK_SHOWN
    assert 'data-testid="work-shown"' in text(home)
