"""Registers every admin view and blueprint; the menu order is the order here."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_admin.menu import MenuLink
from flask_login import current_user
from markupsafe import Markup

from backoffice.extensions import db, make_admin
from backoffice.security import csp_nonce
from backoffice.policy import may, user_roles
from backoffice.models import (
    IncomingReferral,
    AbuseCategory,
    Agency,
    AgencyContribution,
    Appointment,
    AuditEvent,
    Case,
    ConflictDeclaration,
    Meeting,
    MeetingType,
    Deadline,
    DeadlineRule,
    FamilyEvent,
    Finding,
    FamilyInvolvement,
    DisposalDecision,
    Hold,
    LegalHold,
    Notification,
    PanelDecision,
    PublicText,
    PublishedDocument,
    Recommendation,
    RetentionRule,
    ReviewAction,
    Theme,
    Tombstone,
    TurnaroundRule,
    User,
)
from backoffice.views.admin_parts import due_on
from backoffice.views.agencies import AbuseCategoryView, AgencyView, PublicTextView
from backoffice.views.audit import AuditLogView
from backoffice.views.cases import CaseView
from backoffice.views.intake import IncomingReferralView
from backoffice.views.reports import ReportsView
from backoffice.views.contributions import AppointmentView, ContributionView, TurnaroundRuleView, contribution_badge
from backoffice.views.meetings import ConflictView, MeetingTypeView, MeetingView, role_label
from backoffice.views.learning import ActionView, FindingView, RecommendationView, ThemeView, learning_panel, rag_badge
from backoffice.views.clock import DeadlineRuleView, DeadlineView, HoldView, NotificationView
from backoffice.views.decisions import DecisionView
from backoffice.views.documents import DocumentView
from backoffice.views.downloads import bp as downloads_bp
from backoffice.views.family import FamilyEventView, FamilyView
from backoffice.views.forms import error_summary, field_hint
from backoffice.views.health import bp as health_bp
from backoffice.views.public import bp as public_bp
from backoffice.views.public import statement_bp
from backoffice.views.publication import PublicationView
from backoffice.views.retention import DisposalView, LegalHoldView, RetentionRuleView, TombstoneView
from backoffice.views.home import HomeView
from backoffice.views.users import UserView


def register_views(app: Flask) -> None:
    """Bind the admin interface, its views, the download and the public blueprints (the published
    reviews and the accessibility statement) to `app`."""
    admin = make_admin(HomeView(name="Home", url="/admin"), csp_nonce)
    admin.add_view(CaseView(Case, db, name="Cases", endpoint="case"))
    admin.add_view(IncomingReferralView(IncomingReferral, db, name="Incoming referrals", endpoint="intake"))
    admin.add_view(DecisionView(PanelDecision, db, name="Panel decisions", endpoint="decision"))
    admin.add_view(FamilyView(FamilyInvolvement, db, name="Family involvement", endpoint="family"))
    admin.add_view(FamilyEventView(FamilyEvent, db, name="Family engagement", endpoint="family_event"))
    admin.add_view(ContributionView(AgencyContribution, db, name="Agency contributions", endpoint="contribution"))
    admin.add_view(AppointmentView(Appointment, db, name="Reviewers", endpoint="appointment"))
    admin.add_view(MeetingView(Meeting, db, name="Meetings", endpoint="meeting"))
    admin.add_view(ConflictView(ConflictDeclaration, db, name="Conflicts of interest", endpoint="meeting_conflict"))
    admin.add_view(FindingView(Finding, db, name="Findings", endpoint="finding", category="Learning"))
    admin.add_view(RecommendationView(Recommendation, db, name="Recommendations", endpoint="recommendation",
                                      category="Learning"))
    admin.add_view(ActionView(ReviewAction, db, name="Actions", endpoint="action", category="Learning"))
    admin.add_link(ReaderLink("finding", name="Learning library", endpoint="finding.library_view", category="Learning"))
    admin.add_view(DocumentView(PublishedDocument, db, name="Documents", endpoint="document"))
    admin.add_view(PublicationView(Case, db, name="Publication", endpoint="publication", url="/admin/publication"))
    admin.add_view(DeadlineView(Deadline, db, name="Deadlines", endpoint="deadline"))
    admin.add_view(NotificationView(Notification, db, name="Notifications", endpoint="notification"))
    admin.add_view(HoldView(Hold, db, name="Holds", endpoint="hold"))
    admin.add_view(LegalHoldView(LegalHold, db, name="Legal holds", endpoint="legal_hold", category="Retention"))
    admin.add_view(DisposalView(DisposalDecision, db, name="Disposal", endpoint="disposal", category="Retention"))
    admin.add_view(TombstoneView(Tombstone, db, name="Destroyed records", endpoint="tombstone", category="Retention"))
    admin.add_view(AgencyView(Agency, db, name="Agencies", endpoint="agency"))
    admin.add_view(
        AbuseCategoryView(AbuseCategory, db, name="Abuse categories", endpoint="abuse_category", category="Reference data")
    )
    admin.add_view(
        DeadlineRuleView(DeadlineRule, db, name="Deadline rules", endpoint="deadline_rule", category="Reference data")
    )
    admin.add_view(TurnaroundRuleView(TurnaroundRule, db, name="Agency turnarounds", endpoint="turnaround_rule",
                                      category="Reference data"))
    admin.add_view(ThemeView(Theme, db, name="Themes", endpoint="theme", category="Reference data"))
    admin.add_view(MeetingTypeView(MeetingType, db, name="Meeting types", endpoint="meeting_type",
                                   category="Reference data"))
    admin.add_view(RetentionRuleView(RetentionRule, db, name="Retention schedule", endpoint="retention_rule",
                                     category="Reference data"))
    admin.add_view(
        PublicTextView(PublicText, db, name="Public page text", endpoint="public_text", category="Reference data")
    )
    admin.add_view(ReportsView(name="Reports", endpoint="reports", url="/admin/reports"))
    admin.add_view(UserView(User, db, name="Users", endpoint="user", category="Administration"))
    admin.add_view(AuditLogView(AuditEvent, db, name="Audit log", endpoint="audit", category="Administration"))
    admin.init_app(app)
    app.jinja_env.globals.update(error_summary=error_summary, field_hint=field_hint,
                                 admin_static_url=admin_static_url, menu_once=menu_once,
                                 contribution_badge=contribution_badge, role_label=role_label,
                                 learning_panel=learning_panel, rag_badge=rag_badge)
    app.add_template_filter(due_on, "due")
    app.register_blueprint(downloads_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(statement_bp)
    register_refer_forms(app)


def register_refer_forms(app: Flask) -> None:
    """The public referral forms, drawn with GOV.UK Frontend's macros (govuk-frontend-jinja) and its
    WTForms widgets (govuk-frontend-wtf), found under their packages' names."""
    from govuk_frontend_wtf.main import WTFormsHelpers
    from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

    from backoffice.views.refer import bp as refer_bp

    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader({
        "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
        "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
    })])
    WTFormsHelpers(app)
    app.register_blueprint(refer_bp)


_STATIC_URLS: dict[tuple, str] = {}


def admin_static_url(**arguments) -> str:
    """The address of one of Flask-Admin's static files, built once per file (and mount point)."""
    key = (request.script_root, *sorted(arguments.items()))
    if key not in _STATIC_URLS:
        _STATIC_URLS[key] = url_for("admin.static", **arguments)
    return _STATIC_URLS[key]


_MENUS: dict[tuple, Markup] = {}


class ReaderLink(MenuLink):
    """A menu link shown to the roles that may read `resource` (its page checks again)."""

    def __init__(self, resource: str, **kwargs) -> None:
        self.resource = resource
        super().__init__(**kwargs)

    def is_accessible(self) -> bool:
        return may(self.resource, "read")


def menu_once(draw, view) -> Markup:
    """The admin menu (`draw`, layout.html's macro) as shown on `view`'s pages: the same for everyone
    signed in with the same roles (it lists the pages the policy lets them read, marking the open one;
    see SecureModelView.is_accessible), so drawn once for each roles and page, not on every request."""
    key = (request.script_root, current_user.is_authenticated, user_roles(), getattr(view, "endpoint", None))
    if key not in _MENUS:
        _MENUS[key] = Markup(draw())
    return _MENUS[key]
