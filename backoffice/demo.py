"""Fictional demonstration data for the Wrekinshire Safeguarding Partnership.

`load_demo()` fills an empty database with agencies, one user per role, about thirty cases across
the three review types and the decisions, family involvement and documents that go with them. Every
person, organisation, reference and event here is invented; Wrekinshire is not a real county. Email
addresses use example.org and telephone numbers the 01632 960xxx range reserved for drama.

The data set is deterministic (fixed tables and `random.Random(2026)`), except the user passwords,
which are random and shown once. Every record passes the same validation rules the forms apply.
"""

from __future__ import annotations

import io
import random
import secrets
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from xml.sax.saxutils import escape

from flask import current_app
from sqlalchemy import select

from backoffice.cli import create_user
from backoffice.domain import files
from backoffice.domain.lifecycle import STATES, ReviewType
from backoffice.domain.rules import case_errors, decision_errors, family_errors
from backoffice.extensions import db
from backoffice.models import (
    AbuseCategory,
    Agency,
    AgencyRole,
    AgencyType,
    ApprovalStatus,
    Case,
    CaseAgency,
    DecisionOutcome,
    DocumentStatus,
    DocumentType,
    EngagementStatus,
    FamilyInvolvement,
    LegalMandate,
    PanelDecision,
    PublishedDocument,
    User,
)
from backoffice.policy import RoleName, Stream

PARTNERSHIP = "Wrekinshire Safeguarding Partnership"
SEED = 2026

CSPR, SAR, DHR = ReviewType.CSPR, ReviewType.SAR, ReviewType.DHR


class DemoAlreadyLoaded(Exception):
    """The database is not empty, so the demo data set is not loaded."""


class InvalidDemoData(ValueError):
    """A record in the demo tables breaks a validation rule (a bug in this module)."""


# --- Agencies -------------------------------------------------------------------------------------
# key, name, type, parent key, statutory partner, safeguarding lead. Parents come before children.
AGENCIES: list[tuple[str, str, AgencyType, str | None, bool, str]] = [
    ("council", "Wrekinshire Council", AgencyType.OTHER, None, False, "Fiona Caldwell, Director of People"),
    ("police", "Wrekinshire Police", AgencyType.POLICE, None, True, "DCI Helen Marsh, Head of Public Protection"),
    ("csc", "Wrekinshire Council Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE, "council", True,
     "Tom Ashworth, Head of Safeguarding and Quality Assurance"),
    ("asc", "Wrekinshire Council Adult Social Care", AgencyType.ADULT_SOCIAL_CARE, "council", True,
     "Claire Benbow, Principal Social Worker for Adults"),
    ("icb", "Wrekinshire Integrated Care Board", AgencyType.ICB, None, True,
     "Joanne Keel, Designated Nurse for Safeguarding"),
    ("acute", "Wrekinshire Hospitals NHS Trust", AgencyType.NHS_TRUST, None, False,
     "Jenny Lomax, Head of Safeguarding"),
    ("maternity", "Wrekinshire Hospitals NHS Trust Maternity Services", AgencyType.NHS_TRUST, "acute", False,
     "Sarah Whitcombe, Named Midwife for Safeguarding"),
    ("mh", "Wrekin Vale Mental Health NHS Foundation Trust", AgencyType.NHS_TRUST, None, False,
     "Dr Helen Oduya, Associate Director of Safeguarding"),
    ("community", "Wrekinshire Community Health NHS Trust", AgencyType.NHS_TRUST, None, False,
     "Rachel Onyango, Named Nurse for Safeguarding Children"),
    ("ambulance", "West Marches Ambulance Service NHS Foundation Trust", AgencyType.AMBULANCE, None, False,
     "Gareth Lyle, Safeguarding Lead"),
    ("pcn", "Wrekin North Primary Care Network", AgencyType.GP, None, False, "Dr Priya Raman, Clinical Director"),
    ("gp-oak", "Oakfield Surgery", AgencyType.GP, "pcn", False, "Dr Priya Raman, Safeguarding Lead GP"),
    ("gp-riv", "Riverside Health Centre", AgencyType.GP, "pcn", False, "Dr Owen Blake, Safeguarding Lead GP"),
    ("gp-castle", "Castle Street Medical Practice", AgencyType.GP, None, False,
     "Dr Aisha Karim, Safeguarding Lead GP"),
    ("mat", "Wrekin Learning Trust", AgencyType.EDUCATION, None, False, "Paul Kettering, Trust Safeguarding Lead"),
    ("hollybank", "Hollybank Primary Academy", AgencyType.EDUCATION, "mat", False,
     "Lucy Fenwick, Designated Safeguarding Lead"),
    ("meadowbrook", "Meadowbrook High School", AgencyType.EDUCATION, "mat", False,
     "Mandeep Gill, Designated Safeguarding Lead"),
    ("probation", "Probation Service, Wrekinshire Delivery Unit", AgencyType.PROBATION, None, False,
     "Sian Hollis, Head of Probation Delivery Unit"),
    ("yjs", "Wrekinshire Youth Justice Service", AgencyType.OTHER, "council", False,
     "Kwame Asante, Youth Justice Service Manager"),
    ("housing-options", "Wrekinshire Council Housing Options", AgencyType.HOUSING, "council", False,
     "Lorraine Beddow, Housing Options Manager"),
    ("greenmoor", "Greenmoor Housing Association", AgencyType.HOUSING, None, False,
     "Steve Radcliffe, Tenancy Safeguarding Lead"),
    ("newhorizons", "New Horizons Drug and Alcohol Service", AgencyType.SUBSTANCE_MISUSE, None, False,
     "Kate Mulligan, Clinical Lead"),
    ("da", "Wrekinshire Domestic Abuse Service", AgencyType.DOMESTIC_ABUSE_SERVICE, None, False,
     "Joanna Wells, Service Manager"),
    ("idva", "Wrekinshire IDVA Service", AgencyType.DOMESTIC_ABUSE_SERVICE, "da", False,
     "Nadia Rahman, Senior IDVA"),
    ("csp", "Wrekinshire Community Safety Partnership", AgencyType.OTHER, "council", False,
     "Andrew Holt, Community Safety Manager"),
    ("carers", "Wrekinshire Carers Centre", AgencyType.VOLUNTARY, None, False, "Beverley Nash, Chief Executive"),
    ("opendoor", "Open Door Homeless Outreach", AgencyType.VOLUNTARY, None, False,
     "Marcus Bell, Outreach Team Leader"),
    ("fire", "Wrekinshire Fire and Rescue Service", AgencyType.OTHER, None, False,
     "Lee Crossley, Station Manager, Prevention"),
    ("carehome", "Cedar Lodge Care Home", AgencyType.OTHER, None, False, "Yvonne Stubbs, Registered Manager"),
]

