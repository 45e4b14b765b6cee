"""Registers every admin view and blueprint; the menu order is the order here."""

from __future__ import annotations

from flask import Flask

from backoffice.extensions import db, make_admin
from backoffice.models import (
    AbuseCategory,
    Agency,
    AuditEvent,
    Case,
    Deadline,
    DeadlineRule,
    FamilyInvolvement,
    Hold,
    Notification,
    PanelDecision,
    PublishedDocument,
    User,
)
from backoffice.views.agencies import AbuseCategoryView, AgencyView
from backoffice.views.audit import AuditLogView
from backoffice.views.cases import CaseView
from backoffice.views.clock import DeadlineRuleView, DeadlineView, HoldView, NotificationView
from backoffice.views.decisions import DecisionView
from backoffice.views.documents import DocumentView
from backoffice.views.downloads import bp as downloads_bp
from backoffice.views.family import FamilyView
from backoffice.views.home import HomeView
from backoffice.views.users import UserView


def register_views(app: Flask) -> None:
    """Bind the admin interface, its views and the download blueprint to `app`."""
    admin = make_admin(HomeView(name="Home", url="/admin"))
    admin.add_view(CaseView(Case, db, name="Cases", endpoint="case"))
    admin.add_view(DecisionView(PanelDecision, db, name="Panel decisions", endpoint="decision"))
    admin.add_view(FamilyView(FamilyInvolvement, db, name="Family involvement", endpoint="family"))
    admin.add_view(DocumentView(PublishedDocument, db, name="Documents", endpoint="document"))
    admin.add_view(DeadlineView(Deadline, db, name="Deadlines", endpoint="deadline"))
    admin.add_view(NotificationView(Notification, db, name="Notifications", endpoint="notification"))
    admin.add_view(HoldView(Hold, db, name="Holds", endpoint="hold"))
    admin.add_view(AgencyView(Agency, db, name="Agencies", endpoint="agency"))
    admin.add_view(
        AbuseCategoryView(AbuseCategory, db, name="Abuse categories", endpoint="abuse_category", category="Reference data")
    )
    admin.add_view(
        DeadlineRuleView(DeadlineRule, db, name="Deadline rules", endpoint="deadline_rule", category="Reference data")
    )
    admin.add_view(UserView(User, db, name="Users", endpoint="user", category="Administration"))
    admin.add_view(AuditLogView(AuditEvent, db, name="Audit log", endpoint="audit", category="Administration"))
    admin.init_app(app)
    app.register_blueprint(downloads_bp)
