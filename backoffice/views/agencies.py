"""Agencies and the reference data admins keep (abuse and neglect categories, the public page text)."""

from __future__ import annotations

from wtforms.validators import Email, Optional

from sqlalchemy import func, select

from backoffice.extensions import db
from backoffice.models import Agency, AgencyType
from backoffice.policy import may
from backoffice.views.admin_parts import label_formatter
from backoffice.views.base import SecureModelView


class UniqueNameView(SecureModelView):
    """A view over records whose names must be unique; a duplicate gets a message, not an error page."""

    own_unique_checks = ("name",)

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        model.name = " ".join((model.name or "").split())  # "West  Marches Police " is a duplicate too
        query = select(type(model).id).where(func.lower(type(model).name) == model.name.lower())
        if model.id is not None:
            query = query.where(type(model).id != model.id)
        if db.session.execute(query.limit(1)).first() is not None:
            return {"name": f"There is already a record named '{model.name}'."}
        return {}


class AgencyView(UniqueNameView):
    resource = "agency"
    name = "Agencies"
    details_template = "admin/agency_details.html"

    column_list = ["name", "agency_type", "parent", "is_statutory_partner", "active"]
    column_details_list = [
        "name",
        "agency_type",
        "parent",
        "is_statutory_partner",
        "safeguarding_lead",
        "safeguarding_lead_email",
        "safeguarding_lead_contact",
        "active",
        "created_at",
        "updated_at",
    ]
    column_export_list = ["name", "agency_type", "parent", "is_statutory_partner", "safeguarding_lead", "active"]
    column_default_sort = "name"
    column_sortable_list = ["name", "agency_type", "is_statutory_partner", "active"]
    column_searchable_list = ["name"]
    column_filters = ["agency_type", "is_statutory_partner", "active"]
    column_labels = {
        "agency_type": "Type",
        "parent": "Parent agency",
        "is_statutory_partner": "Statutory partner",
        "safeguarding_lead_contact": "Safeguarding lead's contact details",
        "safeguarding_lead_email": "Safeguarding lead's email",
    }
    column_formatters = {"agency_type": label_formatter}
    inline_edit_columns = ["active"]
    form_columns = [
        "name",
        "agency_type",
        "parent",
        "is_statutory_partner",
        "safeguarding_lead",
        "safeguarding_lead_email",
        "safeguarding_lead_contact",
        "active",
    ]
    form_choices = {"agency_type": [(t.value, t.label) for t in AgencyType]}
    form_args = {"active": {"description": "Inactive agencies stay on old cases but cannot be chosen for new ones."},
                 "safeguarding_lead_email": {"validators": [Optional(), Email()],
                                             "description": "Requests for information, reminders and chases about "
                                                            "contributions are emailed here (no case details)."}}

    def outstanding(self, agency: Agency):
        """What the agency still owes across the cases the user may see (None: they may not see them)."""
        from backoffice.views.contributions import outstanding_for

        return outstanding_for(agency) if may("contribution", "read") else None

    def __init__(self, *args, **kwargs) -> None:
        self.form_ajax_refs = {
            "parent": self.create_scoped_loader("parent", Agency, lambda q: q, ["name"], placeholder="Parent agency")
        }
        super().__init__(*args, **kwargs)


class AbuseCategoryView(UniqueNameView):
    resource = "reference_data"
    name = "Abuse categories"

    column_list = ["name", "active"]
    column_details_list = ["name", "active", "created_at", "updated_at"]
    column_default_sort = "name"
    column_searchable_list = ["name"]
    form_columns = ["name", "active"]


class PublicTextView(SecureModelView):
    """The text blocks of the public page ("How to refer a case"): admins edit them, nobody adds or
    removes them, because the page looks each one up by its key."""

    resource = "public_text"
    column_list = ["heading", "updated_at"]
    column_details_list = ["key", "heading", "body", "updated_at"]
    form_columns = ["heading", "body"]
    form_args = {"body": {"description": "Plain text. Leave a blank line between paragraphs."}}
    form_widget_args = {"body": {"rows": 12}}

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        errors = {}
        if not (model.heading or "").strip():
            errors["heading"] = "Give the section a heading."
        if not (model.body or "").strip():
            errors["body"] = "The text cannot be empty."
        return errors