# --- Users ----------------------------------------------------------------------------------------
# key, email, role, full name. Everyone but the administrator works in all three streams.
USERS: list[tuple[str, str, RoleName, str]] = [
    ("business_support", "business.support@demo.example.org", RoleName.BUSINESS_SUPPORT, "Bethan Price"),
    ("panel", "panel@demo.example.org", RoleName.PANEL, "Ruth Adebayo"),
    ("board", "board@demo.example.org", RoleName.BOARD, "Alison Fairbrother"),
    ("board2", "board2@demo.example.org", RoleName.BOARD, "Imran Qureshi"),
    ("auditor", "auditor@demo.example.org", RoleName.AUDITOR, "Catherine Lowe"),
    ("admin", "admin@demo.example.org", RoleName.ADMIN, "Owen Pritchard"),
]


# --- Cases ----------------------------------------------------------------------------------------
class CaseRow(NamedTuple):
    """One demo case. Dates are ISO strings; `agencies` is "key:role key ..." (role defaults to contributing)."""

    review_type: ReviewType
    pseudonym: str
    legal_name: str
    dob: str
    dates: tuple[str, str, str]  # incident, partnership aware, referral
    state: str
    external_reference: str | None
    restricted: bool
    referrer: tuple[str, str, str]  # name, role, agency key
    concerns: str
    categories: tuple[str, ...]
    agencies: str


