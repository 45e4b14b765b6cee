"""Family involvement: who was invited to contribute, and how they engaged."""

from __future__ import annotations

from backoffice.domain.rules import family_errors
from backoffice.models import EngagementStatus, FamilyInvolvement
from backoffice.views.base import label_formatter, today
from backoffice.views.cases import CaseRecordView


class FamilyView(CaseRecordView):
    resource = "family"
    restricted_columns = FamilyInvolvement.RESTRICTED
    name = "Family involvement"

    column_list = [
        "case",
        "relationship_to_subject",
        "engagement_status",
        "invited_date",
        "advocacy_offered",
        "do_not_contact",
    ]
    column_details_list = [
        "case",
        "relationship_to_subject",
        "name",
        "contact_details",
        "do_not_contact",
        "invited_date",
        "advocacy_offered",
        "advocacy_provider",
        "engagement_status",
        "notes",
        "created_at",
        "updated_at",
        "archived_at",
        "archive_reason",
    ]
    column_export_list = [
        "case",
        "relationship_to_subject",
        "engagement_status",
        "invited_date",
        "advocacy_offered",
        "advocacy_provider",
        "do_not_contact",
    ]
    column_sortable_list = [("case", "case.reference"), "engagement_status", "invited_date"]
    column_filters = ["engagement_status", "advocacy_offered", "do_not_contact", "invited_date"]
    column_labels = {
        "relationship_to_subject": "Relationship to the subject",
        "name": "Name",
        "advocacy_provider": "Advocacy offered by (e.g. AAFDA)",
        "do_not_contact": "Do not contact",
    }
    column_formatters = {"engagement_status": label_formatter}
    form_columns = [
        "case",
        "relationship_to_subject",
        "name",
        "contact_details",
        "do_not_contact",
        "invited_date",
        "advocacy_offered",
        "advocacy_provider",
        "engagement_status",
        "notes",
    ]
    form_choices = {"engagement_status": [(s.value, s.label) for s in EngagementStatus]}

    def domain_errors(self, model: FamilyInvolvement, is_created: bool) -> dict[str, str]:
        return family_errors(invited_date=model.invited_date, today=today())
