"""factory_boy factories, one per model, writing through the test's own session."""

from __future__ import annotations

import io
import zipfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select

from backoffice import accounts, clock
from backoffice.domain import files
from backoffice.vocabulary import ReviewType
from backoffice.models import (
    IncomingReferral,
    IntakeStatus,
    Finding,
    Recommendation,
    ReviewAction,
    AgendaItem,
    Attendee,
    ConflictDeclaration,
    Meeting,
    MeetingType,
    AgencyContribution,
    Appointment,
    AppointmentRole,
    ContributionType,
    Agency,
    AgencyType,
    ApprovalOutcome,
    ApprovalStatus,
    Case,
    DeadlineRule,
    DeadlineUnit,
    DecisionApproval,
    DecisionOutcome,
    DocumentStatus,
    DocumentType,
    ContactChannel,
    EngagementStatus,
    EventType,
    FamilyEvent,
    FamilyInvolvement,
    Hold,
    HoldReason,
    Notification,
    PanelDecision,
    PublicationDecision,
    PublishedDocument,
    QaOutcome,
    Role,
    User,
)

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
_state: dict = {}


def bind(session, app) -> None:
    """Point every factory at `session`; hashes, file storage and the audit chain's key use `app`'s
    settings."""
    _state["session"] = session
    _state["app"] = app
    session.info["audit_key"] = app.config["AUDIT_KEY"]


def _session():
    return _state["session"]


def password_hash(password: str) -> str:
    """A real Flask-Security hash (cheap argon2 settings in tests), computed once per app."""
    from flask_security import hash_password

    app = _state["app"]
    cache = app.extensions.setdefault("test_password_hashes", {})
    if password not in cache:
        with app.app_context():
            cache[password] = hash_password(password)
    return cache[password]


class BaseFactory(SQLAlchemyModelFactory):
    """Each record is committed as it is made, as a form would save it; within `in_one_commit()` it is
    only flushed, and the block commits once."""

    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "commit"

    @classmethod
    def _save(cls, model_class, session, args, kwargs):
        if not _state.get("one_commit"):
            return super()._save(model_class, session, args, kwargs)
        record = model_class(*args, **kwargs)
        session.add(record)
        session.flush()
        return record

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if _state.get("one_commit"):
            _session().flush()
        else:
            super()._after_postgeneration(instance, create, results)


@contextmanager
def in_one_commit():
    """Make many records (a hundred cases and theirs) in one transaction instead of one each: the same
    rows through the same save pipeline, committed once at the end of the block."""
    _state["one_commit"] = True
    try:
        yield
    finally:
        _state["one_commit"] = False
    _session().commit()