CASES: list[CaseRow] = [
    CaseRow(CSPR, "Child Q", "Ellis Brennan", "2014-05-11", ("2026-11-18", "2026-11-19", "2026-11-20"),
            "INCIDENT_REPORTED", None, False,
            ("Dr Farah Siddiqui", "Consultant paediatrician", "acute"),
            "Admitted with a subdural haematoma after a reported fall from a bunk bed; the explanation was "
            "inconsistent with the injury. School had recorded unexplained bruising twice last term.",
            ("Physical abuse", "Neglect or acts of omission"),
            "csc:lead acute:referring police meadowbrook gp-oak"),
    CaseRow(CSPR, "Baby O", "Noah Kaczmarek", "2026-08-10", ("2026-11-09", "2026-11-09", "2026-11-11"),
            "SIN_SUBMITTED", "SIN-2026-02417", True,
            ("DS Mark Ellison", "Detective sergeant, child abuse investigation team", "police"),
            "Three-month-old baby presented at the emergency department with rib fractures of differing ages. "
            "The parents had missed two health visitor contacts.",
            ("Physical abuse", "Neglect or acts of omission"),
            "csc:lead police:referring acute maternity community"),
    CaseRow(CSPR, "Young Person F", "Tiana Okoro", "2010-02-03", ("2026-10-28", "2026-10-29", "2026-11-02"),
            "RAPID_REVIEW_IN_PROGRESS", "SIN-2026-02230", True,
            ("Karen Doyle", "Service manager, exploitation team", "csc"),
            "Found by police in another county with serious injuries after nine days missing from her "
            "placement; intelligence suggests she was being sexually and criminally exploited.",
            ("Sexual exploitation", "Criminal exploitation"),
            "csc:lead police meadowbrook community yjs"),
    CaseRow(CSPR, "Child T", "Jayden Cole", "2016-11-20", ("2026-10-09", "2026-10-12", "2026-10-14"),
            "RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF", "SIN-2026-02105", False,
            ("Lucy Fenwick", "Designated safeguarding lead", "hollybank"),
            "Came to school hungry with an untreated dental abscess; a home visit found no heating and younger "
            "siblings unsupervised. The family had stepped down to early help four months earlier.",
            ("Neglect or acts of omission",),
            "csc:lead hollybank:referring gp-castle community housing-options:information_only"),
    CaseRow(CSPR, "Baby R", "Amara Lewis", "2026-07-28", ("2026-09-14", "2026-09-14", "2026-09-16"),
            "AWAITING_PANEL_RESPONSE", "SIN-2026-01876", False,
            ("Sarah Whitcombe", "Named midwife for safeguarding", "maternity"),
            "Seven-week-old baby died in an unsafe sleeping arrangement with a parent who had been drinking. "
            "The mother was known to the perinatal mental health team.",
            ("Neglect or acts of omission",),
            "csc:lead maternity:referring police mh community"),
    CaseRow(CSPR, "Child M", "Sofia Petrescu", "2012-08-08", ("2026-04-14", "2026-04-15", "2026-04-17"),
            "NOT_NOTIFIABLE_LOCAL_REFERRAL", None, False,
            ("Gemma Rowley", "Team manager, children's social care", "csc"),
            "Disclosed repeated emotional abuse at home and online grooming attempts. No serious harm occurred, "
            "so the partners agreed a local review of how the school's concerns were shared.",
            ("Emotional or psychological abuse", "Online abuse"),
            "csc:lead meadowbrook police"),
    CaseRow(CSPR, "Young Person K", "Kyle Bramwell", "2009-03-27", ("2025-11-08", "2025-11-09", "2025-11-12"),
            "NO_FURTHER_REVIEW_LEARNING_RETAINED", "SIN-2025-03391", False,
            ("Insp. Paul Adeyemi", "Inspector, public protection unit", "police"),
            "Seriously injured in a stabbing. He had been excluded from school and was known to the youth "
            "justice service; information about criminal exploitation was held by several agencies.",
            ("Criminal exploitation", "Physical abuse"),
            "csc:lead police:referring yjs meadowbrook acute"),
    CaseRow(CSPR, "Child H", "Harvey Dunn", "2018-01-15", ("2025-09-02", "2025-09-03", "2025-09-05"),
            "ALTERNATIVE_LEARNING_ACTIVITY", "SIN-2025-02764", False,
            ("Joanne Keel", "Designated nurse for safeguarding", "icb"),
            "Scalded by a kettle while left alone. There was a pattern of missed health appointments and a "
            "history of domestic abuse between the parents.",
            ("Neglect or acts of omission", "Domestic abuse"),
            "csc:lead icb:referring gp-riv community da"),
    CaseRow(CSPR, "Child D", "Mason Tully", "2013-06-02", ("2026-03-21", "2026-03-21", "2026-03-24"),
            "LCSPR_IN_PROGRESS", "SIN-2026-00688", False,
            ("Tom Ashworth", "Head of safeguarding and quality assurance", "csc"),
            "Died after an asthma attack at home. Medical neglect appears long-standing and the child's voice "
            "was not heard; the family had moved between three local authorities in two years.",
            ("Neglect or acts of omission",),
            "csc:lead acute gp-castle meadowbrook ambulance:information_only"),
    CaseRow(CSPR, "Baby L", "Freya Holden", "2025-01-05", ("2025-04-12", "2025-04-12", "2025-04-15"),
            "FAMILY_PREVIEW", "SIN-2025-01027", False,
            ("Rachel Onyango", "Named nurse for safeguarding children", "community"),
            "Shaken by the mother's new partner and left with a serious brain injury. The pre-birth assessment "
            "had noted the partner's history of violence, but health visiting was not told.",
            ("Physical abuse", "Domestic abuse"),
            "csc:lead community:referring police acute probation"),
    CaseRow(CSPR, "Child W", "Isla Carver", "2011-10-19", ("2024-09-14", "2024-09-15", "2024-09-18"),
            "PUBLISHED", "SIN-2024-02611", False,
            ("Mandeep Gill", "Designated safeguarding lead", "meadowbrook"),
            "Died by suspected suicide aged 12 after a period of bullying, self-harm and a long wait for child "
            "and adolescent mental health services.",
            ("Emotional or psychological abuse", "Online abuse"),
            "csc:lead meadowbrook:referring mh gp-oak police"),
    CaseRow(CSPR, "Young Person S", "Shannon Reilly", "2007-12-02", ("2024-02-10", "2024-02-12", "2024-02-14"),
            "ACTION_PLAN_MONITORING", "SIN-2024-00371", False,
            ("Adele Morton", "Social worker, children in care team", "csc"),
            "A looked-after 16-year-old in unregulated supported accommodation was seriously assaulted after "
            "reporting threats from an older adult known to police.",
            ("Physical abuse", "Sexual exploitation"),
            "csc:lead police greenmoor acute"),
    CaseRow(SAR, "Adult B", "Patricia Coombes", "1941-04-22", ("2026-11-06", "2026-11-10", "2026-11-16"),
            "REFERRAL_RECEIVED", None, False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Admitted from a care home with grade 4 pressure ulcers and dehydration; she died eight days later. "
            "The home had recently been rated inadequate.",
            ("Neglect or acts of omission", "Organisational abuse"),
            "asc:lead acute:referring carehome icb"),
    CaseRow(SAR, "SAR Ruth", "Margaret Doyle-Hughes", "1958-09-10", ("2026-10-24", "2026-10-27", "2026-11-03"),
            "ACKNOWLEDGED", None, False,
            ("Claire Benbow", "Principal social worker for adults", "asc"),
            "Died in a house fire. She lived alone with severe hoarding, smoked heavily and had declined "
            "support several times; the fire service had referred her a year earlier.",
            ("Self-neglect",),
            "asc:lead fire gp-castle mh"),
    CaseRow(SAR, "Adult J", "Jordan Pike", "1996-01-30", ("2026-09-04", "2026-09-07", "2026-09-14"),
            "INFORMATION_GATHERING", None, False,
            ("Sgt Dave Morrow", "Sergeant, vulnerability hub", "police"),
            "A man with a learning disability was 'cuckooed' for months: his flat was used to supply drugs and "
            "his benefits were taken. He needed hospital treatment for his injuries.",
            ("Financial or material abuse", "Modern slavery", "Physical abuse"),
            "asc:lead police:referring greenmoor gp-riv"),
    CaseRow(SAR, "SAR Dennis", "Anthony Birch", "1965-05-17", ("2026-04-26", "2026-04-29", "2026-05-06"),
            "DECISION_PENDING", None, False,
            ("Marcus Bell", "Outreach team leader", "opendoor"),
            "A rough sleeper with alcohol dependence died of hypothermia after being discharged from the "
            "emergency department late at night with no accommodation arranged.",
            ("Self-neglect", "Neglect or acts of omission"),
            "asc:lead opendoor:referring acute newhorizons housing-options"),
    CaseRow(SAR, "Adult C", "Gordon Whitfield", "1950-03-03", ("2025-12-01", "2025-12-03", "2025-12-10"),
            "NOT_MET_NO_FURTHER_ACTION", None, False,
            ("Shona Patel", "Practice nurse", "gp-oak"),
            "A neighbour took over his banking and about £18,000 was lost. He is alive and supported through a "
            "section 42 enquiry.",
            ("Financial or material abuse",),
            "asc:lead gp-oak:referring police"),
    CaseRow(SAR, "SAR Maureen", "Eileen Cartwright", "1938-07-07", ("2025-08-19", "2025-08-20", "2025-08-28"),
            "NOT_MET_ALTERNATIVE_LEARNING", None, False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Fell and fractured her hip after being discharged home without the agreed care package; she has "
            "dementia and lives with her husband, who is also frail.",
            ("Neglect or acts of omission",),
            "asc:lead acute:referring community carers"),
    CaseRow(SAR, "Adult N", "Sophie Kendrick", "1989-11-11", ("2025-10-05", "2025-10-06", "2025-10-13"),
            "REFERRED_TO_OTHER_PROCESS", None, False,
            ("Nadia Rahman", "Senior IDVA", "idva"),
            "A woman with care and support needs from an acquired brain injury died after an assault by her "
            "partner, who was also her main carer. SAR and DHR criteria both appear to be met.",
            ("Domestic abuse", "Coercive control", "Physical abuse"),
            "asc:lead idva:referring police mh"),
    CaseRow(SAR, "SAR Colin", "Raymond Pryce", "1972-02-14", ("2025-05-30", "2025-06-02", "2025-06-09"),
            "IN_PROGRESS", "STEIS-2025-11873", False,
            ("Dr Helen Oduya", "Associate director of safeguarding", "mh"),
            "Died of an overdose two weeks after discharge from a mental health ward. He had a learning "
            "disability and autism, and his care coordinator left without a handover.",
            ("Neglect or acts of omission", "Self-neglect"),
            "asc:lead mh:referring gp-castle newhorizons ambulance"),
    CaseRow(SAR, "Adult P", "Leanne Walsh", "1983-08-25", ("2025-02-11", "2025-02-14", "2025-02-21"),
            "SAB_APPROVAL", None, False,
            ("Claire Benbow", "Principal social worker for adults", "asc"),
            "A woman with alcohol dependence and a history of trauma was repeatedly judged to have capacity to "
            "refuse support; she survived a serious self-neglect episode with lasting injuries.",
            ("Self-neglect", "Domestic abuse"),
            "asc:lead newhorizons gp-riv acute"),
    CaseRow(SAR, "SAR Graham", "Kenneth Albright", "1954-12-09", ("2024-06-03", "2024-06-05", "2024-06-12"),
            "PUBLISHED", "STEIS-2024-08215", False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Died of sepsis from untreated pressure ulcers while his son was his sole carer. District nurses "
            "and paid carers raised concerns that were not escalated.",
            ("Neglect or acts of omission",),
            "asc:lead acute:referring community gp-oak carers"),
    CaseRow(DHR, "DHR Kelly", "Stacey Mullins", "1991-03-18", ("2026-11-01", "2026-11-03", "2026-11-04"),
            "NOTIFIED_BY_POLICE", None, False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed at her home; her former partner has been charged with murder. Police held three earlier "
            "domestic abuse reports, one of which was heard at MARAC.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring idva gp-riv"),
    CaseRow(DHR, "DHR Daniel", "Lewis Carrow", "1979-07-07", ("2026-09-12", "2026-09-14", "2026-09-15"),
            "SCOPING", None, False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Died by suicide after years of reported controlling behaviour by his wife; he had disclosed abuse "
            "to his GP and to a helpline.",
            ("Domestic abuse", "Coercive control"),
            "csp:lead police:referring gp-oak mh"),
    CaseRow(DHR, "DHR Margaret", "Doreen Ashby", "1946-01-29", ("2026-09-20", "2026-09-21", "2026-09-22"),
            "DECISION_PENDING", None, False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Killed by her adult son, who lived with her and had a long history of psychosis and alcohol misuse. "
            "She had told her GP she was frightened of him.",
            ("Domestic abuse", "Physical abuse"),
            "csp:lead police:referring mh asc gp-castle"),
    CaseRow(DHR, "DHR Grace", "Chloe Banner", "2009-01-12", ("2026-08-30", "2026-09-01", "2026-09-02"),
            "DECISION_MADE", None, True,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "A 17-year-old was killed by her 19-year-old partner. She had been referred to the domestic abuse "
            "service by her college and had been a child in need.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring csc da"),
    CaseRow(DHR, "DHR Hannah", "Sophie Kendrick", "1989-11-11", ("2025-10-05", "2025-10-06", "2025-10-08"),
            "IMRS_RECEIVED", "HO-DHR-2025-058", False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Joint DHR/SAR with the Safeguarding Adults Board. Died after an assault by her partner and main "
            "carer; she had an acquired brain injury and care and support needs.",
            ("Domestic abuse", "Coercive control", "Physical abuse"),
            "csp:lead police:referring asc idva mh"),
    CaseRow(DHR, "DHR Paul", "Martin Greaves", "1968-06-21", ("2024-11-02", "2024-11-04", "2024-11-05"),
            "SUBMITTED_TO_HO_QA", "HO-DHR-2024-087", False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed by his brother during an argument at the family home. Both brothers were known to substance "
            "misuse services and police had been called to the home before.",
            ("Domestic abuse", "Physical abuse"),
            "csp:lead police:referring newhorizons probation gp-castle"),
    CaseRow(DHR, "DHR Amira", "Yasmin Haddad", "1985-02-02", ("2024-03-09", "2024-03-11", "2024-03-12"),
            "PUBLISHED", "HO-DHR-2024-019", False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Killed by her husband after telling her GP and health visitor that he controlled her money and "
            "movements; language barriers meant she was rarely seen alone.",
            ("Domestic abuse", "Coercive control", "Financial or material abuse"),
            "csp:lead police:referring gp-riv community da"),
    CaseRow(DHR, "DHR Bethany", "Jade Whitmore", "1998-10-10", ("2024-01-20", "2024-01-22", "2024-01-23"),
            "ACTION_PLAN_MONITORING", "HO-DHR-2024-006", False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed by her former partner while he was under probation supervision for offences against a "
            "previous partner; the MARAC risk level was lowered after she moved address.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring probation idva greenmoor"),
]

