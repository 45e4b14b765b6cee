"""Family involvement: who was invited to contribute, and every contact with them, as a timeline."""

from __future__ import annotations

from flask import request
from markupsafe import Markup
from sqlalchemy import or_, select

from backoffice.domain.family import event_errors
from backoffice.domain.rules import family_errors
from backoffice.models import (
    Case,
    ContactChannel,
    ContactOutcome,
    EventType,
    FamilyEvent,
    FamilyInvolvement,
    FamilySide,
)
from backoffice.extensions import db
from backoffice.policy import may
from backoffice.views.admin_parts import ScopedAjaxLoader, label_formatter
from backoffice.views.base import FormErrors, SecureModelView, today
from backoffice.views.cases import CaseRecordView, within_opened_case
from backoffice.scope import visible_case_records


def _do_not_contact(view, context, model: FamilyInvolvement, name) -> Markup | str:
    if model.do_not_contact:
        return Markup('<span class="badge badge-danger">Do not contact</span>')
    return "No"


class FamilyView(CaseRecordView):
    resource = "family"
    restricted_columns = FamilyInvolvement.RESTRICTED
    name = "Family involvement"
    details_template = "admin/family_details.html"

    column_list = [
        "case",
        "relationship_to_subject",
        "side",
        "engagement_status",
        "invited_date",
        "told_publication_date",
        "do_not_contact",
    ]
    column_details_list = [
        "case",
        "relationship_to_subject",
        "side",
        "name",
        "contact_details",
        "do_not_contact",
        "safety_notes",
        "preferred_language",
        "interpreter_needed",
        "accessibility_needs",
        "engagement_status",
        "invited_date",
        "advocacy_offered",
        "advocacy_provider",
        "told_publication_date",
        "notes",
        "created_at",
        "updated_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = [
        "case",
        "relationship_to_subject",
        "side",
        "engagement_status",
        "invited_date",
        "advocacy_offered",
        "advocacy_provider",
        "told_publication_date",
        "do_not_contact",
    ]
    column_sortable_list = [("case", "case.reference"), "engagement_status", "invited_date", "told_publication_date"]
    column_filters = ["engagement_status", "side", "advocacy_offered", "do_not_contact", "invited_date", "interpreter_needed"]
    column_labels = {
        "relationship_to_subject": "Relationship to the subject",
        "side": "Side (DHR)",
        "name": "Name",
        "advocacy_provider": "Advocacy offered by",
        "do_not_contact": "Do not contact",
        "interpreter_needed": "Interpreter needed",
        "engagement_status": "Involvement",
        "invited_date": "Invited",
        "told_publication_date": "Told the publication date",
    }
    column_formatters = {
        "engagement_status": label_formatter,
        "side": label_formatter,
        "do_not_contact": _do_not_contact,
    }
    column_descriptions = {
        "do_not_contact": "No contact can be logged as sent; contact details are kept for business support only.",
        "safety_notes": "For example: the perpetrator is a family member, so contact details must not be shared.",
        "engagement_status": "Follows from the engagement events below.",
    }
    form_columns = [
        "case",
        "relationship_to_subject",
        "side",
        "name",
        "contact_details",
        "do_not_contact",
        "safety_notes",
        "preferred_language",
        "interpreter_needed",
        "accessibility_needs",
        "notes",
    ]
    form_choices = {"side": [(s.value, s.label) for s in FamilySide]}
    form_args = {
        "do_not_contact": {"description": column_descriptions["do_not_contact"]},
        "safety_notes": {"description": column_descriptions["safety_notes"]},
        "side": {"description": "For a DHR: whose family or friends they are."},
    }

    def domain_errors(self, model: FamilyInvolvement, is_created: bool) -> dict[str, str]:
        return family_errors(review_type=model.case.review_type if model.case else None, side=model.side)

    def timeline(self, member: FamilyInvolvement) -> list[FamilyEvent]:
        """The member's events in date order (entry order within a day); archived ones for auditors."""
        return [e for e in member.events if e.archived_at is None or may(self.resource, "read_archived")]