def totp_secret() -> str:
    """A new authenticator secret, as Flask-Security stores it (encrypted with the app's key)."""
    app = _state["app"]
    with app.app_context():
        return accounts.authenticator().generate_totp_secret()


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("roles_named",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    active = True
    password = factory.LazyFunction(lambda: password_hash("correct horse battery staple"))
    tf_primary_method = "authenticator"
    tf_totp_secret = factory.LazyFunction(totp_secret)

    @factory.post_generation
    def roles(user, create, names, **kwargs):
        names = [str(n) for n in (names or ())]
        user.roles = list(_session().scalars(select(Role).where(Role.name.in_(names))))

    @factory.post_generation
    def streams(user, create, streams, **kwargs):
        user.streams = list(streams if streams is not None else ("children", "adults", "domestic_abuse"))
        if create and not _state.get("one_commit"):
            _session().commit()


class AgencyFactory(BaseFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    agency_type = AgencyType.POLICE
    is_statutory_partner = False
    active = True


# Names no document would contain by chance, so the anonymisation check finds only what a test put there.
SUBJECT_NAMES = ("Jayden Okonkwo", "Tamsin Velarde", "Brannock Iredale", "Zuleika Farquharson")
FAMILY_NAMES = ("Philippa Quillfeather", "Ozias Threlkeld", "Marigold Penhallow", "Cosmo Ravenhurst")


class CaseFactory(BaseFactory):
    class Meta:
        model = Case

    review_type = ReviewType.CSPR
    subject_pseudonym = factory.Sequence(lambda n: f"Child {n}")
    subject_legal_name = factory.Sequence(lambda n: f"{SUBJECT_NAMES[n % len(SUBJECT_NAMES)]}")
    subject_dob = date(2015, 6, 1)
    incident_date = date(2025, 11, 3)
    aware_date = date(2025, 11, 4)
    referral_date = date(2025, 11, 5)
    referrer_name = "A Referrer"
    referrer_role = "Social worker"
    concerns = "Concerns about how agencies worked together."


# What a referrer answers on the SAR form (views/refer_forms.py), as a draft keeps it.
SAR_ANSWERS = {
    "subject_name": "Tamsin Velarde", "subject_dob": "1950-04-03", "gender": "Female", "address": "No fixed address",
    "nhs_number": None, "care_needs": "Dementia; lived alone.", "outcome": "died", "incident_date": "2026-11-01",
    "in_area": "yes", "abuse_types": ["Self-neglect"], "concerns": "Agencies did not share what they knew.",
    "enquiries": None, "agencies_involved": "GP, adult social care", "family_aware": "yes", "delay_reason": None,
    "referrer_name": "Ann Referrer", "referrer_role": "Social worker", "referrer_agency": "Adult social care",
    "referrer_email": "ann@example.org", "referrer_phone": None, "lead_authorised": "yes",
}


class IncomingReferralFactory(BaseFactory):
    """A SAR referral sent from the public form and waiting for triage."""

    class Meta:
        model = IncomingReferral

    reference = factory.Sequence(lambda n: f"REF-TEST-{n:04d}")
    review_type = ReviewType.SAR
    status = IntakeStatus.NEW
    answers = factory.LazyFunction(lambda: dict(SAR_ANSWERS))
    referrer_email = "ann@example.org"
    received_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=3))
    submitted_at = factory.LazyFunction(clock.now)


class DecisionFactory(BaseFactory):
    class Meta:
        model = PanelDecision

    case = factory.SubFactory(CaseFactory)
    meeting_date = date(2025, 12, 1)
    outcome = DecisionOutcome.CRITERIA_NOT_MET_LEARNING_RETAINED
    rationale = "Criteria not met; learning retained by the partnership."
    approval_status = ApprovalStatus.PENDING


class DecisionApprovalFactory(BaseFactory):
    """One board member's answer in a decision's round (where several approvals are needed)."""

    class Meta:
        model = DecisionApproval

    decision = factory.SubFactory(DecisionFactory)
    round = 1
    outcome = ApprovalOutcome.APPROVE


class FamilyFactory(BaseFactory):
    class Meta:
        model = FamilyInvolvement

    case = factory.SubFactory(CaseFactory)
    relationship_to_subject = "Mother"
    name = factory.Sequence(lambda n: FAMILY_NAMES[n % len(FAMILY_NAMES)])
    contact_details = "07700 900123"
    engagement_status = EngagementStatus.INVITED
    invited_date = date(2025, 12, 2)


class FamilyEventFactory(BaseFactory):
    class Meta:
        model = FamilyEvent

    member = factory.SubFactory(FamilyFactory)
    event_type = EventType.INVITATION
    event_date = date(2025, 12, 2)
    channel = ContactChannel.LETTER