# --- Panel decisions ------------------------------------------------------------------------------
APPROVED, PENDING, REJECTED = ApprovalStatus.APPROVED, ApprovalStatus.PENDING, ApprovalStatus.REJECTED
COMMISSIONED = DecisionOutcome.REVIEW_COMMISSIONED
NOT_MET = DecisionOutcome.CRITERIA_NOT_MET_LEARNING_RETAINED
ALTERNATIVE = DecisionOutcome.ALTERNATIVE_LEARNING
REFERRED = DecisionOutcome.REFERRED_TO_OTHER_PROCESS
MANDATORY, DISCRETIONARY = LegalMandate.SAR_MANDATORY, LegalMandate.SAR_DISCRETIONARY

# case pseudonym, meeting date, outcome, SAR mandate, rationale, conflicts declared, delay reasons,
# approval status, approving board user (key), approval comment (None: the usual one for the type).
DECISIONS: list[tuple[str, str, DecisionOutcome, LegalMandate | None, str, str | None, str | None,
                      ApprovalStatus, str | None, str | None]] = [
    ("Young Person K", "2025-12-03", NOT_MET, None,
     "The learning on sharing information about criminal exploitation is already being addressed by the "
     "county lines action plan; the National Panel agreed a local review would add little. Learning is "
     "retained through the rapid review action plan.", None, None, APPROVED, "board", None),
    ("Child H", "2025-09-24", ALTERNATIVE, None,
     "Criteria for a local review are not met, but the pattern of children not being brought to health "
     "appointments needs wider learning: a multi-agency audit and a practitioner learning event instead.",
     None, None, APPROVED, "board2", None),
    ("Child D", "2026-04-15", COMMISSIONED, None,
     "The child died and neglect is suspected. Serious concerns about how agencies in three local authorities "
     "shared information on his health needs; the National Panel agreed a local review is appropriate.",
     "The designated nurse had supervised the school nurse involved; she gave information but did not take "
     "part in the decision.", None, APPROVED, "board", None),
    ("Baby L", "2025-05-07", COMMISSIONED, None,
     "Serious harm from suspected abuse, and information about the partner's history of violence was not "
     "passed to health visiting. Significant learning for the partnership: criteria for a local review met.",
     None, "Paused on police advice until the partner's criminal trial ended in March 2026.", APPROVED, "board", None),
    ("Child W", "2024-10-09", COMMISSIONED, None,
     "The child died by suspected suicide after missed opportunities to act on bullying and self-harm; delays "
     "in access to mental health services raise issues of wider importance.", None, None, APPROVED, "board", None),
    ("Young Person S", "2024-03-06", COMMISSIONED, None,
     "A looked-after child was seriously harmed in unregulated accommodation. The review will examine placement "
     "sufficiency and how risks from adults known to police were shared.",
     "The head of service for children in care manages the allocated social worker and left for this item.",
     None, APPROVED, "board2", None),
    ("SAR Dennis", "2026-06-17", NOT_MET, None,
     "Dennis died, but the hospital's own incident review is a proportionate response and the panel found no "
     "wider concern about how agencies worked together.", None,
     "The hospital's chronology arrived late, so the case was deferred from the May meeting.", REJECTED, "board2",
     "The rationale does not address the night-time discharge without accommodation, which involved the "
     "hospital, housing options and outreach. Please reconsider against s44(1)(a)."),
    ("SAR Dennis", "2026-11-11", COMMISSIONED, MANDATORY,
     "On reconsideration: Dennis died, neglect and self-neglect are suspected, and there is reasonable cause "
     "for concern about how the hospital, housing options and outreach worked together. s44(1)-(3) met.",
     None, None, PENDING, None, None),
    ("Adult C", "2026-01-14", NOT_MET, None,
     "Serious financial abuse occurred, but agencies acted promptly once it was known and the section 42 "
     "enquiry is proportionate. No concern about joint working; learning on spotting financial abuse goes "
     "into the board newsletter.", None, None, APPROVED, "board", None),
    ("SAR Maureen", "2025-09-17", ALTERNATIVE, None,
     "SAR criteria are not met: Maureen is alive and the harm arose from a single discharge failure. A hospital "
     "discharge audit and a practitioner learning event will capture the learning.",
     None, None, APPROVED, "board", None),
    ("Adult N", "2025-10-29", REFERRED, None,
     "SAR and DHR criteria both appear to be met. To avoid duplication the case goes to the Community Safety "
     "Partnership for a joint DHR/SAR, with the board represented on the review panel.", None, None, APPROVED, "board2",
     None),
    ("SAR Colin", "2025-07-16", COMMISSIONED, MANDATORY,
     "Colin died and neglect is suspected; there is reasonable cause for concern about how the mental health "
     "trust, GP and substance misuse service worked together after discharge. Mandatory review.",
     "The substance misuse service's representative had been Colin's keyworker; she gave information but took "
     "no part in the decision.",
     "The coroner asked to see the findings before the resumed inquest; the timetable runs to December 2026.",
     APPROVED, "board", None),
    ("Adult P", "2025-03-19", COMMISSIONED, DISCRETIONARY,
     "Mandatory criteria are not fully met because agencies coordinated well in the final months, but the board "
     "wants to learn how capacity is assessed in repeated self-neglect. Discretionary review under s44(4).",
     None, None, APPROVED, "board", None),
    ("SAR Graham", "2024-07-10", COMMISSIONED, MANDATORY,
     "Graham died of sepsis from untreated pressure ulcers. Concerns raised by district nurses and carers were "
     "not escalated, giving reasonable cause for concern about joint working. Mandatory review.",
     None, None, APPROVED, "board", None),
    ("DHR Margaret", "2026-10-21", COMMISSIONED, None,
     "Margaret, over 16, was killed by her adult son, a member of her household, so the relationship test is "
     "met. Her contacts with mental health services and her GP need review.", None, None, PENDING, None, None),
    ("DHR Grace", "2026-10-07", COMMISSIONED, None,
     "Grace, aged 17, was killed by her partner; the statutory criteria are met. Children's services, her "
     "college and the domestic abuse service were involved; the children's partnership joins the panel.",
     "The domestic abuse service's manager declared that her service had supported Grace and did not vote.",
     None, PENDING, None, None),
    ("DHR Hannah", "2025-11-12", COMMISSIONED, None,
     "Joint DHR/SAR: Hannah died after an assault by her partner and carer. DHR and SAR criteria are met; the "
     "Safeguarding Adults Board agreed the Community Safety Partnership should lead.", None, None, APPROVED, "board2",
     None),
    ("DHR Paul", "2024-12-11", COMMISSIONED, None,
     "Paul was killed by his brother at the family home, so the relationship test is met. Both were known to "
     "substance misuse services and police had attended the home several times.", None,
     "Paused from February to September 2025 while the criminal trial took place.", APPROVED, "board", None),
    ("DHR Amira", "2024-04-10", COMMISSIONED, None,
     "Amira was killed by her husband after disclosing controlling behaviour to health professionals. The "
     "statutory criteria are met.", None, None, APPROVED, "board", None),
    ("DHR Bethany", "2024-02-21", COMMISSIONED, None,
     "Bethany was killed by her former partner while he was under probation supervision for offences against a "
     "previous partner. Criteria met; the review will examine MARAC risk assessment after her move.",
     None, None, APPROVED, "board", None),
]

