"""The learning loop in the interface: themes (admins), findings (business support), recommendations
(the panel drafts them, the board approves a review's set), and actions with their progress and
evidence (business support records them, the board accepts or returns the evidence)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import and_, case as sql_case, func, inspect, select
from sqlalchemy.orm import joinedload, lazyload, selectinload
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from backoffice.domain import learning, library
from backoffice.domain.approval import approvals_required
from backoffice.extensions import db
from backoffice.models import (
    ActionStatus, ActionUpdate, Agency, ApprovalStatus, Case, EvidenceDecision, Finding, Level, NationalBody,
    PublishedDocument, Rag,
    Recommendation, RecommendationSet, ReviewAction, Theme, ThemeGroup,
)
from backoffice.policy import may, user_streams
from backoffice.refusals import Refused
from backoffice.scope import visible_case_records
from backoffice.views.admin_parts import ThemeFilter, case_named, label_formatter
from backoffice.views.base import SecureModelView, saved, today
from backoffice.views.cases import CaseRecordView, agency_loader, opened_from_case
from backoffice.views.decisions import ApprovalForm
from backoffice.views.forms import PlainForm
from backoffice.vocabulary import ReviewType, types_in_streams

RAG_BADGES = {Rag.RED: "danger", Rag.AMBER: "warning", Rag.GREEN: "success", Rag.DONE: "secondary"}


def rag_badge(action: ReviewAction) -> Markup:
    """The action's RAG today, as a badge (worked out from its dates and updates, never typed)."""
    found = learning.rag(action, today())
    return Markup('<span class="badge badge-{}" data-testid="rag">{}</span>').format(RAG_BADGES[found], found.label)


def _rag_formatter(view, context, model: ReviewAction, name) -> Markup:
    return rag_badge(model)


def _themes(view, context, model: Finding, name) -> str:
    return ", ".join(t.name for t in model.themes)


def _active_themes():
    return db.session.query(Theme).filter(Theme.active.is_(True)).order_by(Theme.name)


class ThemeView(SecureModelView):
    """The controlled vocabulary of themes, each with its source: reference data, kept by admins."""

    resource = "reference_data"
    column_list = ["name", "group", "active"]
    column_details_list = ["name", "group", "source", "active", "created_at", "updated_at"]
    column_default_sort = [("group", False), ("name", False)]
    column_filters = ["group", "active"]
    column_searchable_list = ["name"]
    column_formatters = {"group": label_formatter}
    form_columns = ["name", "group", "source", "active"]
    form_choices = {"group": [(g.value, g.label) for g in ThemeGroup]}
    form_args = {"source": {"description": "Where the term comes from (e.g. the Care Act guidance, the SAR Library)."}}


class FindingView(CaseRecordView):
    """What each review learned, coded by theme; the learning library searches them all, and each
    finding's page shows the past findings most like it (repeat lessons)."""

    resource = "finding"
    extra_endpoint_actions = {"library_view": ("read",), "similar_view": ("read",)}
    details_template = "admin/finding_details.html"
    edit_template = "admin/finding_edit.html"  # the repeat lessons, beside the finding as it is drafted
    create_template = "admin/finding_create.html"
    column_list = ["case", "title", "themes"]
    column_details_list = ["case", "title", "text", "themes", "created_at", "updated_at", "archived_at",
                           "archive_reason"]
    column_export_list = ["case", "title", "text", "themes"]
    column_searchable_list = ["case.reference", "case.subject_pseudonym", "title"]
    column_labels = {"text": "What was learned"}
    column_formatters = {"themes": _themes}
    column_formatters_export = {"themes": _themes}
    column_default_sort = ("id", True)
    form_columns = ["case", "title", "text", "themes"]
    form_args = {"themes": {"query_factory": _active_themes, "description": "The themes the finding touches."}}

    def __init__(self, *args, **kwargs) -> None:
        self.column_filters = ["themes.name"]
        super().__init__(*args, **kwargs)

    @expose("/library/")
    def library_view(self):
        """One ranked search across every review's findings and recommendations, within the user's streams."""
        query = (request.args.get("q") or "").strip()[:200]
        hits = library.search(db.session, query, visible_types()) if query else []
        return self.render("admin/library.html", query=query, hits=hits)

    def repeat_lessons(self, finding: Finding) -> list[tuple[library.Hit, list[ReviewAction]]]:
        return repeat_lessons(finding)

    @expose("/similar/")
    def similar_view(self):
        """The repeat lessons for a finding as it is typed (`?text=`; `?id=` leaves that finding and its
        review out): the list the drafting form shows, refreshed by admin-controls.js."""
        draft = (request.args.get("text") or "")[:5000]
        finding = self.get_one(request.args["id"]) if request.args.get("id", "").isdigit() else None
        return self.render("admin/repeat_lessons_list.html",
                           repeats=repeat_lessons(finding, draft) if draft.strip() else [])


