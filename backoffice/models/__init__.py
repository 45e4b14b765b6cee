"""The data model, one module per aggregate. Importing this package registers every table."""

from backoffice.models.agency import Agency, AgencyType
from backoffice.models.base import Base, utcnow
from backoffice.models.case import AbuseCategory, AgencyRole, Case, CaseAgency
from backoffice.models.decision import ApprovalStatus, DecisionOutcome, LegalMandate, PanelDecision
from backoffice.models.document import DocumentStatus, DocumentType, PublishedDocument
from backoffice.models.family import EngagementStatus, FamilyInvolvement
from backoffice.models.user import Role, User, UserStream

__all__ = [
    "AbuseCategory",
    "Agency",
    "AgencyRole",
    "AgencyType",
    "ApprovalStatus",
    "Base",
    "Case",
    "CaseAgency",
    "DecisionOutcome",
    "DocumentStatus",
    "DocumentType",
    "EngagementStatus",
    "FamilyInvolvement",
    "LegalMandate",
    "PanelDecision",
    "PublishedDocument",
    "Role",
    "User",
    "UserStream",
    "utcnow",
]