class MemberLoader(ScopedAjaxLoader):
    """Find a family member by relationship or by their case's reference."""

    def get_list(self, term, offset=0, limit=None):
        query = within_opened_case(self.get_query().join(FamilyInvolvement.case), FamilyInvolvement)
        if term:
            like = f"%{term}%"
            query = query.filter(or_(FamilyInvolvement.relationship_to_subject.ilike(like), Case.reference.ilike(like)))
        return query.order_by(FamilyInvolvement.id).offset(max(0, int(offset or 0))).limit(20).all()


def _visible_members(query):
    """Family members on cases the user may see; archived ones only for those who read archives."""
    return visible_case_records(query, FamilyInvolvement, "family")


class FamilyEventView(SecureModelView):
    """Engagement events: invitations, contact attempts, advocacy, meetings, reports shared..."""

    resource = "family"
    name = "Engagement events"

    column_list = ["member", "member.case", "event_type", "event_date", "channel", "outcome"]
    form_columns = [
        "member",
        "event_type",
        "event_date",
        "channel",
        "outcome",
        "advocate_organisation",
        "reason",
        "support_offered",
        "note",
    ]
    column_details_list = [*form_columns, "created_at", "archived_at", "archive_reason"]
    column_export_list = ["member", "event_type", "event_date", "channel", "outcome", "advocate_organisation"]
    column_sortable_list = ["event_type", "event_date"]
    column_default_sort = [("event_date", True), ("id", True)]
    column_filters = ["event_type", "event_date", "channel", "outcome"]
    column_labels = {
        "member": "Family member",
        "member.case": "Case",
        "event_type": "Event",
        "event_date": "Date",
        "advocate_organisation": "Advocacy by (e.g. AAFDA)",
        "reason": "Reason (not attended / declined)",
        "support_offered": "Support offered",
    }
    column_formatters = {"event_type": label_formatter, "channel": label_formatter, "outcome": label_formatter}
    form_choices = {
        "event_type": [(t.value, t.label) for t in EventType],
        "channel": [(c.value, c.label) for c in ContactChannel],
        "outcome": [(o.value, o.label) for o in ContactOutcome],
    }
    form_args = {
        "reason": {"description": "If a meeting was not attended: why, as far as is known (rethink 'did not attend')."},
        "support_offered": {"description": "What was offered to make taking part possible (interpreter, transport, another time...)."},
        "outcome": {"description": "For a contact attempt."},
        "advocate_organisation": {
            "description": "DHR families are offered specialist advocacy (e.g. AAFDA) at the first meeting."
        },
    }

    def __init__(self, *args, **kwargs) -> None:
        self.form_ajax_refs = {
            "member": MemberLoader("member", FamilyInvolvement, _visible_members, fields=["relationship_to_subject"],
                                   page_size=20, placeholder="Relationship or case reference")
        }
        super().__init__(*args, **kwargs)

    def scope(self, query):
        return super().scope(query).filter(FamilyEvent.family_id.in_(_visible_members(select(FamilyInvolvement.id))))

    def create_form(self, obj=None):
        form = super().create_form(obj)
        member = self.opened_from_member()
        if member is not None:
            # Opened from a member's page: the lookup offers only the people of that member's case.
            if request.method == "GET":
                form.member.data = form.member.data or member
            form.member.render_kw = {"data-url": self.get_url(".ajax_lookup", name="member", case_id=member.case_id)}
        return form

    def opened_from_member(self) -> FamilyInvolvement | None:
        """The family member whose page the form was opened from (`?family_id=`), if visible."""
        wanted = request.args.get("family_id", "")
        if not wanted.isdigit():
            return None
        return _visible_members(db.session.query(FamilyInvolvement)).filter(
            FamilyInvolvement.id == int(wanted)).one_or_none()

    def on_model_change(self, form, model: FamilyEvent, is_created: bool) -> None:
        member = self.opened_from_member() if is_created else None
        if member is not None and model.member is not None and model.member.case_id != member.case_id:
            form.member.errors = [*form.member.errors,
                                  f"Choose someone on {member.case.reference}: this form was opened from that case"]
            raise FormErrors([])
        super().on_model_change(form, model, is_created)

    def domain_errors(self, model: FamilyEvent, is_created: bool) -> dict[str, str]:
        return event_errors(model.member, model, today())

