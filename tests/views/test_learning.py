"""The learning loop in the interface: business support records a finding and an action, the panel
drafts a recommendation and sends the review's set to the board, the board approves it and accepts or
returns the evidence; the case page shows each recommendation's actions with RAG; the case cannot
close while an action is open."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backoffice.domain import learning
from backoffice.models import ApprovalStatus, Case, Finding, Recommendation, RecommendationSet, ReviewAction, Theme
from tests import factories
from tests.helpers import count, opened_at, reload, shows, today


def theme(name: str) -> Theme:
    return factories._session().scalars(select(Theme).where(Theme.name == name)).one()


def test_business_support_records_a_finding_coded_by_theme(session, login_as):
    sar = factories.CaseFactory(review_type="SAR", state="ACTION_PLAN_MONITORING")
    form = {"case": str(sar.id), "title": "Self-neglect was not recognised",
            "text": "Agencies treated repeated refusals of care as choice.",
            "themes": [str(theme("Self-neglect").id), str(theme("Mental capacity").id)]}

    response = login_as("business_support").post(f"/admin/finding/new/?case_id={sar.id}", data=form)

    assert response.status_code == 302
    finding = session.scalars(select(Finding)).one()
    assert [t.name for t in finding.themes] == ["Mental capacity", "Self-neglect"]
    assert login_as("panel").post("/admin/finding/new/", data=form).status_code == 403


def recommendation_form(finding, **overrides) -> dict:
    data = {"case": str(finding.case_id), "finding": str(finding.id), "level": "national",
            "national_body": "dhsc", "text": "Issue guidance on self-neglect and executive capacity.",
            "expected_change": "Practitioners assess executive capacity.", "measure": "",
            "owner": "DHSC", "target_date": (today() + timedelta(days=365)).isoformat(), "check_override": ""}
    data.update(overrides)
    return data


def test_the_panel_drafts_a_national_recommendation_to_the_body_that_owns_the_issue(session, login_as):
    finding = factories.FindingFactory()

    response = login_as("panel").post("/admin/recommendation/new/", data=recommendation_form(finding))

    assert response.status_code == 302
    drafted = session.scalars(select(Recommendation)).one()
    assert drafted.addressee == "Department of Health and Social Care" and drafted.case == finding.case


def test_a_national_recommendation_with_no_body_is_refused_and_nothing_is_saved(session, login_as):
    finding = factories.FindingFactory()

    response = login_as("panel").post("/admin/recommendation/new/",
                                      data=recommendation_form(finding, national_body="__None"))

    assert shows(response, "Name the national body that owns the issue")
    assert count(session, Recommendation) == 0


def test_a_set_failing_the_check_cannot_be_sent_to_the_board(session, login_as):
    draft = factories.RecommendationFactory(measure=None)
    panel = login_as("panel")

    page = panel.get(f"/admin/case/details/?id={draft.case_id}")
    assert shows(page, "lacks a measurable outcome")
    response = panel.post(f"/admin/recommendation/send/?case_id={draft.case_id}", follow_redirects=True)

    assert shows(response, "lacks a measurable outcome")
    assert count(session, RecommendationSet) == 0


def test_the_panel_sends_the_set_and_the_board_approves_it(session, login_as):
    draft = factories.RecommendationFactory()
    panel = login_as("panel")

    panel.post(f"/admin/recommendation/send/?case_id={draft.case_id}")
    approval_set = session.scalars(select(RecommendationSet)).one()
    assert approval_set.status == ApprovalStatus.PENDING
    board = login_as("board")
    assert shows(board.get(f"/admin/case/details/?id={draft.case_id}"), "Approve, reject or ask")
    response = board.post(f"/admin/recommendation/approve/?case_id={draft.case_id}", data={"outcome": "approve"})

    assert response.status_code == 302
    assert reload(session, approval_set).status == ApprovalStatus.APPROVED


def test_a_board_member_who_drafted_a_recommendation_may_not_approve_the_set(session, login_as):
    drafter = login_as("board", "panel")
    draft = factories.RecommendationFactory(created_by_id=drafter.user.id)
    drafter.post(f"/admin/recommendation/send/?case_id={draft.case_id}")

    response = drafter.post(f"/admin/recommendation/approve/?case_id={draft.case_id}", data={"outcome": "approve"})

    assert shows(response, "You drafted one of these recommendations")
    assert session.scalars(select(RecommendationSet)).one().status == ApprovalStatus.PENDING


def action_form(recommendation, owner, **overrides) -> dict:
    data = {"case": str(recommendation.case_id), "recommendation": str(recommendation.id),
            "description": "Add executive capacity to the self-neglect procedure.", "owner_agency": str(owner.id),
            "lead": "Principal Social Worker", "due_date": (today() + timedelta(days=60)).isoformat(),
            "impact_measure": "Audit of 10 cases shows executive capacity considered.", "status": "not_started",
            "completed_date": "", "not_implemented_reason": "", "evidence_outcome": "", "impact_check_date": "",
            "impact_outcome": ""}
    data.update(overrides)
    return data


def test_business_support_adds_an_action_and_the_case_page_shows_it_with_its_rag(session, login_as):
    recommendation = factories.RecommendationFactory()
    owner = factories.AgencyFactory(name="Adult Social Care")
    support = login_as("business_support")

    response = support.post("/admin/action/new/", data=action_form(
        recommendation, owner, due_date=(today() + timedelta(days=10)).isoformat()))

    assert response.status_code == 302
    page = support.get(f"/admin/case/details/?id={recommendation.case_id}")
    assert shows(page, "Add executive capacity to the self-neglect procedure.")
    assert '<span class="badge badge-warning" data-testid="rag">Amber</span>' in page.get_data(as_text=True)


def test_completing_an_action_without_evidence_is_refused_and_nothing_changes(session, login_as):
    action = factories.ActionFactory()

    response = login_as("business_support").post(f"/admin/action/edit/?id={action.id}", data=opened_at(
        session, action, action_form(action.recommendation, action.owner_agency, status="completed",
                                     completed_date=today().isoformat())))

    assert shows(response, "Completion needs evidence")
    assert reload(session, action).status == "not_started"


def test_the_board_accepts_the_evidence_and_the_case_may_then_close(session, login_as):
    action = factories.ActionFactory(status="completed", completed_date=today(),
                                     evidence_outcome="Audit: 9 of 10 cases considered executive capacity.")
    board = login_as("board")
    close = f"/admin/case/transition/?id={action.case_id}&step=close"
    assert shows(board.post(close, data={"note": "Learning embedded."}), "1 action is still open")

    response = board.post(f"/admin/action/evidence/?id={action.id}", data={"decision": "accepted"})

    assert response.status_code == 302
    assert reload(session, action).evidence_decision == "accepted"
    assert board.post(close, data={"note": "Learning embedded."}).status_code == 302
    assert reload(session, action.case).state == "CLOSED"


def test_returning_evidence_needs_a_comment_and_only_the_board_decides(session, login_as):
    action = factories.ActionFactory(status="completed", completed_date=today(), evidence_outcome="Done.")

    response = login_as("board").post(f"/admin/action/evidence/?id={action.id}", data={"decision": "returned"})
    assert shows(response, "Say what more evidence is needed.")
    assert reload(session, action).evidence_decision is None
    assert login_as("business_support").post(f"/admin/action/evidence/?id={action.id}",
                                             data={"decision": "accepted"}).status_code == 403


def test_learning_records_of_other_streams_are_not_seen(session, login_as):
    action = factories.ActionFactory()  # a SAR's
    children = login_as("business_support", streams=["children"])

    assert not shows(children.get("/admin/action/"), action.description)
    assert count(session, ReviewAction) == 1


def test_the_home_page_lists_the_actions_due_and_overdue_with_their_rag(session, login_as):
    overdue = factories.ActionFactory(due_date=today() - timedelta(days=3))
    factories.ActionFactory(due_date=today() + timedelta(days=200))  # green: not listed

    home = login_as("business_support").get("/admin/")

    assert shows(home, overdue.description)
    assert shows(home, "1 action") and '<span class="badge badge-danger" data-testid="rag">Red</span>' in home.get_data(as_text=True)


def test_the_board_sees_the_implementation_rate_per_review_type_and_overdue_actions_by_agency(session, login_as):
    late_owner = factories.AgencyFactory(name="Northshire Housing")
    factories.ActionFactory(due_date=today() - timedelta(days=3), owner_agency=late_owner)
    factories.ActionFactory(due_date=today() - timedelta(days=9), status="completed", completed_date=today(),
                            evidence_outcome="Audit shows it.", evidence_decision="accepted")

    home = login_as("board").get("/admin/")

    page = home.get_data(as_text=True)
    assert "<td>Safeguarding Adult Review</td><td>1</td><td>2</td><td>50%</td>" in page
    assert shows(home, "Northshire Housing: 1")


def test_the_library_page_finds_recommendations_and_findings_in_the_users_streams(session, login_as):
    factories.RecommendationFactory(text="Share information before every strategy meeting")
    child = factories.FindingFactory(case=factories.CaseFactory(), title="Information not shared about the child")

    adults = login_as("panel", streams=["adults"]).get("/admin/finding/library/?q=information+shared")

    assert shows(adults, "Share information before every strategy meeting")
    assert not shows(adults, child.title)
    assert shows(adults, "result")


def test_a_findings_page_shows_the_same_lesson_learned_in_another_review_and_what_came_of_it(session, login_as):
    earlier = factories.ActionFactory(status="completed", completed_date=today(), evidence_outcome="Said done.")
    old = earlier.recommendation.finding
    old.title, old.text = "Information was not shared before the strategy meeting", "No agency shared information."
    session.commit()
    new = factories.FindingFactory(title="Agencies did not share information",
                                   text="Information was not shared before the strategy meeting.")

    page = login_as("board").get(f"/admin/finding/details/?id={new.id}")

    assert shows(page, old.title)
    assert shows(page, "Completed without accepted evidence")


def test_recommendations_and_actions_filter_by_the_theme_of_their_finding(session, login_as):
    coded = factories.ActionFactory(description="Coded action")
    coded.recommendation.finding.themes = [theme("Self-neglect")]
    uncoded = factories.ActionFactory(description="Uncoded action")
    session.commit()
    auditor = login_as("auditor")
    wanted = "self-neglect"

    actions = auditor.get(f"/admin/action/?flt0_theme_contains={wanted}")
    recommendations = auditor.get(f"/admin/recommendation/?flt0_theme_contains={wanted}")

    assert shows(actions, "Coded action") and not shows(actions, "Uncoded action")
    assert shows(recommendations, coded.recommendation.text) and not shows(recommendations, uncoded.recommendation.text)


def test_recommendations_the_board_has_cannot_change_or_grow_until_it_asks_for_more(session, login_as):
    draft = factories.RecommendationFactory()
    panel = login_as("panel")
    panel.post(f"/admin/recommendation/send/?case_id={draft.case_id}")

    edited = panel.post(f"/admin/recommendation/edit/?id={draft.id}", data=opened_at(
        session, draft, recommendation_form(draft.finding, level="board", national_body="__None",
                                            text="Quietly changed after sending.")))
    added = panel.post("/admin/recommendation/new/", data=recommendation_form(draft.finding))

    assert shows(edited, "cannot change now") and shows(added, "cannot change now")
    assert reload(session, draft).text != "Quietly changed after sending." and count(session, Recommendation) == 1


def test_redrafting_a_finding_shows_the_similar_findings_of_other_reviews_beside_the_form(session, login_as):
    old = factories.FindingFactory(title="Information was not shared before the strategy meeting")
    new = factories.FindingFactory(case=factories.CaseFactory(review_type="SAR"),
                                   title="Agencies did not share information", text="Nothing was shared.")

    page = login_as("business_support").get(f"/admin/finding/edit/?id={new.id}")

    assert page.status_code == 200 and shows(page, old.title) and shows(page, "Learned before?")


def test_the_cases_list_filters_by_the_themes_of_a_reviews_findings(session, login_as):
    coded = factories.FindingFactory(case=factories.CaseFactory(review_type="SAR", subject_pseudonym="Adult Coded"))
    coded.themes = [theme("Self-neglect")]
    factories.FindingFactory(case=factories.CaseFactory(review_type="SAR", subject_pseudonym="Adult Uncoded"))
    session.commit()

    listed = login_as("auditor").get("/admin/case/?flt0_theme_contains=neglect")

    assert shows(listed, "Adult Coded") and not shows(listed, "Adult Uncoded")


def test_redrafting_a_recommendation_shows_what_other_reviews_learned_on_its_finding(session, login_as):
    earlier = factories.ActionFactory(status="not_implemented", not_implemented_reason="No budget.")
    earlier.recommendation.finding.title = "Information was not shared before the strategy meeting"
    session.commit()
    draft = factories.RecommendationFactory(finding=factories.FindingFactory(
        case=factories.CaseFactory(review_type="SAR"), title="Agencies did not share information"))

    page = login_as("panel").get(f"/admin/recommendation/edit/?id={draft.id}")

    assert shows(page, "Information was not shared before the strategy meeting") and shows(page, "Not implemented")


def test_the_repeat_lessons_of_a_finding_as_it_is_typed(session, login_as):
    old = factories.FindingFactory(title="Information was not shared before the strategy meeting")
    support = login_as("business_support")

    form = support.get("/admin/finding/new/")
    listed = support.get("/admin/finding/similar/?text=agencies+did+not+share+information")

    assert shows(form, "Learned before?") and 'data-repeat-lessons="/admin/finding/similar/' in form.get_data(as_text=True)
    assert shows(listed, old.title)
    assert shows(support.get("/admin/finding/similar/?text="), "None found.")


def test_business_support_codes_a_review_by_theme_and_the_cases_list_filters_by_it(session, login_as):
    from tests.helpers import case_form

    support = login_as("business_support")
    response = support.post("/admin/case/new/", data=case_form(themes=[str(theme("Safe sleeping").id)]))
    assert response.status_code == 302
    factories.CaseFactory(subject_pseudonym="Child Uncoded")

    listed = login_as("auditor").get("/admin/case/?flt0_theme_contains=safe+sleep")

    coded = session.scalars(select(Case).where(Case.subject_pseudonym != "Child Uncoded")).one()
    assert [t.name for t in coded.themes] == ["Safe sleeping"]
    assert shows(listed, coded.reference) and not shows(listed, "Child Uncoded")


def test_admins_keep_the_themes_with_their_sources_and_nobody_else_edits_them(session, login_as):
    kept = theme("Safe sleeping")
    form = {"name": "Safe sleeping arrangements", "group": "vulnerability", "source": "Local coding scheme.",
            "active": "y"}

    response = login_as("admin").post(f"/admin/theme/edit/?id={kept.id}", data=opened_at(session, kept, form))

    assert response.status_code == 302 and reload(session, kept).name == "Safe sleeping arrangements"
    assert login_as("business_support").post(f"/admin/theme/edit/?id={kept.id}", data=form).status_code == 403
    assert login_as("auditor").get("/admin/theme/").status_code == 200


def test_progress_updates_on_an_action_form_its_timeline_and_keep_it_out_of_the_red(session, login_as):
    action = factories.ActionFactory(due_date=today() + timedelta(days=200))
    action.created_at = action.created_at - timedelta(days=90)
    session.commit()
    assert learning_rag(action) == "red"  # no word for 90 days
    data = action_form(action.recommendation, action.owner_agency, status="in_progress",
                       due_date=action.due_date.isoformat(), **{"updates-0-on": today().isoformat(),
                                                               "updates-0-note": "Checklist piloted in two teams."})

    response = login_as("business_support").post(f"/admin/action/edit/?id={action.id}",
                                                 data=opened_at(session, action, data))

    assert response.status_code == 302
    action = reload(session, action)
    assert [u.note for u in action.updates] == ["Checklist piloted in two teams."]
    assert learning_rag(action) == "green"


def learning_rag(action) -> str:
    return learning.rag(action, today()).value