def repeat_lessons(finding: Finding | None, draft: str | None = None) -> list[tuple[library.Hit, list[ReviewAction]]]:
    """The past findings of other reviews most like this one (or like `draft`, as it is typed), each with
    its actions (their outcomes say whether the lesson was acted on)."""
    if finding is None and not draft:
        return []
    text = draft if draft else f"{finding.title} {finding.text}"
    hits = [h for h in library.similar(db.session, text, visible_types(), exclude_id=finding.id if finding else None)
            if finding is None or h.case_id != finding.case_id]
    actions = db.session.query(ReviewAction).join(Recommendation).filter(
        Recommendation.finding_id.in_([h.record_id for h in hits]), ReviewAction.archived_at.is_(None)).all()
    by_finding: dict[int, list[ReviewAction]] = {}
    for action in actions:
        by_finding.setdefault(action.recommendation.finding_id, []).append(action)
    return [(h, by_finding.get(h.record_id, [])) for h in hits]


def visible_types() -> list[str]:
    """The review types of the user's streams (what the library may search)."""
    return [t.value for t in types_in_streams(user_streams())]


class RecommendationView(CaseRecordView):
    """What each review recommends, to whom, the change expected and how it will be measured; checked
    as it is drafted, and approved by the board as a review's set."""

    resource = "recommendation"
    extra_endpoint_actions = {"send_view": ("create",), "approve_set_view": ("approve",)}
    details_template = "admin/recommendation_details.html"
    edit_template = "admin/recommendation_edit.html"  # its finding's repeat lessons, beside the form
    column_list = ["case", "text", "level", "addressee", "target_date", "check"]
    list_reads = ("addressee_agency",)  # "Addressed to" names it
    column_details_list = ["case", "finding", "text", "level", "addressee", "expected_change", "measure", "owner",
                           "target_date", "check", "check_override", "created_at", "updated_at", "archived_at",
                           "archive_reason"]
    column_export_list = ["case", "text", "level", "addressee", "expected_change", "measure", "owner", "target_date"]
    column_searchable_list = ["case.reference", "case.subject_pseudonym", "text"]
    column_labels = {"text": "Recommendation", "addressee": "Addressed to", "target_date": "By",
                     "check": "Drafting check", "check_override": "Check overridden because",
                     "measure": "Measurable outcome", "expected_change": "Change expected",
                     "addressee_agency": "Agency addressed", "national_body": "National body addressed"}
    column_formatters = {"level": label_formatter, "check": lambda v, c, m, n: _check(m),
                         "addressee": lambda v, c, m, n: m.addressee}
    column_formatters_export = {"level": label_formatter, "addressee": lambda v, c, m, n: m.addressee}
    column_default_sort = ("id", True)
    form_columns = ["case", "finding", "text", "level", "addressee_agency", "national_body", "expected_change",
                    "measure", "owner", "target_date", "check_override"]
    form_choices = {"level": [(v.value, v.label) for v in Level],
                    "national_body": [(b.value, b.label) for b in NationalBody]}
    form_args = {
        "national_body": {"description": "National recommendations only: the body that owns the issue."},
        "addressee_agency": {"description": "Single- and multi-agency recommendations: the agency addressed."},
        "measure": {"description": "How the change will be measured, e.g. audit of 20 cases shows ..."},
        "owner": {"description": "Who answers for it (a role or a name)."},
        "check_override": {"description": "Only if the check fails and it must go to the board anyway: why."},
    }

    def __init__(self, *args, **kwargs) -> None:
        self.extra_ajax_refs = {
            "addressee_agency": agency_loader(self, "addressee_agency"),
            "finding": self.create_scoped_loader(
                "finding", Finding, lambda q: _within_case(visible_case_records(q, Finding, "finding"), Finding),
                ["title"], placeholder="Start typing the finding's title"),
        }
        self.column_filters = ["level", "national_body", ThemeFilter(Recommendation.finding_id, "Theme")]
        super().__init__(*args, **kwargs)

    def repeat_lessons(self, recommendation: Recommendation):
        return repeat_lessons(recommendation.finding)

    def domain_errors(self, model: Recommendation, is_created: bool) -> dict[str, str]:
        locked = learning.locked_by_the_board(db.session, model.case.id if model.case else None)
        return {"text": locked} if locked else learning.recommendation_errors(model)

    def on_model_change(self, form, model: Recommendation, is_created: bool) -> None:
        if model.finding is not None and model.case is None:
            model.case = model.finding.case
        if not model.national_body:
            model.national_body = None
        super().on_model_change(form, model, is_created)

    @expose("/send/", methods=("POST",))
    def send_view(self):
        """Send a review's recommendations to the board as a set (each passes the check or has an override)."""
        case = opened_from_case() or abort(404)
        return_url = get_redirect_target() or url_for("case.details_view", id=case.id)
        form = PlainForm()
        if form.validate_on_submit():
            saved(lambda: learning.send_to_the_board(db.session, case, recommendations_of(case)),
                  lambda: "The recommendations are with the board for approval.")
        return redirect(return_url)

    @expose("/approve/", methods=("GET", "POST"))
    def approve_set_view(self):
        """A board member approves, rejects or asks about a review's recommendations, as a set."""
        case = opened_from_case() or abort(404)
        approval_set = db.session.query(RecommendationSet).filter_by(case_id=case.id).one_or_none() or abort(404)
        return_url = get_redirect_target() or url_for("case.details_view", id=case.id)
        recommendations = recommendations_of(case)
        form = ApprovalForm()  # the same answers as on a decision
        required = approvals_required(current_app.config, case.review_type)
        if form.validate_on_submit() and saved(
            lambda: learning.answer(approval_set, recommendations, current_user.id, form.outcome.data,
                                    form.comment.data, required),
            lambda: f"Your answer is recorded. The recommendations are "
                    f"{ApprovalStatus(approval_set.status).label.lower()}.",
        ):
            return redirect(return_url)
        return self.render("admin/recommendation_approve.html", case=case, approval_set=approval_set, form=form,
                           recommendations=recommendations, required=required, return_url=return_url,
                           why_not=learning.why_not_approver(approval_set, recommendations, current_user.id))