def pdf_bytes(text: str = "Learning review") -> bytes:
    """A small, valid one-page PDF."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(text: str = "Learning review") -> bytes:
    """A small, valid Word document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def odt_bytes(text: str = "Learning review") -> bytes:
    """A small OpenDocument text file (the mimetype member first and stored, as the format requires)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), files.ODT)
        package.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body></office:document-content>",
        )
        package.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return buffer.getvalue()


class DocumentFactory(BaseFactory):
    class Meta:
        model = PublishedDocument

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Overview report {n}")
    document_type = DocumentType.OVERVIEW_REPORT
    status = DocumentStatus.DRAFT
    content = factory.LazyFunction(pdf_bytes)
    original_filename = "overview-report.pdf"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content = kwargs.pop("content", None) or pdf_bytes()
        stored = document_store().put(_session(), content, files.sniff(content))
        kwargs.update(
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
        )
        return super()._create(model_class, *args, **kwargs)


class HoldFactory(BaseFactory):
    class Meta:
        model = Hold

    case = factory.SubFactory(CaseFactory)
    reason = HoldReason.CRIMINAL_PROCEEDINGS
    start_date = date(2025, 12, 1)


class ContributionFactory(BaseFactory):
    """An IMR asked of an agency a fortnight ago (its due date comes from the turnaround in force)."""

    class Meta:
        model = AgencyContribution

    case = factory.SubFactory(CaseFactory)
    agency = factory.SubFactory(AgencyFactory)
    contribution_type = ContributionType.IMR
    requested_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=14))
    due_date = None


class AppointmentFactory(BaseFactory):
    """A review's lead reviewer, appointed a month ago, with nothing to declare."""

    class Meta:
        model = Appointment

    case = factory.SubFactory(CaseFactory)
    person_name = factory.Sequence(lambda n: f"Reviewer {n}")
    role = AppointmentRole.LEAD_REVIEWER
    organisation = "Independent"
    appointed_date = factory.LazyFunction(lambda: clock.today() - timedelta(days=30))
    conflict_declaration = "None declared."


def meeting_type(name: str = "Rapid review panel") -> MeetingType:
    """A meeting type the migrations seed, by name (the rapid review panel needs the three partners)."""
    return _session().scalars(
        select(MeetingType).where(MeetingType.name == name)).one()


class MeetingFactory(BaseFactory):
    """A children's rapid review panel held a week ago, with no agenda or members yet."""

    class Meta:
        model = Meeting

    meeting_type = factory.LazyFunction(meeting_type)
    held_on = factory.LazyFunction(lambda: clock.today() - timedelta(days=7))
    streams = "children"
    location = "Civic Centre, Room 2"


class AgendaItemFactory(BaseFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n + 1)
    purpose = "Decision on a review"


class AttendeeFactory(BaseFactory):
    """A panel member from a police force, who attended."""

    class Meta:
        model = Attendee

    meeting = factory.SubFactory(MeetingFactory)
    person_name = factory.Sequence(lambda n: f"Member {n}")
    agency = factory.SubFactory(AgencyFactory)
    member_role = "panel"
    attendance = "attended"


def quorate(meeting: Meeting) -> Meeting:
    """Give a rapid review panel the three safeguarding partners, each attending."""
    for kind in (AgencyType.CHILDRENS_SOCIAL_CARE, AgencyType.POLICE, AgencyType.ICB):
        AttendeeFactory(meeting=meeting, agency=AgencyFactory(agency_type=kind))
    return meeting


class ConflictFactory(BaseFactory):
    class Meta:
        model = ConflictDeclaration

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    person_name = "Member 1"
    interest = "Was the family's social worker in 2023."
    handling = "Left the room for this item."


class FindingFactory(BaseFactory):
    class Meta:
        model = Finding

    case = factory.SubFactory(CaseFactory, review_type="SAR", state="ACTION_PLAN_MONITORING")
    title = factory.Sequence(lambda n: f"Finding {n}: information was not shared")
    text = "Agencies held pieces of the picture; none was shared at the strategy meeting."


class RecommendationFactory(BaseFactory):
    """A multi-agency recommendation that passes the drafting check."""

    class Meta:
        model = Recommendation

    finding = factory.SubFactory(FindingFactory)
    case = factory.LazyAttribute(lambda r: r.finding.case)
    text = factory.Sequence(lambda n: f"Recommendation {n}: share information before every strategy meeting")
    level = "multi_agency"
    addressee_agency = factory.SubFactory(AgencyFactory)
    expected_change = "Every strategy meeting has each agency's information."
    measure = "An audit of 20 strategy meetings finds each agency's information in 18."
    owner = "Chair of the practice subgroup"
    target_date = factory.LazyFunction(lambda: clock.today() + timedelta(days=180))