APPROVAL_COMMENTS = {
    CSPR: "Approved for the three safeguarding partners at the partnership executive.",
    SAR: "Approved by the Safeguarding Adults Board independent chair.",
    DHR: "Approved for the Community Safety Partnership; Home Office informed of the decision.",
}

# --- Family involvement ---------------------------------------------------------------------------
# case pseudonym, relationship, name, invited date, advocacy provider ("" offered, no provider named;
# None not offered), engagement, do not contact, notes. Contact details are made up from the name,
# except for people not yet invited or not to be contacted.
FAMILY: list[tuple[str, str, str, str | None, str | None, EngagementStatus, bool, str | None]] = [
    ("Child W", "Mother", "Joanne Carver", "2024-11-04", None, EngagementStatus.ENGAGED, False,
     "Met the lead reviewer twice and wrote a pen portrait of Child W for the report."),
    ("Child W", "Father", "Michael Carver", "2024-11-04", None, EngagementStatus.ENGAGED, False,
     "Asked that the report describe the wait for mental health services."),
    ("Young Person S", "Mother", "Donna Reilly", "2024-04-02", None, EngagementStatus.NOT_CONTACTABLE, False,
     "Letters returned; police and housing checks found no current address."),
    ("Young Person S", "Maternal grandmother", "Linda Reilly", "2024-04-02", None, EngagementStatus.ENGAGED, False,
     "Saw the draft report before publication with S's agreement."),
    ("Baby L", "Mother", "Kirsty Holden", "2025-06-02", "", EngagementStatus.ENGAGED, False,
     "Family preview meeting held in October 2026 with her social worker present."),
    ("Baby L", "Mother's former partner", "Dean Sowerby", None, None, EngagementStatus.NOT_YET_INVITED, True,
     "Convicted of causing the injuries. No direct contact: the panel will write through his probation officer."),
    ("Child D", "Mother", "Kerry Tully", "2026-05-11", None, EngagementStatus.ENGAGED, False,
     "Wants the review to look at the moves between local authorities."),
    ("Child D", "Father", "Craig Tully", "2026-05-11", None, EngagementStatus.INVITED, False,
     "Second letter sent in June 2026; no reply yet."),
    ("SAR Colin", "Sister", "Denise Hall", "2025-08-04", None, EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Colin and is part of the case group."),
    ("SAR Colin", "Mother", "Irene Pryce", "2025-08-04", None, EngagementStatus.DECLINED, False,
     "Did not feel able to take part; would like a copy of the final report."),
    ("SAR Graham", "Daughter", "Karen Albright", "2024-08-01", None, EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Graham and contributed to the pen portrait."),
    ("SAR Graham", "Son", "Stuart Albright", "2024-08-01", None, EngagementStatus.WITHDRAWN, True,
     "Was his father's sole carer. Withdrew on legal advice during the police investigation; contact only "
     "through his solicitor."),
    ("Adult P", "Self (the adult)", "Leanne Walsh", "2025-04-07", "Wrekinshire Independent Advocacy",
     EngagementStatus.ENGAGED, False,
     "A Care Act advocate supported her to meet the reviewer and comment on the draft."),
    ("DHR Grace", "Mother", "Nicola Banner", "2026-10-14", "AAFDA", EngagementStatus.INVITED, False,
     "The police family liaison officer delivered the first letter and the Home Office leaflet."),
    ("DHR Grace", "Father", "Gary Banner", None, None, EngagementStatus.NOT_YET_INVITED, False,
     "Lives overseas; contact details are being confirmed through the family liaison officer."),
    ("DHR Hannah", "Mother", "Angela Kendrick", "2025-11-24", "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Hannah; her AAFDA advocate attends every meeting with her."),
    ("DHR Hannah", "Brother", "Ryan Kendrick", "2025-11-24", "AAFDA", EngagementStatus.INVITED, False,
     "Has asked to be contacted by email only."),
    ("DHR Paul", "Mother", "Sheila Greaves", "2025-01-06", "AAFDA", EngagementStatus.ENGAGED, False,
     "Mother of both the victim and the perpetrator; supported throughout by an AAFDA advocate."),
    ("DHR Amira", "Sister", "Leila Mansour", "2024-05-07", "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Amira. An Arabic interpreter joined family meetings; told the publication date in "
     "June 2026."),
    ("DHR Amira", "Friend", "Ruth Simmonds", "2024-06-12", None, EngagementStatus.ENGAGED, False,
     "Often went with Amira to GP appointments; met the chair."),
    ("DHR Amira", "Partner's mother", "Samira Haddad", "2024-05-07", None, EngagementStatus.DECLINED, False,
     "Declined to take part; the chair wrote again before publication."),
    ("DHR Bethany", "Mother", "Carol Whitmore", "2024-03-11", "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Bethany and gave a family tribute for the report."),
    ("DHR Bethany", "Father", "Steven Whitmore", "2024-03-11", "AAFDA", EngagementStatus.ENGAGED, False, None),
]

# --- Documents ------------------------------------------------------------------------------------
# case pseudonym, document type, file format, status, publication date.
DOCUMENTS: list[tuple[str, DocumentType, str, DocumentStatus, str | None]] = [
    ("Child W", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED, "2025-07-15"),
    ("Child W", DocumentType.SEVEN_MINUTE_BRIEFING, "pdf", DocumentStatus.PUBLISHED, "2025-07-15"),
    ("Young Person S", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED, "2024-12-10"),
    ("Young Person S", DocumentType.LEARNING_BRIEF, "docx", DocumentStatus.PUBLISHED, "2025-01-15"),
    ("Baby L", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.DRAFT, None),
    ("SAR Graham", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED, "2025-08-28"),
    ("SAR Graham", DocumentType.EXECUTIVE_SUMMARY, "pdf", DocumentStatus.PUBLISHED, "2025-08-28"),
    ("Adult P", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.DRAFT, None),
    ("DHR Paul", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.APPROVED, None),
    ("DHR Amira", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED, "2026-06-30"),
    ("DHR Amira", DocumentType.EXECUTIVE_SUMMARY, "pdf", DocumentStatus.PUBLISHED, "2026-06-30"),
    ("DHR Bethany", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED, "2025-10-14"),
    ("DHR Bethany", DocumentType.AGENCY_RESPONSE, "pdf", DocumentStatus.PUBLISHED, "2025-10-14"),
]


# --- Loading --------------------------------------------------------------------------------------
def load_demo() -> dict[str, tuple[str, str]]:
    """Load the demo data set into an empty database in one transaction.

    Returns {email: (role name, password)} for the demo users. Raises DemoAlreadyLoaded if any case or
    user exists; on any other error nothing is kept, stored files included.
    """
    session = db.session
    if session.scalar(select(Case.id).limit(1)) is not None or session.scalar(select(User.id).limit(1)) is not None:
        raise DemoAlreadyLoaded(
            "The database already has cases or users; demo data is loaded only into an empty database."
        )
    rng = random.Random(SEED)
    try:
        users, passwords = _users()
        session.flush()
        with _acting_as(users["admin"]):
            agencies = _agencies()
        with _acting_as(users["business_support"]):
            cases = _cases(agencies, _categories())
            _family(cases)
            _documents(cases)
        with _acting_as(users["panel"]):
            _decisions(cases, users, rng)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("actor_id", None)
    return passwords


@contextmanager
def _acting_as(user: User) -> Iterator[None]:
    """Stamp the records added in the block as created by `user` (as a signed-in user's would be)."""
    db.session.info["actor_id"] = user.id
    yield
    db.session.flush()


def _users() -> tuple[dict[str, User], dict[str, tuple[str, str]]]:
    """One demo user per role, and a second board member; each with a random password."""
    users: dict[str, User] = {}
    passwords: dict[str, tuple[str, str]] = {}
    for key, email, role, full_name in USERS:
        password = secrets.token_urlsafe(12)
        streams = [] if role == RoleName.ADMIN else list(Stream)
        users[key] = create_user(email, password, [role], streams, full_name)
        passwords[email] = (role.value, password)
    return users, passwords


def _agencies() -> dict[str, Agency]:
    """The partnership's agencies, by key, with made-up safeguarding lead contacts."""
    agencies: dict[str, Agency] = {}
    for number, (key, name, agency_type, parent, statutory, lead) in enumerate(AGENCIES, start=100):
        agencies[key] = Agency(
            name=name,
            agency_type=agency_type,
            parent=agencies[parent] if parent else None,
            is_statutory_partner=statutory,
            safeguarding_lead=lead,
            safeguarding_lead_contact=f"{key.replace('-', '.')}.safeguarding@example.org\n01632 960{number:03d}",
            active=True,
        )
        db.session.add(agencies[key])
    return agencies


def _categories() -> dict[str, AbuseCategory]:
    """The abuse and neglect categories the first migration seeds, by name."""
    categories = {c.name: c for c in db.session.scalars(select(AbuseCategory))}
    missing = sorted({name for row in CASES for name in row.categories} - categories.keys())
    if missing:
        raise InvalidDemoData(f"Abuse categories missing (is the database upgraded?): {', '.join(missing)}")
    return categories


def _cases(agencies: dict[str, Agency], categories: dict[str, AbuseCategory]) -> dict[str, Case]:
    """The demo cases by pseudonym, inserted in referral order so that references follow it."""
    cases: dict[str, Case] = {}
    for row in sorted(CASES, key=lambda r: r.dates[2]):
        incident, aware, referral = (date.fromisoformat(d) for d in row.dates)
        dob = date.fromisoformat(row.dob)
        if row.state not in STATES[row.review_type]:
            raise InvalidDemoData(f"Demo case {row.pseudonym}: unknown state {row.state}.")
        errors = case_errors(
            review_type=row.review_type,
            incident_date=incident,
            aware_date=aware,
            referral_date=referral,
            subject_dob=dob,
            today=date.today(),
        )
        if errors:
            raise InvalidDemoData(f"Demo case {row.pseudonym} is invalid: {errors}")
        referrer_name, referrer_role, referrer_agency = row.referrer
        case = Case(
            review_type=row.review_type,
            state=row.state,
            external_reference=row.external_reference,
            subject_pseudonym=row.pseudonym,
            subject_legal_name=row.legal_name,
            subject_dob=dob,
            incident_date=incident,
            aware_date=aware,
            referral_date=referral,
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_agency=agencies[referrer_agency],
            concerns=row.concerns,
            is_restricted=row.restricted,
            abuse_categories=[categories[name] for name in row.categories],
        )
        case.agency_links.extend(_agency_links(row.agencies, agencies))
        db.session.add(case)
        db.session.flush()  # one insert at a time: each reference is numbered from the ones before it
        cases[row.pseudonym] = case
    return cases


def _agency_links(spec: str, agencies: dict[str, Agency]) -> list[CaseAgency]:
    """Links from "csc:lead police:referring acute" (role contributing unless given)."""
    links = []
    for item in spec.split():
        key, _, role = item.partition(":")
        links.append(CaseAgency(agency=agencies[key], role=AgencyRole(role or AgencyRole.CONTRIBUTING)))
    return links


def _decisions(cases: dict[str, Case], users: dict[str, User], rng: random.Random) -> list[PanelDecision]:
    """Panel decisions recorded by the panel user; most approved, some pending, one rejected."""
    decisions = []
    now = datetime.now(timezone.utc)
    for pseudonym, meeting, outcome, mandate, rationale, conflicts, delay, status, approver, comment in DECISIONS:
        case = cases[pseudonym]
        meeting_date = date.fromisoformat(meeting)
        errors = decision_errors(
            review_type=case.review_type,
            outcome=outcome,
            legal_mandate=mandate,
            rationale=rationale,
            meeting_date=meeting_date,
            referral_date=case.referral_date,
            today=date.today(),
        )
        if errors:
            raise InvalidDemoData(f"Demo decision on {pseudonym} ({meeting}) is invalid: {errors}")
        decision = PanelDecision(
            case=case,
            meeting_date=meeting_date,
            outcome=outcome,
            legal_mandate=mandate,
            rationale=rationale,
            conflicts_declared=conflicts,
            delay_reasons=delay,
            recorded_by=users["panel"],
            approval_status=status,
        )
        if status != ApprovalStatus.PENDING:
            decided = datetime.combine(
                meeting_date + timedelta(days=rng.randint(2, 12)),
                time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))),
                tzinfo=timezone.utc,
            )
            decision.approved_by = users[approver]
            decision.approved_at = min(decided, now)
            decision.approval_comment = comment or APPROVAL_COMMENTS[case.review_type]
        db.session.add(decision)
        decisions.append(decision)
    return decisions