def _within_case(query, model):
    wanted = request.args.get("case_id", "")
    return query.filter(model.case_id == int(wanted)) if wanted.isdigit() else query


def _check(recommendation: Recommendation) -> Markup:
    missing = learning.check_failures(recommendation)
    if not missing:
        return Markup('<span class="badge badge-success">Passes</span>')
    word = "Overridden" if (recommendation.check_override or "").strip() else "Lacks"
    return Markup('<span class="badge badge-{}">{}</span> <small>{}</small>').format(
        "secondary" if word == "Overridden" else "warning", word, ", ".join(missing))


def recommendations_of(case: Case) -> list[Recommendation]:
    """The case's live recommendations, as the user may see them."""
    return visible_case_records(db.session.query(Recommendation), Recommendation, "recommendation").filter(
        Recommendation.case_id == case.id, Recommendation.archived_at.is_(None)).options(
        selectinload(Recommendation.actions).selectinload(ReviewAction.updates)).order_by(Recommendation.id).all()


class EvidenceForm(PlainForm):
    decision = RadioField("Your decision", choices=[(d.value, d.label) for d in EvidenceDecision],
                          validators=[DataRequired("Choose accept or return.")])
    comment = TextAreaField("Comment", validators=[Length(max=4000)],
                            description="Required when returning it: say what more evidence is needed.")


