"""Meetings in the interface: the types and their quorum rules (admins), each meeting with its agenda,
attendees, quorum and the decisions made there (business support), its papers (the members), and the
conflicts of interest the panel records."""

from __future__ import annotations

from flask import abort, request
from flask_admin import expose
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from backoffice.domain import meetings
from backoffice.extensions import db
from backoffice.models import AgencyType, Case, ConflictDeclaration, DocumentType, PanelDecision, PublishedDocument
from backoffice.models.meeting import MEMBER_ROLES, AgendaItem, Attendance, Attendee, Meeting, MeetingType
from backoffice.policy import Stream, may, user_roles, user_streams
from backoffice.scope import visible_case_records, visible_cases, visible_meetings
from backoffice.views.base import SecureModelView, today
from backoffice.views.cases import CaseRecordView, agencies_once
from backoffice.views.fields import JoinedChoicesField
from backoffice.vocabulary import ReviewType

STREAM_CHOICES = [(Stream.CHILDREN.value, "Children (CSPR)"), (Stream.ADULTS.value, "Adults (SAR)"),
                  (Stream.DOMESTIC_ABUSE.value, "Domestic abuse (DHR)")]


def quorum_badge(view, context, model: Meeting, name) -> Markup:
    """Quorate or not, as a badge; what was missing in its title."""
    found = meetings.quorum(model)
    colour, word = ("success", "Quorate") if found.met else ("danger", "Not quorate")
    return Markup('<span class="badge badge-{}">{}</span>').format(colour, word)


def streams_formatter(view, context, model: Meeting, name) -> str:
    labels = dict(STREAM_CHOICES)
    return ", ".join(labels[s.value] for s in sorted(model.stream_set))


def agency_types_formatter(view, context, model, name) -> str:
    return ", ".join(t.label for t in meetings.required_agency_types(model)) or "None named"


def role_label(role) -> str:
    return {"business_support": "Business support", "panel": "Panel member", "board": "Board member"}[str(role)]


def visible_meeting_choices():
    """The meetings a decision or conflict may name: those the user may see, the latest first."""
    return visible_meetings(db.session.query(Meeting)).order_by(Meeting.held_on.desc()).limit(200).all()


def opened_from_meeting() -> Meeting | None:
    """The meeting a form was opened from (`?meeting_id=`), if the user may see it."""
    wanted = request.args.get("meeting_id", "")
    if not wanted.isdigit():
        return None
    return visible_meetings(db.session.query(Meeting)).filter(Meeting.id == int(wanted)).one_or_none()


class MeetingTypeView(SecureModelView):
    """The kinds of meeting and the quorum each needs: reference data, kept by admins."""

    resource = "reference_data"
    column_list = ["name", "quorum_minimum", "quorum_agency_types", "quorum_rule", "active"]
    column_details_list = [*column_list, "source", "created_at", "updated_at"]
    column_labels = {"quorum_minimum": "Members needed", "quorum_agency_types": "Agencies that must be present",
                     "quorum_rule": "Quorum rule"}
    column_formatters = {"quorum_agency_types": agency_types_formatter}
    column_default_sort = "name"
    form_columns = ["name", "quorum_minimum", "quorum_agency_types", "quorum_rule", "source", "active"]
    form_overrides = {"quorum_agency_types": JoinedChoicesField}
    form_args = {
        "quorum_agency_types": {"choices": [(t.value, t.label) for t in AgencyType],
                                "description": "Someone from each must attend, e.g. the three safeguarding partners."},
        "quorum_rule": {"description": "The rule in words, as the terms of reference put it."},
        "source": {"description": "Where the rule comes from; most quorum rules are local practice."},
    }

    def domain_errors(self, model, is_created: bool) -> dict[str, str]:
        if model.quorum_minimum is not None and model.quorum_minimum < 1:
            return {"quorum_minimum": "At least one member is needed."}
        return {}


