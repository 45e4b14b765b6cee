"""The yardstick: a plain Flask-Admin app over the same tables, with stock `ModelView`s showing the same
columns, page size, default sort and search as the back-office's lists, and nothing else (no sign-in,
no policy, no scoping, no audit). The back-office should be faster than this, not merely close.
"""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView

from backoffice.extensions import db
from backoffice.models import Case, FamilyInvolvement, PanelDecision, PublishedDocument
from backoffice.views.cases import CaseView
from backoffice.views.decisions import DecisionView
from backoffice.views.documents import DocumentView
from backoffice.views.family import FamilyView

# endpoint: (model, the back-office view whose list it copies)
LISTS = {
    "case": (Case, CaseView),
    "decision": (PanelDecision, DecisionView),
    "family": (FamilyInvolvement, FamilyView),
    "document": (PublishedDocument, DocumentView),
}


def plain_app(database_url: str) -> Flask:
    """A Flask-Admin app at /admin/<endpoint>/ over `database_url`, one stock ModelView per list."""
    app = Flask("plain_admin")
    app.config.update(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEY="plain", SQLALCHEMY_TRACK_MODIFICATIONS=False)
    db.init_app(app)
    admin = Admin(app, name="Plain Flask-Admin")
    for endpoint, (model, ours) in LISTS.items():
        view = type(f"Plain{ours.__name__}", (ModelView,), {
            "column_list": list(ours.column_list),
            "column_default_sort": ours.column_default_sort,
            "column_searchable_list": list(ours.column_searchable_list),
            "page_size": ours.page_size,
            "can_set_page_size": True, "page_size_options": ours.page_size_options,
        })
        admin.add_view(view(model, db.session, endpoint=endpoint, url=f"/admin/{endpoint}"))
    return app