class ActionView(CaseRecordView):
    """The actions taken on each recommendation: owner, lead, due date, impact measure, status, progress
    updates and the evidence of change; RAG follows the data."""

    resource = "action"
    extra_endpoint_actions = {"evidence_view": ("accept_evidence",)}
    details_template = "admin/action_details.html"
    column_list = ["case", "description", "owner_agency", "lead", "due_date", "status", "rag"]
    list_reads = ("updates",)  # RAG reads the last update
    column_details_list = ["case", "recommendation", "description", "owner_agency", "lead", "due_date",
                           "impact_measure", "status", "rag", "updates", "completed_date", "not_implemented_reason",
                           "evidence_document", "evidence_outcome", "evidence_decision", "evidence_decided_by",
                           "evidence_comment", "impact_check_date", "impact_outcome", "created_at", "updated_at",
                           "archived_at", "archive_reason"]
    column_export_list = ["case", "description", "owner_agency", "lead", "due_date", "status", "rag",
                          "completed_date", "evidence_decision"]
    column_searchable_list = ["case.reference", "case.subject_pseudonym", "lead"]
    column_sortable_list = [("case", "case.reference"), "due_date", "status", "lead"]
    column_default_sort = "due_date"
    column_labels = {"owner_agency": "Owner", "rag": "RAG", "evidence_outcome": "Outcome described",
                     "evidence_document": "Evidence document", "evidence_decision": "Board's decision",
                     "evidence_decided_by": "Decided by", "evidence_comment": "Board's comment",
                     "impact_measure": "Impact measure", "updates": "Progress"}
    column_formatters = {"status": label_formatter, "evidence_decision": label_formatter, "rag": _rag_formatter,
                         "updates": lambda v, c, m, n: Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(
                             Markup("<li>{:%d %b %Y}: {}</li>").format(u.on, u.note) for u in m.updates))}
    column_formatters_export = {"status": label_formatter, "evidence_decision": label_formatter,
                                "rag": lambda v, c, m, n: learning.rag(m, today()).label}
    form_columns = ["case", "recommendation", "description", "owner_agency", "lead", "due_date", "impact_measure",
                    "status", "updates", "completed_date", "not_implemented_reason", "evidence_document",
                    "evidence_outcome", "impact_check_date", "impact_outcome"]
    form_choices = {"status": [(s.value, s.label) for s in ActionStatus]}
    form_args = {
        "impact_measure": {"description": "Agreed when the action is created: how its impact will be known."},
        "evidence_document": {"description": "Upload it under Documents (it is checked there), then choose it."},
        "evidence_outcome": {"description": "Or describe the outcome that shows the change."},
        "impact_check_date": {"description": "After completion: when the impact is checked."},
    }

    def __init__(self, *args, **kwargs) -> None:
        self.inline_models = [(ActionUpdate, {"form_columns": ["id", "on", "note"], "form_label": "Progress update",
                                              "form_args": {"on": {"label": "Date"}}})]
        self.extra_ajax_refs = {
            "owner_agency": agency_loader(self, "owner_agency"),
            "recommendation": self.create_scoped_loader(
                "recommendation", Recommendation,
                lambda q: _within_case(visible_case_records(q, Recommendation, "recommendation"), Recommendation),
                ["text"], placeholder="Start typing the recommendation"),
            "evidence_document": self.create_scoped_loader(
                "evidence_document", PublishedDocument,
                lambda q: _within_case(visible_case_records(q, PublishedDocument, "document"), PublishedDocument),
                ["title"], placeholder="Start typing the document's title"),
        }
        self.column_filters = ["status", "owner_agency.name", "due_date", ThemeFilter(ReviewAction.recommendation_id, "Theme")]
        super().__init__(*args, **kwargs)

    def domain_errors(self, model: ReviewAction, is_created: bool) -> dict[str, str]:
        errors = learning.action_errors(model, today())
        if model.recommendation is not None and model.case is not None and model.recommendation.case_id != model.case.id:
            errors["recommendation"] = "Choose a recommendation of this review."
        return errors

    def on_model_change(self, form, model: ReviewAction, is_created: bool) -> None:
        if model.recommendation is not None and model.case is None:
            model.case = model.recommendation.case
        state = inspect(model)
        if any(state.attrs[name].history.has_changes() for name in
               ("status", "evidence_document", "evidence_outcome", "not_implemented_reason")):
            learning.reopen_returned_evidence(model)
        super().on_model_change(form, model, is_created)

    def may_decide_evidence(self, action: ReviewAction) -> bool:
        """Whether the signed-in user may accept or return the action's evidence now (shown on its page)."""
        return may("action", "accept_evidence") and action.evidence_decision != EvidenceDecision.ACCEPTED \
            and ActionStatus(action.status) in (ActionStatus.COMPLETED, ActionStatus.NOT_IMPLEMENTED)

    @expose("/evidence/", methods=("GET", "POST"))
    def evidence_view(self):
        """The board accepts the evidence of an action (or its reason for not implementing), or returns it."""
        action = self.get_one(request.args.get("id")) or abort(404)
        return_url = get_redirect_target() or self.get_url(".details_view", id=action.id)
        form = EvidenceForm()
        if form.validate_on_submit():
            def decide():
                try:
                    learning.decide_evidence(action, form.decision.data, form.comment.data, current_user.id)
                except Refused as exc:
                    flash(str(exc), "error")
                    raise

            if saved(decide, lambda: EvidenceDecision(form.decision.data).label + "."):
                return redirect(return_url)
        return self.render("admin/action_evidence.html", model=action, form=form, return_url=return_url,
                           rag=rag_badge(action))