def _family(cases: dict[str, Case]) -> list[FamilyInvolvement]:
    """Family members and friends invited to contribute, with made-up contact details."""
    records = []
    for number, (pseudonym, relationship, name, invited, advocacy, status, do_not_contact, notes) in enumerate(
        FAMILY, start=600
    ):
        invited_date = date.fromisoformat(invited) if invited else None
        errors = family_errors(invited_date=invited_date, today=date.today())
        if errors:
            raise InvalidDemoData(f"Demo family member {relationship} of {pseudonym} is invalid: {errors}")
        reachable = invited_date is not None and not do_not_contact
        email = name.lower().replace(" ", ".") + "@example.org"
        record = FamilyInvolvement(
            case=cases[pseudonym],
            relationship_to_subject=relationship,
            name=name,
            contact_details=f"01632 960{number:03d}\n{email}" if reachable else None,
            invited_date=invited_date,
            advocacy_offered=advocacy is not None,
            advocacy_provider=advocacy or None,
            engagement_status=status,
            do_not_contact=do_not_contact,
            notes=notes,
        )
        db.session.add(record)
        records.append(record)
    return records


def _documents(cases: dict[str, Case]) -> list[PublishedDocument]:
    """Reports and briefings, each a small real PDF or DOCX stored like an upload."""
    folder = current_app.config["UPLOAD_DIR"]
    max_bytes = current_app.config["DOCUMENT_MAX_BYTES"]
    documents = []
    for pseudonym, document_type, file_format, status, published in DOCUMENTS:
        case = cases[pseudonym]
        title = f"{pseudonym}: {document_type.label}"
        lines = [
            f"Demo document: {title}",
            f"{PARTNERSHIP} - {case.review_type.label}",
            "Fictional demonstration data. No real person or case is described.",
        ]
        data = _pdf(lines) if file_format == "pdf" else _docx(lines)
        stored = files.store(data, files.check_document(data, max_bytes), folder)
        files.discard_on_rollback(db.session, stored.stored_name, folder)
        document = PublishedDocument(
            case=case,
            title=title,
            document_type=document_type,
            status=status,
            publication_date=date.fromisoformat(published) if published else None,
            stored_name=stored.stored_name,
            original_filename=f"{_slug(case, document_type)}.{file_format}",
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
        )
        db.session.add(document)
        documents.append(document)
    return documents


def _slug(case: Case, document_type: DocumentType) -> str:
    """`cspr-child-w-overview-report`, `sar-graham-executive-summary`."""
    words = case.subject_pseudonym.lower().replace("/", " ").split()
    if words[0] == case.review_type.value.lower():
        words = words[1:]
    return "-".join([case.review_type.value.lower(), *words, *document_type.value.split("_")])


# --- Files ----------------------------------------------------------------------------------------
def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica, with a correct cross-reference table."""

    def literal(text: str) -> str:
        return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    content = "BT /F1 14 Tf 72 770 Td 20 TL " + " ".join(f"{literal(line)} Tj T*" for line in lines) + " ET"
    stream = content.encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def _docx(lines: list[str]) -> bytes:
    """A minimal Word document with one paragraph per line (fixed timestamps, so it is reproducible)."""
    paragraphs = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>" for line in lines)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}<w:sectPr/></w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (
            ("[Content_Types].xml", _DOCX_CONTENT_TYPES),
            ("_rels/.rels", _DOCX_RELS),
            ("word/document.xml", document),
        ):
            package.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
