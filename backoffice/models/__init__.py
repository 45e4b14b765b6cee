"""The data model, one module per aggregate. Importing this package registers every table."""

from backoffice.models.agency import Agency, AgencyType
from backoffice.models.audit import AuditAction, AuditEvent
from backoffice.models.base import Base, utcnow
from backoffice.models.case import (
    AbuseCategory,
    AgencyRole,
    Case,
    CaseAgency,
    PanelResponse,
    PublicationDecision,
    QaOutcome,
)
from backoffice.models.decision import (
    ApprovalOutcome,
    ApprovalStatus,
    CriterionAssessment,
    CriterionValue,
    DecisionApproval,
    DecisionOutcome,
    LegalMandate,
    PanelDecision,
)
from backoffice.models.document import DocumentStatus, DocumentType, DocumentVersion, PublishedDocument
from backoffice.models.family import (
    ContactChannel,
    ContactOutcome,
    EngagementStatus,
    EventType,
    FamilyEvent,
    FamilyInvolvement,
    FamilySide,
)
from backoffice.models.lifecycle import (
    Deadline,
    DeadlineRule,
    DeadlineUnit,
    Hold,
    HoldReason,
    Notification,
    Purpose,
    Recipient,
    Reach,
    Standing,
    TransitionLog,
)
from backoffice.models.site import PublicText
from backoffice.models.user import Role, User, UserStream

__all__ = [
    "PublicationDecision",
    "PublicText",
    "FamilySide",
    "FamilyEvent",
    "EventType",
    "DocumentVersion",
    "ContactOutcome",
    "ContactChannel",
    "AuditAction",
    "AuditEvent",
    "AbuseCategory",
    "Agency",
    "AgencyRole",
    "AgencyType",
    "ApprovalOutcome",
    "ApprovalStatus",
    "Base",
    "Case",
    "CaseAgency",
    "CriterionAssessment",
    "CriterionValue",
    "Deadline",
    "DeadlineRule",
    "DeadlineUnit",
    "DecisionApproval",
    "DecisionOutcome",
    "DocumentStatus",
    "DocumentType",
    "EngagementStatus",
    "FamilyInvolvement",
    "Hold",
    "HoldReason",
    "LegalMandate",
    "Notification",
    "PanelDecision",
    "PanelResponse",
    "PublishedDocument",
    "QaOutcome",
    "Purpose",
    "Recipient",
    "Reach",
    "Standing",
    "Role",
    "TransitionLog",
    "User",
    "UserStream",
    "utcnow",
]