def learning_panel(case: Case) -> dict | None:
    """What the case page shows of the learning loop: each recommendation with its actions and RAG."""
    if not may("recommendation", "read"):
        return None
    recommendations = recommendations_of(case)
    approval_set = db.session.query(RecommendationSet).filter_by(case_id=case.id).one_or_none()
    actions = {r.id: [a for a in r.actions if a.archived_at is None] for r in recommendations}
    return {"recommendations": recommendations, "actions": actions, "set": approval_set,
            "problems": learning.ready_for_the_board(recommendations) if recommendations else [],
            "may_send": may("recommendation", "create") and not case.is_archived,
            "may_approve": may("recommendation", "approve"), "may_add_action": may("action", "create"),
            "may_decide_evidence": may("action", "accept_evidence")}


def actions_due_for_dashboard(limit: int, counting: dict) -> list[ReviewAction]:
    """The open actions overdue or due within 20 working days, soonest first; `counting` gets them all
    (as "actions_due") for the home page to count."""
    query = visible_case_records(select(ReviewAction), ReviewAction, "action").where(learning.due_within_sql(today()))
    counting["actions_due"] = query
    # What the panel shows: the case's reference, the owner's name and the updates RAG reads; nothing the
    # action's recommendation, finding and case would load besides (six statements at national scale).
    shown = query.options(lazyload("*"), selectinload(ReviewAction.updates),
                          joinedload(ReviewAction.owner_agency).lazyload("*"),
                          case_named(joinedload(ReviewAction.case)))
    return list(db.session.scalars(shown.order_by(ReviewAction.due_date, ReviewAction.id).limit(limit)).all())


def board_learning_summary() -> dict:
    """For the board: overdue open actions by owner agency, and per review type the implementation
    rate (actions completed with accepted evidence over actions due by today)."""
    visible = visible_case_records(select(ReviewAction.id), ReviewAction, "action")
    overdue = db.session.execute(
        select(Agency.name, func.count()).join(ReviewAction, ReviewAction.owner_agency_id == Agency.id)
        .where(ReviewAction.id.in_(visible), learning.open_sql(), ReviewAction.due_date < today())
        .group_by(Agency.name).order_by(func.count().desc(), Agency.name)).all()
    implemented = and_(ReviewAction.status == ActionStatus.COMPLETED,
                       ReviewAction.evidence_decision == EvidenceDecision.ACCEPTED)
    rates = db.session.execute(
        select(Case.review_type, func.count(), func.sum(sql_case((implemented, 1), else_=0)))
        .join(Case, Case.id == ReviewAction.case_id)
        .where(ReviewAction.id.in_(visible), ReviewAction.due_date <= today())
        .group_by(Case.review_type).order_by(Case.review_type)).all()
    return {"overdue_by_agency": overdue,
            "rates": [(ReviewType(t), int(done or 0), due) for t, due, done in rates]}