class ActionFactory(BaseFactory):
    """An action not started, due in three months, on a recommendation."""

    class Meta:
        model = ReviewAction

    recommendation = factory.SubFactory(RecommendationFactory)
    case = factory.LazyAttribute(lambda a: a.recommendation.case)
    description = factory.Sequence(lambda n: f"Action {n}: add an information-sharing checklist")
    owner_agency = factory.SubFactory(AgencyFactory)
    lead = "Head of Safeguarding"
    due_date = factory.LazyFunction(lambda: clock.today() + timedelta(days=90))
    impact_measure = "Checklist completed in 90% of strategy meetings."
    status = "not_started"


class DeadlineRuleFactory(BaseFactory):
    """A local target for SARs (not one of the seeded national rules)."""

    class Meta:
        model = DeadlineRule

    review_type = ReviewType.SAR
    milestone = factory.Sequence(lambda n: f"LOCAL_TARGET_{n}")
    label = factory.Sequence(lambda n: f"Local target {n}")
    anchor = "referral_date"
    offset = 20
    unit = DeadlineUnit.WORKING_DAYS
    met_by = "acknowledged_date"
    responsible_role = "business_support"
    source = "Local procedure"
    effective_from = date(2020, 1, 1)


def commission(case: Case, mandate: str = "s44_4") -> PanelDecision:
    """A board-approved decision to hold a review on `case` (a SAR or DHR): its review targets apply."""
    return DecisionFactory(
        case=case,
        meeting_date=case.referral_date,
        outcome=DecisionOutcome.REVIEW_COMMISSIONED,
        legal_mandate=mandate if str(case.review_type) == "SAR" else None,
        approval_status=ApprovalStatus.APPROVED,
    )


def ready_to_publish(case: Case, decision: str = "full") -> PublishedDocument:
    """Close every publication gate of `case`: the record, the board's approval, the notices its type
    needs (sent long enough ago), and a clean approved document of the kind the decision publishes."""
    from backoffice.domain.publication import DOCUMENT_FOR

    case.publication_decision = PublicationDecision(decision)
    case.publication_reason = "Agreed by the partners." if decision != "full" else None
    case.anonymised_title = f"Review of {case.subject_pseudonym}"
    case.publication_approved_at = NOW
    if str(case.review_type) == "CSPR":
        for recipient in ("national_panel", "secretary_of_state"):
            sent(case, recipient, "pre_publication", days_ago(30))
    if str(case.review_type) == "DHR":
        case.ho_qa_outcome = QaOutcome.APPROVED
    return DocumentFactory(
        case=case,
        document_type=DOCUMENT_FOR[PublicationDecision(decision)],
        status=DocumentStatus.APPROVED,
        content=pdf_bytes(f"What {case.subject_pseudonym}'s review found"),
    )


def document_store():
    """Where the app under test keeps document files (the database on PostgreSQL, a folder on SQLite)."""
    config = _state["app"].config
    return files.document_store(config["UPLOAD_DIR"], config["DOCUMENT_STORAGE"])


def replace_content(document: PublishedDocument, content: bytes) -> None:
    """Give a test document other bytes (arranging a test, not the app's versioned replacement)."""
    stored = document_store().put(_session(), content, files.sniff(content))
    document.stored_name, document.content_type = stored.stored_name, stored.content_type
    document.size_bytes, document.sha256 = stored.size_bytes, stored.sha256


def published_case(**overrides) -> Case:
    """A review published in full ten days ago, public now."""
    values = dict(
        publication_decision=PublicationDecision.FULL,
        anonymised_title="Child Q",
        publication_date=days_ago(10),
        publication_approved_at=NOW,
    )
    return CaseFactory(**{**values, **overrides})


def sent(case: Case, recipient: str, purpose: str, on: date) -> Notification:
    """Record the notification as sent (the deadline rules may already expect it)."""
    notification = next(
        (n for n in case.notifications if str(n.recipient) == recipient and n.purpose == purpose), None
    ) or Notification(case=case, recipient=recipient, purpose=purpose)
    notification.sent_date = on
    _session().add(notification)
    return notification


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)