class MeetingView(SecureModelView):
    """Each meeting: its type, date and streams, the agenda of cases, who attended, whether it was
    quorate, and the decisions made there."""

    resource = "meeting"
    extra_endpoint_actions = {"papers_view": ("papers",)}
    details_template = "admin/meeting_details.html"
    column_list = ["meeting_type", "held_on", "streams", "location", "quorum"]
    column_details_list = ["meeting_type", "held_on", "streams", "location", "quorum", "minutes", "note",
                           "created_at", "updated_at", "archived_at", "archive_reason"]
    column_export_list = ["meeting_type", "held_on", "streams", "location", "quorum"]
    column_sortable_list = [("meeting_type", "meeting_type.name"), "held_on", "location"]
    column_default_sort = ("held_on", True)
    column_filters = ["meeting_type.name", "held_on"]
    column_searchable_list = ["location"]
    column_labels = {"meeting_type": "Meeting", "held_on": "Date", "minutes": "Minutes"}
    column_formatters = {"quorum": quorum_badge, "streams": streams_formatter}
    column_formatters_export = {"quorum": lambda v, c, m, n: meetings.quorum(m).summary,
                                "streams": streams_formatter}
    form_columns = ["meeting_type", "held_on", "streams", "location", "minutes", "note", "agenda", "attendees"]
    form_overrides = {"streams": JoinedChoicesField}
    form_args = {
        "streams": {"choices": STREAM_CHOICES, "label": "Review streams",
                    "description": "A board or partnership meeting may cover several."},
        "meeting_type": {"query_factory": lambda: db.session.query(MeetingType).filter_by(active=True)
                         .order_by(MeetingType.name)},
        "minutes": {"description": "Upload the minutes under Documents, typed Minutes, on a case on the agenda; "
                                   "then choose them here."},
    }

    def __init__(self, *args, **kwargs) -> None:
        self.form_ajax_refs = {"minutes": self.create_scoped_loader(
            "minutes", PublishedDocument,
            lambda q: visible_case_records(q, PublishedDocument, "document").filter(
                PublishedDocument.document_type == DocumentType.MINUTES),
            ["title"], placeholder="Start typing the minutes' title")}
        self.inline_models = [
            (AgendaItem, {
                "form_columns": ["id", "case", "position", "purpose"],
                "form_label": "Case on the agenda",
                "form_ajax_refs": {"case": self.create_scoped_loader(
                    "case", Case, visible_cases, ["reference", "subject_pseudonym"],
                    placeholder="Case reference or pseudonym")},
                "form_args": {"position": {"label": "Order"},
                              "purpose": {"label": "For", "description": "e.g. decision on a review; progress"}},
            }),
            (Attendee, {
                "form_columns": ["id", "person_name", "agency", "member_role", "attendance"],
                "form_label": "Member",
                "form_choices": {"member_role": [(r.value, role_label(r)) for r in MEMBER_ROLES],
                                 "attendance": [(a.value, a.label) for a in Attendance]},
                "form_args": {"agency": {"query_factory": agencies_once},
                              "person_name": {"label": "Name"},
                              "member_role": {"label": "Attends as",
                                              "description": "The papers are readable by these roles only."}},
            }),
        ]
        super().__init__(*args, **kwargs)

    def scope(self, query):
        return visible_meetings(super().scope(query))

    def get_query(self):
        return super().get_query().options(selectinload(Meeting.attendees))

    def create_form(self, obj=None):
        return self._streams_within(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._streams_within(super().edit_form(obj))

    def _streams_within(self, form):
        """Only the user's own streams are offered (a meeting's other streams are kept as they are)."""
        mine = {s.value for s in user_streams()}
        form.streams.choices = [(value, label) for value, label in STREAM_CHOICES if value in mine]
        return form

    def on_model_change(self, form, model: Meeting, is_created: bool) -> None:
        others = {s.value for s in meetings_streams_before(model)} - {s.value for s in user_streams()}
        model.streams = meetings.stream_key({*model.stream_set, *others}) or None
        for position, item in enumerate(sorted(model.agenda, key=lambda i: i.position or 0), start=1):
            item.position = item.position or position
        super().on_model_change(form, model, is_created)

    def domain_errors(self, model: Meeting, is_created: bool) -> dict[str, str]:
        return meetings.meeting_errors(model)

    def meeting_panel(self, meeting: Meeting) -> dict:
        """What the meeting page shows beside the record: quorum, agenda, members, conflicts, decisions."""
        streams = user_streams()
        agenda = [item for item in meeting.agenda if ReviewType(item.case.review_type).stream in streams]
        conflicts = visible_case_records(db.session.query(ConflictDeclaration), ConflictDeclaration,
                                         "meeting_conflict").filter(ConflictDeclaration.meeting_id == meeting.id).all()
        decisions = visible_case_records(db.session.query(PanelDecision), PanelDecision, "decision").filter(
            PanelDecision.meeting_id == meeting.id).all()
        return {"quorum": meetings.quorum(meeting), "agenda": agenda, "attendees": meeting.attendees,
                "conflicts": conflicts, "decisions": decisions,
                "may_read_papers": meetings.may_read_papers(meeting, user_roles(), streams),
                "may_decide": may("decision", "create"), "may_declare": may("meeting_conflict", "create"),
                "held": meetings.held_by(meeting, today())}

    @expose("/papers/")
    def papers_view(self):
        """The agenda and the pack of each case's current documents, for the roles the members attend in."""
        meeting = self.get_one(request.args.get("id"))
        if meeting is None:
            abort(404)
        if not meetings.may_read_papers(meeting, user_roles(), user_streams()):
            abort(403)
        agenda = [item for item in meeting.agenda if ReviewType(item.case.review_type).stream in user_streams()]
        packs = meetings.pack_list(db.session, [item.case_id for item in agenda])
        return self.render("admin/meeting_papers.html", model=meeting, agenda=agenda, packs=packs,
                           quorum=meetings.quorum(meeting), return_url=self.get_url(".details_view", id=meeting.id))


def meetings_streams_before(model: Meeting) -> frozenset[Stream]:
    """The streams the meeting had before this edit (none for a new one)."""
    from sqlalchemy import inspect

    history = inspect(model).attrs.streams.history
    before = history.deleted[0] if history.deleted else (None if history.added else model.streams)
    return frozenset(Stream(s) for s in (before or "").split(",") if s)


class ConflictView(CaseRecordView):
    """Conflicts of interest declared at a meeting on a case, and how each was handled: the panel
    records them."""

    resource = "meeting_conflict"
    column_list = ["meeting", "case", "person_name", "interest", "handling"]
    column_details_list = [*column_list, "created_at", "updated_at", "archived_at", "archive_reason"]
    column_export_list = column_list
    column_labels = {"person_name": "Declared by", "interest": "Interest declared", "handling": "How it was handled"}
    column_default_sort = ("id", True)
    form_columns = ["meeting", "case", "person_name", "interest", "handling"]
    form_args = {
        "meeting": {"query_factory": visible_meeting_choices},
        "handling": {"description": "e.g. left the room for this item; took no part in the decision."},
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        meeting = opened_from_meeting()
        if meeting is not None and request.method == "GET":
            form.meeting.data = meeting
        return form

    def domain_errors(self, model: ConflictDeclaration, is_created: bool) -> dict[str, str]:
        if model.meeting is not None and model.case is not None \
                and model.case not in [item.case for item in model.meeting.agenda]:
            return {"case": f"{model.case.reference} was not on that meeting's agenda."}
        return {}
