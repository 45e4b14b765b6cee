"""The data model, one module per aggregate. Importing this package registers every table."""

from backoffice.models.agency import Agency, AgencyType
from backoffice.models.audit import AuditAction, AuditEvent
from backoffice.models.base import Base, utcnow
from backoffice.models.case import AbuseCategory, AgencyRole, Case, CaseAgency, PanelResponse, QaOutcome
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
from backoffice.models.document import DocumentStatus, DocumentType, PublishedDocument
from backoffice.models.family import EngagementStatus, FamilyInvolvement
from backoffice.models.lifecycle import (
    Deadline,
    DeadlineRule,
    DeadlineUnit,
    Hold,
    HoldReason,
    Notification,
    Recipient,
    TransitionLog,
)
from backoffice.models.user import Role, User, UserStream

__all__ = [
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
    "Recipient",
    "Role",
    "TransitionLog",
    "User",
    "UserStream",
    "utcnow",
]
