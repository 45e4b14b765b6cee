"""Fictional demonstration data for the Wrekinshire Safeguarding Partnership.

`load_demo()` fills an empty database with agencies, one user per role, about thirty cases across
the three review types and the decisions, family involvement, documents and holds that go with them.
Every person, organisation, reference and event here is invented; Wrekinshire is not a real county.
Email addresses use example.org and telephone numbers the 01632 960xxx range reserved for drama.

Every date is relative to the day the data set is loaded (so many days, or working days, ago), so
the statutory clock always has something to show and nothing is ever dated in the future. Each case
is created in its initial state and brought to its demo state through the real lifecycle steps
(`backoffice.domain.transitions.apply`), taken by a user whose role allows them; the board answers
panel decisions through `backoffice.domain.approval.record_approval`. The timeline, notifications and
deadlines are therefore exactly what the application itself records.

The data set is deterministic (fixed tables and `random.Random(2026)`), except the user passwords,
which are random and shown once. Every record passes the same validation rules the forms apply.
"""

from __future__ import annotations

import io
import random
import secrets
import zipfile
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple
from xml.sax.saxutils import escape

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select

from backoffice import clock
from backoffice.accounts import create_user, enrol_authenticator
from backoffice.domain import files, publication, transitions
from backoffice.domain.approval import ApprovalRefused, amend, record_approval
from backoffice.domain.calendar import add_months, is_working_day, sub_working_days
from backoffice.domain.lifecycle import Transition, decision_recorded, transitions_for
from backoffice.vocabulary import CONVERTED_LOCAL_REVIEW_STATE, CRITERIA, STATES, ReviewType
from backoffice.domain.family import event_errors, still_to_tell
from backoffice.domain.rules import case_errors, decision_errors
from backoffice.extensions import db
from backoffice.models import (
    AbuseCategory,
    Agency,
    AgencyRole,
    AgencyType,
    ApprovalOutcome,
    ApprovalStatus,
    Case,
    CaseAgency,
    ContactChannel,
    ContactOutcome,
    CriterionAssessment,
    CriterionValue,
    DecisionOutcome,
    DocumentStatus,
    DocumentType,
    EngagementStatus,
    EventType,
    FamilyEvent,
    FamilyInvolvement,
    FamilySide,
    Hold,
    HoldReason,
    LegalMandate,
    PanelDecision,
    PublicationDecision,
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
    """A record in the demo tables breaks a validation rule or a lifecycle rule (a bug in this module)."""


# --- Dates ----------------------------------------------------------------------------------------
class WD(NamedTuple):
    """`n` working days before the day the demo is loaded (for deadlines counted in working days)."""

    n: int


# A date in the tables: a whole number is that many calendar days before the day the demo is loaded;
# WD(n) is n working days before it. Nothing in the tables is dated after that day.
Ago = int | WD


def on_day(ago: Ago, today: date) -> date:
    """The date `ago` stands for, counted back from `today`."""
    if isinstance(ago, WD):
        return sub_working_days(today, ago.n)
    return today - timedelta(days=ago)


def working_day(day: date, today: date) -> date:
    """`day`, or the next working day if it is a weekend or bank holiday (the one before, rather than
    one after today): offices receive referrals, meet and send letters on working days."""
    after = day
    while not is_working_day(after):
        after += timedelta(days=1)
    if after <= today or day > today:
        return after
    before = day
    while not is_working_day(before):
        before -= timedelta(days=1)
    return before


def on_working_day(ago: Ago, today: date) -> date:
    """The working day `ago` stands for (see `working_day`)."""
    return working_day(on_day(ago, today), today)


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
class Journey(NamedTuple):
    """How a case reached its demo state: the lifecycle steps from its initial state to `state`.

    The steps are found through the lifecycle's transitions, passing through the `via` states in
    order. Each step is dated: `on` fixes the date of a step (by name; a tuple for a step taken more
    than once), `since` the date of the last step, and the others are spread evenly between them,
    never before the decision they depend on. A case whose rapid review is converted into a local
    CSPR (`commission_lcspr`) continues as a new, linked case, which follows `local`.
    """

    state: str
    via: tuple[str, ...] = ()
    on: Mapping[str, Ago | tuple[Ago, ...]] = {}
    since: Ago | None = None
    learning: str | None = None  # the learning retained, where a step records it
    notes: Mapping[str, str] = {}  # timeline notes by step name, instead of the usual ones
    panel_response: str = "agrees"  # the National Panel's response to a rapid review
    local: Journey | None = None


class CaseRow(NamedTuple):
    """One demo case. `agencies` is "key:role key ..." (role defaults to contributing);
    `external_reference` may contain "{year}", the year the partnership became aware."""

    review_type: ReviewType
    pseudonym: str
    legal_name: str
    age: tuple[int, int]  # years and days of age at the incident, from which the date of birth follows
    dates: tuple[Ago, Ago, Ago]  # incident, partnership aware, referral
    journey: Journey
    external_reference: str | None
    restricted: bool
    referrer: tuple[str, str, str]  # name, role, agency key
    concerns: str
    categories: tuple[str, ...]
    agencies: str


# The usual timeline note of each step (a case's journey may give its own).
STEP_NOTES: dict[str, str] = {
    "submit_sin": "Notified through the Child Safeguarding Online Notification system; Ofsted informed the same day.",
    "start_rapid_review": "Rapid review meeting arranged; agencies asked for chronologies within five working days.",
    "rapid_review_to_partners": "Rapid review report circulated to the three safeguarding partners for sign-off.",
    "send_rapid_review": "Signed off by the three safeguarding partners and sent to the National Panel.",
    "await_panel": "The National Panel acknowledged receipt.",
    "panel_responded": "The National Panel's letter is saved on the case file.",
    "commission_lcspr": "Lead reviewer to be appointed; terms of reference agreed at the panel meeting.",
    "draft_report": "Draft report received from the lead reviewer.",
    "family_preview": "Family invited to read the draft with their advocate or social worker.",
    "partner_signoff": "Final report sent to the three safeguarding partners for sign-off.",
    "pre_publication_notice": "Final report and publication date sent to the National Panel and the Secretary of "
                              "State.",
    "publish": "Published on the partnership website with the briefing for practitioners.",
    "monitor_actions": "Action plan agreed; progress reported to the partnership every quarter.",
    "acknowledge": "Referral acknowledged to the referrer by email.",
    "gather_information": "Initial chronologies requested from the agencies involved.",
    "ready_for_decision": "Returns received; listed for the next panel meeting.",
    "recommend": "The panel's recommendation sent to the independent chair.",
    "commission_mandatory": "Independent reviewer to be appointed; the referrer and the family told.",
    "commission_discretionary": "Independent reviewer to be appointed; the referrer and the family told.",
    "start_review": "Independent reviewer appointed; terms of reference agreed.",
    "to_board": "Final report sent to the board for approval.",
    "scope": "Scoping letters sent to the agencies that knew the victim or the perpetrator.",
    "decide": "Decision recorded by the Community Safety Partnership chair.",
    "notify_home_office": "Home Office DHR team told of the decision.",
    "establish_panel": "Independent chair appointed; terms of reference agreed by the review panel.",
    "request_imrs": "Individual management reviews requested from the agencies involved.",
    "imrs_received": "All individual management reviews received.",
    "draft_overview": "Draft overview report received from the independent chair.",
    "csp_signoff": "Overview report and action plan sent to the Community Safety Partnership for sign-off.",
    "submit_to_ho": "Overview report, executive summary and action plan submitted to the Home Office QA panel.",
    "ho_resubmit": "The QA panel asked for changes before the report can be published.",
    "ho_approved": "The QA panel approved the report for publication.",
    "plan_publication": "Family told the publication date by the independent chair.",
}


CASES: list[CaseRow] = [
    CaseRow(CSPR, "Child Q", "Ellis Brennan", (12, 191), (WD(4), WD(3), WD(2)),
            Journey("INCIDENT_REPORTED"), None, False,
            ("Dr Farah Siddiqui", "Consultant paediatrician", "acute"),
            "Admitted with a subdural haematoma after a reported fall from a bunk bed; the explanation was "
            "inconsistent with the injury. School had recorded unexplained bruising twice last term.",
            ("Physical abuse", "Neglect or acts of omission"),
            "csc:lead acute:referring police meadowbrook gp-oak"),
    CaseRow(CSPR, "Baby O", "Noah Kaczmarek", (0, 91), (WD(12), WD(12), WD(10)),
            Journey("SIN_SUBMITTED", on={"submit_sin": WD(9)}), "CINS-{year}-02417", True,
            ("DS Mark Ellison", "Detective sergeant, child abuse investigation team", "police"),
            "Three-month-old baby presented at the emergency department with rib fractures of differing ages. "
            "The parents had missed two health visitor contacts.",
            ("Physical abuse", "Neglect or acts of omission"),
            "csc:lead police:referring acute maternity community"),
    CaseRow(CSPR, "Young Person F", "Tiana Okoro", (16, 267), (WD(23), WD(22), WD(21)),
            Journey("RAPID_REVIEW_IN_PROGRESS", on={"submit_sin": WD(20), "start_rapid_review": WD(18)}),
            "CINS-{year}-02230", True,
            ("Karen Doyle", "Service manager, exploitation team", "csc"),
            "Found by police in another county with serious injuries after nine days missing from her "
            "placement; intelligence suggests she was being sexually and criminally exploited.",
            ("Sexual exploitation", "Criminal exploitation"),
            "csc:lead police meadowbrook community yjs"),
    CaseRow(CSPR, "Child T", "Jayden Cole", (9, 323), (WD(17), WD(16), WD(15)),
            Journey("RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF", on={"submit_sin": WD(13), "start_rapid_review": WD(12)},
                    since=WD(2)),
            "CINS-{year}-02105", False,
            ("Lucy Fenwick", "Designated safeguarding lead", "hollybank"),
            "Came to school hungry with an untreated dental abscess; a home visit found no heating and younger "
            "siblings unsupervised. The family had stepped down to early help four months earlier.",
            ("Neglect or acts of omission",),
            "csc:lead hollybank:referring gp-castle community housing-options:information_only"),
    CaseRow(CSPR, "Baby R", "Amara Lewis", (0, 48), (40, 40, 38),
            Journey("AWAITING_PANEL_RESPONSE", on={"submit_sin": 37, "start_rapid_review": 36,
                                                   "rapid_review_to_partners": 22, "send_rapid_review": 16},
                    since=15),
            "CINS-{year}-01876", False,
            ("Sarah Whitcombe", "Named midwife for safeguarding", "maternity"),
            "Seven-week-old baby died in an unsafe sleeping arrangement with a parent who had been drinking. "
            "The mother was known to the perinatal mental health team.",
            ("Neglect or acts of omission",),
            "csc:lead maternity:referring police mh community"),
    CaseRow(CSPR, "Child M", "Sofia Petrescu", (13, 249), (225, 224, 222),
            Journey("NOT_NOTIFIABLE_LOCAL_REFERRAL", since=218, notes={
                "not_notifiable_local": "No serious harm occurred, so the notification criteria are not met. The "
                "partners agreed a local learning review of how the school's concerns were shared."}),
            None, False,
            ("Gemma Rowley", "Team manager, children's social care", "csc"),
            "Disclosed repeated emotional abuse at home and online grooming attempts. No serious harm occurred, "
            "so the partners agreed a local review of how the school's concerns were shared.",
            ("Emotional or psychological abuse", "Online abuse"),
            "csc:lead meadowbrook police"),
    CaseRow(CSPR, "Young Person K", "Kyle Bramwell", (16, 226), (382, 381, 378),
            Journey("NO_FURTHER_REVIEW_LEARNING_RETAINED",
                    on={"submit_sin": 378, "send_rapid_review": 356, "panel_responded": 345}, since=340,
                    learning="Agencies held separate pieces of information about his criminal exploitation. The "
                    "county lines action plan now includes a weekly exploitation information-sharing meeting, and "
                    "schools are told when a pupil is discussed there."),
            "CINS-{year}-03391", False,
            ("Insp. Paul Adeyemi", "Inspector, public protection unit", "police"),
            "Seriously injured in a stabbing. He had been excluded from school and was known to the youth "
            "justice service; information about criminal exploitation was held by several agencies.",
            ("Criminal exploitation", "Physical abuse"),
            "csc:lead police:referring yjs meadowbrook acute"),
    CaseRow(CSPR, "Child H", "Harvey Dunn", (7, 230), (449, 448, 446),
            Journey("ALTERNATIVE_LEARNING_ACTIVITY",
                    on={"submit_sin": 445, "send_rapid_review": 425, "panel_responded": 414}, since=405,
                    learning="A multi-agency audit of children not brought to health appointments, and a "
                    "practitioner learning event on domestic abuse and neglect, replace a local review."),
            "CINS-{year}-02764", False,
            ("Joanne Keel", "Designated nurse for safeguarding", "icb"),
            "Scalded by a kettle while left alone. There was a pattern of missed health appointments and a "
            "history of domestic abuse between the parents.",
            ("Neglect or acts of omission", "Domestic abuse"),
            "csc:lead icb:referring gp-riv community da"),
    CaseRow(CSPR, "Child D", "Mason Tully", (12, 292), (249, 249, 246),
            Journey("LCSPR_COMMISSIONED", on={"submit_sin": 246, "send_rapid_review": 226, "panel_responded": 215},
                    since=212, local=Journey("LCSPR_IN_PROGRESS")),
            "CINS-{year}-00688", False,
            ("Tom Ashworth", "Head of safeguarding and quality assurance", "csc"),
            "Died after an asthma attack at home. Medical neglect appears long-standing and the child's voice "
            "was not heard; the family had moved between three local authorities in two years.",
            ("Neglect or acts of omission",),
            "csc:lead acute gp-castle meadowbrook ambulance:information_only"),
    CaseRow(CSPR, "Baby L", "Freya Holden", (0, 97), (592, 592, 589),
            Journey("LCSPR_COMMISSIONED", on={"submit_sin": 589, "send_rapid_review": 570, "panel_responded": 558},
                    since=548, local=Journey("FAMILY_PREVIEW", on={"draft_report": 75}, since=40)),
            "CINS-{year}-01027", False,
            ("Rachel Onyango", "Named nurse for safeguarding children", "community"),
            "Shaken by the mother's new partner and left with a serious brain injury. The pre-birth assessment "
            "had noted the partner's history of violence, but health visiting was not told.",
            ("Physical abuse", "Domestic abuse"),
            "csc:lead community:referring police acute probation"),
    CaseRow(CSPR, "Child W", "Isla Carver", (12, 331), (802, 801, 798),
            Journey("LCSPR_COMMISSIONED", on={"submit_sin": 798, "send_rapid_review": 779, "panel_responded": 768},
                    since=765, local=Journey("PUBLISHED", on={
                        "draft_report": 610, "family_preview": 590, "partner_signoff": 545,
                        "pre_publication_notice": 522, "publish": 498})),
            "CINS-{year}-02611", False,
            ("Mandeep Gill", "Designated safeguarding lead", "meadowbrook"),
            "Died by suspected suicide aged 12 after a period of bullying, self-harm and a long wait for child "
            "and adolescent mental health services.",
            ("Emotional or psychological abuse", "Online abuse"),
            "csc:lead meadowbrook:referring mh gp-oak police"),
    CaseRow(CSPR, "Young Person S", "Shannon Reilly", (16, 70), (1019, 1017, 1015),
            Journey("LCSPR_COMMISSIONED", on={"submit_sin": 1015, "send_rapid_review": 993, "panel_responded": 983},
                    since=980, local=Journey("ACTION_PLAN_MONITORING", on={
                        "draft_report": 830, "family_preview": 800, "partner_signoff": 760,
                        "pre_publication_notice": 738, "publish": 715}, since=690)),
            "CINS-{year}-00371", False,
            ("Adele Morton", "Social worker, children in care team", "csc"),
            "A looked-after 16-year-old in unregulated supported accommodation was seriously assaulted after "
            "reporting threats from an older adult known to police.",
            ("Physical abuse", "Sexual exploitation"),
            "csc:lead police greenmoor acute"),
    CaseRow(SAR, "Adult B", "Patricia Coombes", (85, 198), (19, 15, WD(7)),
            Journey("REFERRAL_RECEIVED"), None, False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Admitted from a care home with grade 4 pressure ulcers and dehydration; she died eight days later. "
            "The home had recently been rated inadequate.",
            ("Neglect or acts of omission", "Organisational abuse"),
            "asc:lead acute:referring carehome icb"),
    CaseRow(SAR, "SAR Ruth", "Margaret Doyle-Hughes", (68, 44), (32, 29, 22),
            Journey("ACKNOWLEDGED", since=20), None, False,
            ("Claire Benbow", "Principal social worker for adults", "asc"),
            "Died in a house fire. She lived alone with severe hoarding, smoked heavily and had declined "
            "support several times; the fire service had referred her a year earlier.",
            ("Self-neglect",),
            "asc:lead fire gp-castle mh"),
    CaseRow(SAR, "Adult J", "Jordan Pike", (30, 217), (82, 79, 72),
            Journey("INFORMATION_GATHERING", on={"acknowledge": 69}, since=60), None, False,
            ("Sgt Dave Morrow", "Sergeant, vulnerability hub", "police"),
            "A man with a learning disability was 'cuckooed' for months: his flat was used to supply drugs and "
            "his benefits were taken. He needed hospital treatment for his injuries.",
            ("Financial or material abuse", "Modern slavery", "Physical abuse"),
            "asc:lead police:referring greenmoor gp-riv"),
    CaseRow(SAR, "SAR Dennis", "Anthony Birch", (60, 344), (213, 210, 203),
            Journey("DECISION_PENDING", on={"acknowledge": 199}, since=175), None, False,
            ("Marcus Bell", "Outreach team leader", "opendoor"),
            "A rough sleeper with alcohol dependence died of hypothermia after being discharged from the "
            "emergency department late at night with no accommodation arranged.",
            ("Self-neglect", "Neglect or acts of omission"),
            "asc:lead opendoor:referring acute newhorizons housing-options"),
    CaseRow(SAR, "Adult C", "Gordon Whitfield", (75, 273), (359, 357, 350),
            Journey("NOT_MET_NO_FURTHER_ACTION", on={"acknowledge": 347}, since=300,
                    learning="Spotting financial abuse by people outside the family goes into the board's "
                    "newsletter and the GP practices' safeguarding training."),
            None, False,
            ("Shona Patel", "Practice nurse", "gp-oak"),
            "A neighbour took over his banking and about £18,000 was lost. He is alive and supported through a "
            "section 42 enquiry.",
            ("Financial or material abuse",),
            "asc:lead gp-oak:referring police"),
    CaseRow(SAR, "SAR Maureen", "Eileen Cartwright", (87, 43), (463, 462, 454),
            Journey("NOT_MET_ALTERNATIVE_LEARNING", on={"acknowledge": 452}, since=420,
                    learning="A hospital discharge audit and a practitioner learning event on discharging people "
                    "whose carer is also frail."),
            None, False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Fell and fractured her hip after being discharged home without the agreed care package; she has "
            "dementia and lives with her husband, who is also frail.",
            ("Neglect or acts of omission",),
            "asc:lead acute:referring community carers"),
    CaseRow(SAR, "Adult N", "Sophie Kendrick", (35, 328), (416, 415, 408),
            Journey("REFERRED_TO_OTHER_PROCESS", on={"acknowledge": 406, "ready_for_decision": 396}, since=380,
                    notes={"refer_elsewhere": "Referred to the Community Safety Partnership for a joint DHR/SAR "
                           "(see DHR Hannah); the board is represented on the review panel."}),
            None, False,
            ("Nadia Rahman", "Senior IDVA", "idva"),
            "A woman with care and support needs from an acquired brain injury died after an assault by her "
            "partner, who was also her main carer. SAR and DHR criteria both appear to be met.",
            ("Domestic abuse", "Coercive control", "Physical abuse"),
            "asc:lead idva:referring police mh"),
    CaseRow(SAR, "SAR Colin", "Raymond Pryce", (53, 105), (544, 541, 534),
            Journey("IN_PROGRESS", via=("SAR_MANDATORY_COMMISSIONED",),
                    on={"acknowledge": 531, "ready_for_decision": 505}, since=470),
            "STEIS-{year}-11873", False,
            ("Dr Helen Oduya", "Associate director of safeguarding", "mh"),
            "Died of an overdose two weeks after discharge from a mental health ward. He had a learning "
            "disability and autism, and his care coordinator left without a handover.",
            ("Neglect or acts of omission", "Self-neglect"),
            "asc:lead mh:referring gp-castle newhorizons ambulance"),
    CaseRow(SAR, "Adult P", "Leanne Walsh", (41, 170), (652, 649, 642),
            Journey("SAB_APPROVAL", via=("SAR_DISCRETIONARY_COMMISSIONED",),
                    on={"acknowledge": 640, "ready_for_decision": 625, "start_review": 600, "draft_report": 300,
                        "family_preview": 200}, since=90),
            None, False,
            ("Claire Benbow", "Principal social worker for adults", "asc"),
            "A woman with alcohol dependence and a history of trauma was repeatedly judged to have capacity to "
            "refuse support; she survived a serious self-neglect episode with lasting injuries.",
            ("Self-neglect", "Domestic abuse"),
            "asc:lead newhorizons gp-riv acute"),
    CaseRow(SAR, "SAR Graham", "Kenneth Albright", (69, 177), (905, 903, 896),
            Journey("PUBLISHED", via=("SAR_MANDATORY_COMMISSIONED",),
                    on={"acknowledge": 894, "ready_for_decision": 875, "start_review": 850, "draft_report": 640,
                        "family_preview": 600, "to_board": 520, "publish": 454}),
            "STEIS-{year}-08215", False,
            ("Jenny Lomax", "Head of safeguarding", "acute"),
            "Died of sepsis from untreated pressure ulcers while his son was his sole carer. District nurses "
            "and paid carers raised concerns that were not escalated.",
            ("Neglect or acts of omission",),
            "asc:lead acute:referring community gp-oak carers"),
    CaseRow(DHR, "DHR Kelly", "Stacey Mullins", (35, 228), (24, 22, 21),
            Journey("NOTIFIED_BY_POLICE"), None, False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed at her home; her former partner has been charged with murder. Police held three earlier "
            "domestic abuse reports, one of which was heard at MARAC.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring idva gp-riv"),
    CaseRow(DHR, "DHR Daniel", "Lewis Carrow", (47, 67), (74, 72, 71),
            Journey("SCOPING", since=66), None, False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Died by suicide after years of reported controlling behaviour by his wife; he had disclosed abuse "
            "to his GP and to a helpline.",
            ("Domestic abuse", "Coercive control"),
            "csp:lead police:referring gp-oak mh"),
    CaseRow(DHR, "DHR Margaret", "Doreen Ashby", (80, 234), (36, 35, 34),
            Journey("DECISION_PENDING", on={"scope": 33}, since=14), None, False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Killed by her adult son, who lived with her and had a long history of psychosis and alcohol misuse. "
            "She had told her GP she was frightened of him.",
            ("Domestic abuse", "Physical abuse"),
            "csp:lead police:referring mh asc gp-castle"),
    CaseRow(DHR, "DHR Grace", "Chloe Banner", (17, 230), (87, 85, 84),
            Journey("DECISION_MADE", on={"scope": 83}, since=34), None, True,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "A 17-year-old was killed by her 19-year-old partner. She had been referred to the domestic abuse "
            "service by her college and had been a child in need.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring csc da"),
    CaseRow(DHR, "DHR Hannah", "Sophie Kendrick", (35, 328), (416, 415, 413),
            Journey("IMRS_RECEIVED", on={"scope": 413, "notify_home_office": 366, "establish_panel": 350,
                                         "request_imrs": 330}, since=200),
            "HO-DHR-{year}-058", False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Joint DHR/SAR with the Safeguarding Adults Board. Died after an assault by her partner and main "
            "carer; she had an acquired brain injury and care and support needs.",
            ("Domestic abuse", "Coercive control", "Physical abuse"),
            "csp:lead police:referring asc idva mh"),
    CaseRow(DHR, "DHR Paul", "Martin Greaves", (56, 134), (753, 751, 750),
            Journey("SUBMITTED_TO_HO_QA", via=("SUBMITTED_TO_HO_QA", "HO_QA_RESUBMIT_REQUIRED"),
                    on={"scope": 749, "notify_home_office": 700, "establish_panel": 690, "request_imrs": 670,
                        "imrs_received": 420, "draft_overview": 330, "csp_signoff": 240,
                        "submit_to_ho": (200, 45), "ho_resubmit": 120},
                    notes={"ho_resubmit": "The QA panel asked for more analysis of the police response to the "
                           "earlier call-outs and of the substance misuse service's risk assessments."}),
            "HO-DHR-{year}-087", False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed by his brother during an argument at the family home. Both brothers were known to substance "
            "misuse services and police had been called to the home before.",
            ("Domestic abuse", "Physical abuse"),
            "csp:lead police:referring newhorizons probation gp-castle"),
    CaseRow(DHR, "DHR Amira", "Yasmin Haddad", (39, 36), (991, 989, 988),
            Journey("PUBLISHED", on={"scope": 987, "decide": 945, "notify_home_office": 943, "imrs_received": 800,
                                     "csp_signoff": 560, "submit_to_ho": 520, "ho_approved": 300,
                                     "plan_publication": 190, "publish": 148}),
            "HO-DHR-{year}-019", False,
            ("DI Rebecca Stone", "Detective inspector, major crime", "police"),
            "Killed by her husband after telling her GP and health visitor that he controlled her money and "
            "movements; language barriers meant she was rarely seen alone.",
            ("Domestic abuse", "Coercive control", "Financial or material abuse"),
            "csp:lead police:referring gp-riv community da"),
    CaseRow(DHR, "DHR Bethany", "Jade Whitmore", (25, 102), (1040, 1038, 1037),
            Journey("ACTION_PLAN_MONITORING", on={"scope": 1036, "decide": 995, "notify_home_office": 993,
                                                  "csp_signoff": 700, "submit_to_ho": 650, "ho_approved": 480,
                                                  "plan_publication": 440, "publish": 407}, since=380),
            "HO-DHR-{year}-006", False,
            ("DCI Helen Marsh", "Head of public protection", "police"),
            "Killed by her former partner while he was under probation supervision for offences against a "
            "previous partner; the MARAC risk level was lowered after she moved address.",
            ("Domestic abuse", "Physical abuse", "Coercive control"),
            "csp:lead police:referring probation idva greenmoor"),
]

# --- Panel decisions ------------------------------------------------------------------------------
COMMISSIONED = DecisionOutcome.REVIEW_COMMISSIONED
NOT_MET = DecisionOutcome.CRITERIA_NOT_MET_LEARNING_RETAINED
ALTERNATIVE = DecisionOutcome.ALTERNATIVE_LEARNING
REFERRED = DecisionOutcome.REFERRED_TO_OTHER_PROCESS
MANDATORY, DISCRETIONARY = LegalMandate.SAR_MANDATORY, LegalMandate.SAR_DISCRETIONARY
APPROVE, REJECT, ASK = ApprovalOutcome.APPROVE, ApprovalOutcome.REJECT, ApprovalOutcome.REQUEST_INFO
MET, NOT, UNKNOWN = CriterionValue.MET, CriterionValue.NOT_MET, CriterionValue.UNKNOWN


class Answer(NamedTuple):
    """A board member's answer, `after` days after the meeting (comment None: the usual one)."""

    approver: str  # user key, never the panel user who records the decision
    outcome: ApprovalOutcome
    comment: str | None = None
    after: int = 5


class DecisionRow(NamedTuple):
    """A panel decision on the case that went through the panel (a rapid review, not its local CSPR).

    `criteria` assesses each criterion of the review type, in the order of `CRITERIA`. `rounds`
    holds the board's answers, round by round: the panel amends the decision between rounds. No
    rounds: the decision is still waiting for the board.
    """

    pseudonym: str
    meeting: Ago
    outcome: DecisionOutcome
    legal_mandate: LegalMandate | None
    rationale: str
    conflicts: str | None
    delay: str | None
    criteria: tuple[tuple[CriterionValue, str], ...]
    rounds: tuple[tuple[Answer, ...], ...]


DECISIONS: list[DecisionRow] = [
    DecisionRow("Young Person K", 357, NOT_MET, None,
                "The learning on sharing information about criminal exploitation is already being addressed by the "
                "county lines action plan; the National Panel agreed a local review would add little. Learning is "
                "retained through the rapid review action plan.", None, None,
                ((MET, "Criminal exploitation by adults was suspected by several agencies."),
                 (MET, "Serious injuries from a stabbing.")),
                ((Answer("board", APPROVE, after=6),),)),
    DecisionRow("Child H", 427, ALTERNATIVE, None,
                "Criteria for a local review are not met, but the pattern of children not being brought to health "
                "appointments needs wider learning: a multi-agency audit and a practitioner learning event instead.",
                None, None,
                ((MET, "Left alone; a pattern of missed health appointments."),
                 (MET, "Serious scald injuries needing hospital treatment.")),
                ((Answer("board2", APPROVE, after=5),),)),
    DecisionRow("Child D", 224, COMMISSIONED, None,
                "The child died and neglect is suspected. Serious concerns about how agencies in three local "
                "authorities shared information on his health needs; the National Panel agreed a local review is "
                "appropriate.",
                "The designated nurse had supervised the school nurse involved; she gave information but did not "
                "take part in the decision.", None,
                ((MET, "Long-standing medical neglect suspected."), (MET, "The child died.")),
                ((Answer("board", APPROVE, after=4),),)),
    DecisionRow("Baby L", 567, COMMISSIONED, None,
                "Serious harm from suspected abuse, and information about the partner's history of violence was not "
                "passed to health visiting. Significant learning for the partnership: criteria for a local review "
                "met.", None, "Paused on police advice until the partner's criminal trial ended.",
                ((MET, "Non-accidental head injury; the partner has since been convicted."),
                 (MET, "Serious brain injury with lasting effects.")),
                ((Answer("board", APPROVE, after=7),),)),
    DecisionRow("Child W", 777, COMMISSIONED, None,
                "The child died by suspected suicide after missed opportunities to act on bullying and self-harm; "
                "delays in access to mental health services raise issues of wider importance.", None, None,
                ((MET, "Emotional abuse and online bullying by peers suspected."), (MET, "The child died.")),
                ((Answer("board", APPROVE, after=5),),)),
    DecisionRow("Young Person S", 994, COMMISSIONED, None,
                "A looked-after child was seriously harmed in unregulated accommodation. The review will examine "
                "placement sufficiency and how risks from adults known to police were shared.",
                "The head of service for children in care manages the allocated social worker and left for this "
                "item.", None,
                ((MET, "Assaulted by an adult known to police; sexual exploitation suspected."),
                 (MET, "Serious injuries needing surgery.")),
                ((Answer("board2", APPROVE, after=5),),)),
    DecisionRow("Baby R", 20, COMMISSIONED, None,
                "The baby died. The mother's perinatal mental health needs and the father's drinking were known to "
                "different agencies that did not share them. The rapid review recommends a local review; the "
                "partners await the National Panel's view.", None, None,
                ((MET, "Unsafe sleep with a parent who had been drinking: neglect suspected."),
                 (MET, "The baby died.")),
                ()),
    DecisionRow("Child T", 4, ALTERNATIVE, None,
                "The rapid review found the learning is about step-down from children's social care to early help. "
                "A multi-agency audit of step-down decisions is proposed instead of a local review.", None, None,
                ((MET, "No heating, an untreated abscess and younger siblings left unsupervised."),
                 (UNKNOWN, "The paediatric assessment of the harm is not yet complete.")),
                ()),
    DecisionRow("SAR Dennis", 161, NOT_MET, None,
                "Dennis died, but the hospital's own incident review is a proportionate response and the panel "
                "found no wider concern about how agencies worked together.", None,
                "The hospital's chronology arrived late, so the case was deferred from the previous month's meeting.",
                ((MET, "Alcohol dependence and rough sleeping: needs for care and support."),
                 (UNKNOWN, "The hospital's chronology was incomplete when the panel met."),
                 (MET, "He died; self-neglect and neglect are suspected."),
                 (NOT, "He died, so condition 2 does not apply.")),
                ((Answer("board2", REJECT,
                         "The rationale does not address the night-time discharge without accommodation, which "
                         "involved the hospital, housing options and outreach. Please reconsider against s44(1)(a).",
                         after=8),),)),
    DecisionRow("SAR Dennis", 14, COMMISSIONED, MANDATORY,
                "On reconsideration: Dennis died, neglect and self-neglect are suspected, and there is reasonable "
                "cause for concern about how the hospital, housing options and outreach worked together. "
                "s44(1)-(3) met.", None, None,
                ((MET, "Alcohol dependence and rough sleeping: needs for care and support."),
                 (MET, "Discharged at night with no accommodation; the hospital, housing options and outreach did "
                       "not share the plan."),
                 (MET, "He died; self-neglect and neglect are suspected."),
                 (NOT, "He died, so condition 2 does not apply.")),
                ()),
    DecisionRow("Adult C", 315, NOT_MET, None,
                "Serious financial abuse occurred, but agencies acted promptly once it was known and the section 42 "
                "enquiry is proportionate. No concern about joint working; learning on spotting financial abuse "
                "goes into the board newsletter.", None, None,
                ((MET, "Frailty and early dementia: needs for care and support."),
                 (NOT, "Agencies acted promptly and together once the abuse was known."),
                 (NOT, "He is alive."),
                 (MET, "Serious financial abuse: about £18,000 lost.")),
                ((Answer("board", APPROVE, after=5),),)),
    DecisionRow("SAR Maureen", 434, ALTERNATIVE, None,
                "SAR criteria are not met: Maureen is alive and the harm arose from a single discharge failure. A "
                "hospital discharge audit and a practitioner learning event will capture the learning.",
                None, None,
                ((MET, "Dementia: needs for care and support."),
                 (NOT, "A single discharge failure; no wider concern about joint working."),
                 (NOT, "She is alive."),
                 (UNKNOWN, "Whether the fall amounts to serious neglect is disputed by the agencies.")),
                ((Answer("board", APPROVE, after=6),),)),
    DecisionRow("Adult N", 392, REFERRED, None,
                "SAR and DHR criteria both appear to be met. To avoid duplication the case goes to the Community "
                "Safety Partnership for a joint DHR/SAR, with the board represented on the review panel.",
                None, None,
                ((MET, "Acquired brain injury: needs for care and support."),
                 (MET, "Her partner was also her carer; agencies did not share their concerns."),
                 (MET, "She died after an assault by her partner."),
                 (NOT, "She died, so condition 2 does not apply.")),
                ((Answer("board2", APPROVE, after=4),),)),
    DecisionRow("SAR Colin", 497, COMMISSIONED, MANDATORY,
                "Colin died and neglect is suspected; there is reasonable cause for concern about how the mental "
                "health trust, GP and substance misuse service worked together after discharge. Mandatory review.",
                "The substance misuse service's representative had been Colin's keyworker; she gave information "
                "but took no part in the decision.",
                "The coroner asked to see the findings before the resumed inquest, so the timetable follows the "
                "inquest.",
                ((MET, "Learning disability and autism: needs for care and support."),
                 (MET, "No handover when his care coordinator left; the GP and substance misuse service were not "
                       "told of the discharge."),
                 (MET, "He died; neglect is suspected."),
                 (NOT, "He died, so condition 2 does not apply.")),
                ((Answer("board", APPROVE, after=5),),)),
    DecisionRow("Adult P", 616, COMMISSIONED, DISCRETIONARY,
                "Mandatory criteria are not fully met because agencies coordinated well in the final months, but the "
                "board wants to learn how capacity is assessed in repeated self-neglect. Discretionary review under "
                "s44(4).", None, None,
                ((MET, "Alcohol dependence and trauma: needs for care and support."),
                 (NOT, "Agencies coordinated well in the final months."),
                 (NOT, "She survived."),
                 (MET, "Serious self-neglect with lasting injuries.")),
                ((Answer("board", APPROVE, after=7),),)),
    DecisionRow("SAR Graham", 868, COMMISSIONED, MANDATORY,
                "Graham died of sepsis from untreated pressure ulcers. Concerns raised by district nurses and carers "
                "were not escalated, giving reasonable cause for concern about joint working. Mandatory review.",
                None, None,
                ((MET, "Frailty and immobility: needs for care and support."),
                 (MET, "District nurses' and carers' concerns were not escalated or shared."),
                 (MET, "He died; neglect by his carer is suspected."),
                 (NOT, "He died, so condition 2 does not apply.")),
                ((Answer("board", APPROVE, after=6),),)),
    DecisionRow("DHR Margaret", 10, COMMISSIONED, None,
                "Margaret, over 16, was killed by her adult son, a member of her household, so the relationship test "
                "is met. Her contacts with mental health services and her GP need review.", None, None,
                ((MET, "She was 80."), (MET, "Killed by her adult son, who lived with her."),
                 (MET, "A violent assault; she had told her GP she was frightened of him.")),
                ((Answer("board", ASK,
                         "What did the mental health trust know about the son's threats before the homicide? Please "
                         "add its scoping return before the board decides.", after=2),),)),
    DecisionRow("DHR Grace", 49, COMMISSIONED, None,
                "Grace, aged 17, was killed by her partner; the statutory criteria are met. Children's services, her "
                "college and the domestic abuse service were involved; the children's partnership joins the panel.",
                "The domestic abuse service's manager declared that her service had supported Grace and did not "
                "vote.", None,
                ((MET, "She was 17."), (MET, "Killed by her partner."),
                 (MET, "A violent assault after months of controlling behaviour.")),
                ((Answer("board2", ASK, "Has the children's safeguarding partnership agreed to join the review panel?",
                         after=2),),
                 (Answer("board", APPROVE, after=7),))),
    DecisionRow("DHR Hannah", 378, COMMISSIONED, None,
                "Joint DHR/SAR: Hannah died after an assault by her partner and carer. DHR and SAR criteria are met; "
                "the Safeguarding Adults Board agreed the Community Safety Partnership should lead.", None, None,
                ((MET, "She was 35."), (MET, "Killed by her partner, who was also her carer."),
                 (MET, "An assault after a history of coercive control.")),
                ((Answer("board2", APPROVE, after=4),),)),
    DecisionRow("DHR Paul", 714, COMMISSIONED, None,
                "Paul was killed by his brother at the family home, so the relationship test is met. Both were known "
                "to substance misuse services and police had attended the home several times.", None,
                "Paused for seven months while the criminal trial took place.",
                ((MET, "He was 56."), (MET, "Killed by his brother at the family home."),
                 (MET, "Repeated violence at the home, known to police.")),
                ((Answer("board", APPROVE, after=5),),)),
    DecisionRow("DHR Amira", 959, COMMISSIONED, None,
                "Amira was killed by her husband after disclosing controlling behaviour to health professionals. The "
                "statutory criteria are met.", None, None,
                ((MET, "She was 39."), (MET, "Killed by her husband."),
                 (MET, "Coercive and controlling behaviour, then a fatal assault.")),
                ((Answer("board", APPROVE, after=6),),)),
    DecisionRow("DHR Bethany", 1008, COMMISSIONED, None,
                "Bethany was killed by her former partner while he was under probation supervision for offences "
                "against a previous partner. Criteria met; the review will examine MARAC risk assessment after her "
                "move.", None, None,
                ((MET, "She was 25."), (MET, "Killed by her former partner."),
                 (MET, "Stalking and violence after the relationship ended.")),
                ((Answer("board", APPROVE, after=5),),)),
]

APPROVAL_COMMENTS = {
    CSPR: "Approved for the three safeguarding partners at the partnership executive.",
    SAR: "Approved by the Safeguarding Adults Board independent chair.",
    DHR: "Approved for the Community Safety Partnership; Home Office to be informed of the decision.",
}

# --- Family involvement ---------------------------------------------------------------------------
# case pseudonym (the review it contributes to), relationship, name, invited (days ago), advocacy
# provider ("" offered, no provider named; None not offered), engagement, do not contact, notes.
# Contact details are made up from the name, except for people not yet invited or not to be contacted.
FAMILY: list[tuple[str, str, str, Ago | None, str | None, EngagementStatus, bool, str | None]] = [
    ("Child W", "Mother", "Joanne Carver", 751, None, EngagementStatus.ENGAGED, False,
     "Met the lead reviewer twice and wrote a pen portrait of Child W for the report."),
    ("Child W", "Father", "Michael Carver", 751, None, EngagementStatus.ENGAGED, False,
     "Asked that the report describe the wait for mental health services."),
    ("Young Person S", "Mother", "Donna Reilly", 967, None, EngagementStatus.NOT_CONTACTABLE, False,
     "Letters returned; police and housing checks found no current address."),
    ("Young Person S", "Maternal grandmother", "Linda Reilly", 967, None, EngagementStatus.ENGAGED, False,
     "Saw the draft report before publication with S's agreement."),
    ("Baby L", "Mother", "Kirsty Holden", 541, "", EngagementStatus.ENGAGED, False,
     "Read the draft at a family preview meeting with her social worker present."),
    ("Baby L", "Mother's former partner", "Dean Sowerby", None, None, EngagementStatus.NOT_YET_INVITED, True,
     "Convicted of causing the injuries. No direct contact: the panel will write through his probation officer."),
    ("Child D", "Mother", "Kerry Tully", 198, None, EngagementStatus.ENGAGED, False,
     "Wants the review to look at the moves between local authorities."),
    ("Child D", "Father", "Craig Tully", 198, None, EngagementStatus.INVITED, False,
     "A second letter was sent a month later; no reply yet."),
    ("SAR Colin", "Sister", "Denise Hall", 478, None, EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Colin and is part of the case group."),
    ("SAR Colin", "Mother", "Irene Pryce", 478, None, EngagementStatus.DECLINED, False,
     "Did not feel able to take part; would like a copy of the final report."),
    ("SAR Graham", "Daughter", "Karen Albright", 846, None, EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Graham and contributed to the pen portrait."),
    ("SAR Graham", "Son", "Stuart Albright", 846, None, EngagementStatus.WITHDRAWN, True,
     "Was his father's sole carer. Withdrew on legal advice during the police investigation; contact only "
     "through his solicitor."),
    ("Adult P", "Self (the adult)", "Leanne Walsh", 597, "Wrekinshire Independent Advocacy",
     EngagementStatus.ENGAGED, False,
     "A Care Act advocate supported her to meet the reviewer and comment on the draft."),
    ("DHR Grace", "Mother", "Nicola Banner", 38, "AAFDA", EngagementStatus.INVITED, False,
     "The police family liaison officer delivered the first letter and the Home Office leaflet."),
    ("DHR Grace", "Father", "Gary Banner", None, None, EngagementStatus.NOT_YET_INVITED, False,
     "Lives overseas; contact details are being confirmed through the family liaison officer."),
    ("DHR Hannah", "Mother", "Angela Kendrick", 366, "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Hannah; her AAFDA advocate attends every meeting with her."),
    ("DHR Hannah", "Brother", "Ryan Kendrick", 366, "AAFDA", EngagementStatus.INVITED, False,
     "Has asked to be contacted by email only."),
    ("DHR Paul", "Mother", "Sheila Greaves", 688, "AAFDA", EngagementStatus.ENGAGED, False,
     "Mother of both the victim and the perpetrator; supported throughout by an AAFDA advocate."),
    ("DHR Amira", "Sister", "Leila Mansour", 932, "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Amira. An Arabic interpreter joined family meetings; told the publication date six "
     "weeks before publication."),
    ("DHR Amira", "Friend", "Ruth Simmonds", 896, None, EngagementStatus.ENGAGED, False,
     "Often went with Amira to GP appointments; met the chair."),
    ("DHR Amira", "Partner's mother", "Samira Haddad", 932, None, EngagementStatus.DECLINED, False,
     "Declined to take part; the chair wrote again before publication."),
    ("DHR Bethany", "Mother", "Carol Whitmore", 989, "AAFDA", EngagementStatus.ENGAGED, False,
     "Chose the pseudonym Bethany and gave a family tribute for the report."),
    ("DHR Bethany", "Father", "Steven Whitmore", 989, "AAFDA", EngagementStatus.ENGAGED, False, None),
]

# --- Documents ------------------------------------------------------------------------------------
# case pseudonym (the review that produced it), document type, file format, status. A document to be
# published is approved by the board first and goes out when its review is published.
DOCUMENTS: list[tuple[str, DocumentType, str, DocumentStatus]] = [
    ("Child W", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED),
    ("Child W", DocumentType.SEVEN_MINUTE_BRIEFING, "pdf", DocumentStatus.PUBLISHED),
    ("Young Person S", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED),
    ("Young Person S", DocumentType.LEARNING_BRIEF, "docx", DocumentStatus.PUBLISHED),
    ("Baby L", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.DRAFT),
    ("SAR Graham", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED),
    ("SAR Graham", DocumentType.EXECUTIVE_SUMMARY, "pdf", DocumentStatus.PUBLISHED),
    ("Adult P", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.DRAFT),
    ("DHR Paul", DocumentType.OVERVIEW_REPORT, "docx", DocumentStatus.APPROVED),
    ("DHR Amira", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED),
    ("DHR Amira", DocumentType.EXECUTIVE_SUMMARY, "pdf", DocumentStatus.PUBLISHED),
    ("DHR Bethany", DocumentType.OVERVIEW_REPORT, "pdf", DocumentStatus.PUBLISHED),
    ("DHR Bethany", DocumentType.AGENCY_RESPONSE, "pdf", DocumentStatus.PUBLISHED),
]

# The partnership keeps reports online for three years; Young Person S keeps the twelve-month minimum,
# so its year is over and the public page no longer lists it.
ONLINE_MONTHS, MINIMUM_ONLINE = 36, ("Young Person S",)
# Anonymised titles of the reviews the demo publishes.
TITLES = {
    "Child W": "CSPR Child W: mental health and the transition to adult services",
    "Young Person S": "CSPR Young Person S: exploitation and missing episodes",
    "SAR Graham": "SAR Graham: self-neglect and hoarding",
    "DHR Amira": "DHR Amira",
    "DHR Bethany": "DHR Bethany",
}

# --- Holds ----------------------------------------------------------------------------------------
# case pseudonym (the review it pauses), reason, detail, start (days ago), end (days ago; None: ongoing).
HOLDS: list[tuple[str, HoldReason, str, Ago, Ago | None]] = [
    ("Baby L", HoldReason.CRIMINAL_PROCEEDINGS,
     "Police asked the review not to interview practitioners until the partner's criminal trial ended.", 540, 250),
    ("SAR Colin", HoldReason.INQUEST,
     "The coroner asked to see the findings before the resumed inquest.", 380, None),
    ("DHR Hannah", HoldReason.CRIMINAL_PROCEEDINGS,
     "Her partner is charged with murder; the police and the CPS asked the panel not to interview witnesses "
     "before the trial.", 360, None),
    ("DHR Paul", HoldReason.CRIMINAL_PROCEEDINGS,
     "Paused while his brother's criminal trial took place.", 662, 450),
]


# --- Loading --------------------------------------------------------------------------------------
class Context(NamedTuple):
    """What every loading step needs: the users by key, today, now and the seeded random source."""

    users: dict[str, User]
    agencies: dict[str, Agency]
    today: date
    now: datetime
    rng: random.Random


def load_demo() -> dict[str, tuple[str, str, str]]:
    """Load the demo data set into an empty database in one transaction.

    Returns {email: (role name, password, authenticator key)} for the demo users. Raises DemoAlreadyLoaded if any case or
    user exists; on any other error nothing is kept, stored files included.
    """
    session = db.session
    if session.scalar(select(Case.id).limit(1)) is not None or session.scalar(select(User.id).limit(1)) is not None:
        raise DemoAlreadyLoaded(
            "The database already has cases or users; demo data is loaded only into an empty database."
        )
    _check_tables()
    try:
        users, passwords = _users()
        session.flush()
        with _acting_as(users["admin"]):
            agencies = _agencies()
        ctx = Context(users, agencies, clock.today(), clock.now(), random.Random(SEED))
        with _acting_as(users["business_support"]):
            cases = _cases(ctx, _categories())
        decisions = _decisions(ctx, cases)
        _board_answers(ctx, decisions)
        for row in CASES:
            _lifecycle(ctx, row, cases[row.pseudonym])
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop("actor_id", None)
    return passwords


def _check_tables() -> None:
    """Every decision, family member, document and hold names a demo case."""
    pseudonyms = {row.pseudonym for row in CASES}
    named = [row.pseudonym for row in DECISIONS] + [row[0] for table in (FAMILY, DOCUMENTS, HOLDS) for row in table]
    unknown = sorted(set(named) - pseudonyms)
    if unknown or len(pseudonyms) != len(CASES):
        raise InvalidDemoData(f"Demo tables name unknown or duplicate cases: {', '.join(unknown) or 'duplicates'}.")


@contextmanager
def _acting_as(user: User) -> Iterator[None]:
    """Stamp the records added or changed in the block as by `user` (as a signed-in user's would be)."""
    db.session.info["actor_id"] = user.id
    yield
    db.session.flush()


def _users() -> tuple[dict[str, User], dict[str, tuple[str, str, str]]]:
    """One demo user per role, and a second board member; each with a random password and an
    authenticator key."""
    users: dict[str, User] = {}
    passwords: dict[str, tuple[str, str, str]] = {}
    for key, email, role, full_name in USERS:
        password = secrets.token_urlsafe(12)
        streams = [] if role == RoleName.ADMIN else list(Stream)
        users[key] = create_user(email, password, [role], streams, full_name)
        passwords[email] = (role.value, password, enrol_authenticator(users[key]))
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


def _cases(ctx: Context, categories: dict[str, AbuseCategory]) -> dict[str, Case]:
    """The demo cases by pseudonym, each in its initial state, inserted in referral order so that
    references follow it."""
    cases: dict[str, Case] = {}
    for row in sorted(CASES, key=lambda r: (_case_dates(r, ctx.today)[2], r.pseudonym)):
        incident, aware, referral = _case_dates(row, ctx.today)
        years, days = row.age
        dob = incident - relativedelta(years=years) - timedelta(days=days)
        if row.journey.state not in STATES[row.review_type]:
            raise InvalidDemoData(f"Demo case {row.pseudonym}: unknown state {row.journey.state}.")
        errors = case_errors(
            review_type=row.review_type,
            incident_date=incident,
            aware_date=aware,
            referral_date=referral,
            subject_dob=dob,
            today=ctx.today,
        )
        if errors:
            raise InvalidDemoData(f"Demo case {row.pseudonym} is invalid: {errors}")
        referrer_name, referrer_role, referrer_agency = row.referrer
        case = Case(
            review_type=row.review_type,
            external_reference=row.external_reference.format(year=aware.year) if row.external_reference else None,
            subject_pseudonym=row.pseudonym,
            subject_legal_name=row.legal_name,
            subject_dob=dob,
            incident_date=incident,
            aware_date=aware,
            referral_date=referral,
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_agency=ctx.agencies[referrer_agency],
            concerns=row.concerns,
            is_restricted=row.restricted,
            abuse_categories=[categories[name] for name in row.categories],
        )
        case.agency_links.extend(_agency_links(row.agencies, ctx.agencies))
        db.session.add(case)
        db.session.flush()  # one insert at a time: each reference is numbered from the ones before it
        cases[row.pseudonym] = case
    return cases


def _case_dates(row: CaseRow, today: date) -> tuple[date, date, date]:
    """Incident, partnership aware, referral received (on a working day)."""
    incident, aware, referral = row.dates
    return on_day(incident, today), on_day(aware, today), on_working_day(referral, today)


def _agency_links(spec: str, agencies: dict[str, Agency]) -> list[CaseAgency]:
    """Links from "csc:lead police:referring acute" (role contributing unless given)."""
    links = []
    for item in spec.split():
        key, _, role = item.partition(":")
        links.append(CaseAgency(agency=agencies[key], role=AgencyRole(role or AgencyRole.CONTRIBUTING)))
    return links


def _moment(day: date, ctx: Context, after: datetime | None = None) -> datetime:
    """A working-hours time on `day` (UTC), later than `after`, and never later than now."""
    at = datetime.combine(day, time(ctx.rng.randint(9, 16), ctx.rng.choice((0, 15, 30, 45))), tzinfo=timezone.utc)
    if after is not None and at <= after:
        at = after + timedelta(minutes=20)
    return min(at, ctx.now)


# --- Decisions and the board's answers ----------------------------------------------------------------
def _decisions(ctx: Context, cases: dict[str, Case]) -> list[tuple[DecisionRow, PanelDecision]]:
    """Panel decisions with their criteria assessed, recorded by the panel user."""
    decisions = []
    with _acting_as(ctx.users["panel"]):
        for row in DECISIONS:
            case = cases[row.pseudonym]
            codes = list(CRITERIA[case.review_type])
            if len(row.criteria) != len(codes):
                raise InvalidDemoData(f"Demo decision on {row.pseudonym}: assess each of {', '.join(codes)}.")
            criteria = {code: str(value) for code, (value, _) in zip(codes, row.criteria)}
            meeting = on_working_day(row.meeting, ctx.today)
            errors = decision_errors(
                review_type=case.review_type,
                outcome=row.outcome,
                legal_mandate=row.legal_mandate,
                rationale=row.rationale,
                meeting_date=meeting,
                referral_date=case.referral_date,
                today=ctx.today,
                criteria=criteria,
                criteria_count=len(row.criteria),
            )
            if errors:
                raise InvalidDemoData(f"Demo decision on {row.pseudonym} ({meeting}) is invalid: {errors}")
            decision = PanelDecision(
                case=case,
                meeting_date=meeting,
                outcome=row.outcome,
                legal_mandate=row.legal_mandate,
                rationale=row.rationale,
                conflicts_declared=row.conflicts,
                delay_reasons=row.delay,
                recorded_by_id=ctx.users["panel"].id,
                approval_status=ApprovalStatus.PENDING,
                approval_round=1,
                criteria=[
                    CriterionAssessment(criterion=code, value=value, evidence=evidence)
                    for code, (value, evidence) in zip(codes, row.criteria)
                ],
            )
            db.session.add(decision)
            decisions.append((row, decision))
    return decisions


def _board_answers(ctx: Context, decisions: list[tuple[DecisionRow, PanelDecision]]) -> None:
    """Each board member's answers, round by round, through the same rule the approval page applies."""
    for row, decision in decisions:
        for number, answers in enumerate(row.rounds):
            if number:
                with _acting_as(ctx.users["panel"]):
                    amend(decision)  # the panel answered the board's question: a new round starts
            for answer in answers:
                approver = ctx.users[answer.approver]
                if RoleName.BOARD not in approver.role_names:
                    raise InvalidDemoData(f"Demo decision on {row.pseudonym}: {approver} is not on the board.")
                comment = answer.comment or (
                    APPROVAL_COMMENTS[decision.case.review_type] if answer.outcome == APPROVE else None
                )
                answered = working_day(decision.meeting_date + timedelta(days=answer.after), ctx.today)
                if answered > ctx.today:
                    raise InvalidDemoData(f"Demo decision on {row.pseudonym}: an answer dated in the future.")
                with _acting_as(approver):
                    try:
                        approval = record_approval(decision, approver.id, answer.outcome, comment, required=1)
                    except ApprovalRefused as exc:
                        raise InvalidDemoData(f"Demo decision on {row.pseudonym}: {exc}") from exc
                    approval.at = _moment(answered, ctx)
                    if decision.approval_status == ApprovalStatus.APPROVED:
                        decision.approved_at = approval.at


def _approved_on(case: Case) -> date | None:
    """When the board approved the latest of the case's approved decisions."""
    moments = [
        d.approved_at
        for d in case.decisions
        if d.archived_at is None and d.approval_status == ApprovalStatus.APPROVED and d.approved_at
    ]
    return max(moments).date() if moments else None


# --- Lifecycle ------------------------------------------------------------------------------------
def _lifecycle(ctx: Context, row: CaseRow, case: Case) -> None:
    """Bring the case to its demo state step by step; a converted rapid review's local CSPR follows."""
    journey = row.journey
    if journey.local is None:
        _review_records(ctx, row.pseudonym, case)
        _take_steps(ctx, case, journey, start=max(case.aware_date, case.referral_date))
        return
    _take_steps(ctx, case, journey, start=max(case.aware_date, case.referral_date))
    local = next((c for c in case.children if c.state == CONVERTED_LOCAL_REVIEW_STATE), None)
    if local is None:
        raise InvalidDemoData(f"Demo case {row.pseudonym}: the rapid review was not converted into a local CSPR.")
    with _acting_as(ctx.users["business_support"]):
        linked = {link.agency_id or link.agency.id for link in local.agency_links}
        local.agency_links.extend(  # the conversion carries the rapid review's agencies over; add the rest
            link for link in _agency_links(row.agencies, ctx.agencies) if link.agency.id not in linked
        )
    converted_on = case.timeline[-1].at
    local.timeline[0].at = converted_on + timedelta(minutes=1)
    _review_records(ctx, row.pseudonym, local)
    _take_steps(ctx, local, journey.local, start=converted_on.date())


def _route(review_type: ReviewType, state: str, journey: Journey) -> list[Transition]:
    """The steps from `state` to the journey's state, through its `via` states in order."""
    steps: list[Transition] = []
    for waypoint in (*journey.via, journey.state):
        steps += _shortest_path(review_type, state, waypoint)
        state = waypoint
    return steps


def _shortest_path(review_type: ReviewType, source: str, target: str) -> list[Transition]:
    """The fewest steps leading from `source` to `target` (breadth-first over the transitions)."""
    reached: dict[str, tuple[str, Transition] | None] = {source: None}
    queue = deque([source])
    while queue and target not in reached:
        state = queue.popleft()
        for step in transitions_for(review_type):
            if state in step.sources and step.target not in reached:
                reached[step.target] = (state, step)
                queue.append(step.target)
    if target not in reached:
        raise InvalidDemoData(f"No {review_type.value} lifecycle path from {source} to {target}.")
    path: list[Transition] = []
    while (previous := reached[target]) is not None:
        target, step = previous
        path.append(step)
    return path[::-1]


MAX_SHIFT_DAYS = 7


def _step_dates(ctx: Context, case: Case, steps: list[Transition], journey: Journey, start: date) -> list[date]:
    """The date of each step: fixed ones from the journey, the others spread evenly between them, none
    before the decision it depends on, in order, none in the future."""
    known: dict[int, date] = {}
    taken: dict[str, int] = {}
    for index, step in enumerate(steps):
        ago = journey.on.get(step.name)
        if isinstance(ago, tuple) and not isinstance(ago, WD):  # one date for each time the step is taken
            count = taken[step.name] = taken.get(step.name, 0) + 1
            ago = ago[count - 1] if count <= len(ago) else None
        if ago is not None:
            known[index] = on_working_day(ago, ctx.today)
    last = len(steps) - 1
    if last >= 0 and last not in known:
        if journey.since is None:
            raise InvalidDemoData(f"Demo case {case.subject_pseudonym}: give the date of its last step ('since').")
        known[last] = on_working_day(journey.since, ctx.today)
    explicit = dict(known)
    # Unless dated otherwise, the panel's recommendation goes to the chair on the day of the meeting, and
    # the outcome is recorded on the day the board approves the decision.
    approved_on = _approved_on(case)
    first_meeting = min((d.meeting_date for d in case.decisions), default=None)
    for index, step in enumerate(steps):
        if index not in known and "take_decision_date" in step.effects and approved_on:
            known[index] = approved_on
        elif index not in known and decision_recorded in step.guards and first_meeting:
            known[index] = first_meeting
    dates: list[date] = []
    for index, step in enumerate(steps):
        if index in known:
            day = known[index]
        else:
            before = max((i for i in known if i < index), default=-1)
            after = min(i for i in known if i > index)
            low = known[before] if before >= 0 else start
            day = low + timedelta(days=(known[after] - low).days * (index - before) // (after - before))
            day = working_day(day, ctx.today)
        if "take_decision_date" in step.effects and approved_on:
            day = max(day, approved_on)  # the board approved the decision first
        if decision_recorded in step.guards and first_meeting:
            day = max(day, first_meeting)  # the panel met first
        day = max([day, start, *dates[-1:]])
        # A date given in the tables may move a few days (weekends and bank holidays move the meetings and
        # answers it follows), not more: that would be a mistake in the tables.
        if index in explicit and (day - explicit[index]).days > MAX_SHIFT_DAYS:
            raise InvalidDemoData(
                f"Demo case {case.subject_pseudonym}: step {step.name} is dated {explicit[index]}, before an earlier "
                f"step, the referral or the decision it needs ({day})."
            )
        if day > ctx.today:
            raise InvalidDemoData(f"Demo case {case.subject_pseudonym}: step {step.name} would be dated {day}.")
        dates.append(day)
    return dates


def _actor(ctx: Context, step: Transition, case: Case) -> User:
    """A demo user whose role may take the step (the two board members take turns, case by case)."""
    if RoleName.BUSINESS_SUPPORT in step.roles:
        return ctx.users["business_support"]
    if RoleName.PANEL in step.roles:
        return ctx.users["panel"]
    if RoleName.BOARD in step.roles:
        return ctx.users["board2" if case.id % 2 else "board"]
    raise InvalidDemoData(f"No demo user may take the step {step.name}.")


# Steps whose notification carries the case's external reference (the CINS or Home Office reference).
REFERENCED_STEPS = {"submit_sin", "notify_home_office"}


def _values(case: Case, step: Transition, day: date, journey: Journey, planned: date) -> dict:
    """What the step's form would be filled in with."""
    values: dict = {}
    for field in step.fields:
        if field.name == "planned_publication_date":
            values[field.name] = planned
        elif field.kind == "date":
            values[field.name] = day
        elif field.name == "note":
            values[field.name] = journey.notes.get(step.name) or STEP_NOTES.get(step.name)
        elif field.name == "learning_retained":
            values[field.name] = journey.learning
        elif field.name == "panel_response":
            values[field.name] = journey.panel_response
        elif field.name == "notification_reference":
            values[field.name] = case.external_reference if step.name in REFERENCED_STEPS else None
        else:
            raise InvalidDemoData(f"The demo does not know how to fill in {field.name} for {step.name}.")
    return values


def _take_steps(ctx: Context, case: Case, journey: Journey, start: date) -> None:
    """Apply the journey's lifecycle steps to the case, as the users would from the case page."""
    steps = _route(case.review_type, case.state, journey)
    dates = _step_dates(ctx, case, steps, journey, start)
    published = next((d for s, d in zip(steps, dates) if s.name.startswith("publish")), None)
    last_at = case.timeline[-1].at if case.timeline else None
    for step, day in zip(steps, dates):
        # Publication is planned for the day it happens, or (not published yet) six weeks ahead.
        planned = published or working_day(day + timedelta(days=42), ctx.today)
        actor = _actor(ctx, step, case)
        values = _values(case, step, day, journey, planned)
        if step.name.startswith("publish") or step.name == "do_not_publish":
            _prepare_publication(ctx, case, step, day)
        with _acting_as(actor):
            try:
                entry = transitions.apply(case, step.name, actor.id, actor.role_names, values, ctx.today)
            except transitions.TransitionRefused as exc:
                raise InvalidDemoData(
                    f"Demo case {case.subject_pseudonym}: step {step.name} on {day} refused: {exc}"
                ) from exc
            entry.at = last_at = _moment(day, ctx, after=last_at)
    if case.state != journey.state:
        raise InvalidDemoData(f"Demo case {case.subject_pseudonym} ended in {case.state}, not {journey.state}.")


# --- Records of a review: documents, family, holds ------------------------------------------------
def _review_records(ctx: Context, pseudonym: str, review: Case) -> None:
    """The documents, family involvement and holds of the review (the local CSPR, for a converted case)."""
    with _acting_as(ctx.users["business_support"]):
        _documents(ctx, pseudonym, review)
        _family(ctx, pseudonym, review)
        _holds(ctx, pseudonym, review)


def _family(ctx: Context, pseudonym: str, review: Case) -> list[FamilyInvolvement]:
    """Family members and friends invited to contribute, with made-up contact details, and the
    engagement events that led to their status today."""
    records = []
    for number, (name_of, relationship, name, invited, advocacy, status, do_not_contact, notes) in enumerate(
        FAMILY, start=600
    ):
        if name_of != pseudonym:
            continue
        invited_date = on_working_day(invited, ctx.today) if invited is not None else None
        reachable = invited_date is not None and not do_not_contact
        email = name.lower().replace(" ", ".") + "@example.org"
        record = FamilyInvolvement(
            case=review,
            relationship_to_subject=relationship,
            side=_side(review, pseudonym, relationship),
            name=name,
            contact_details=f"01632 960{number:03d}\n{email}" if reachable else None,
            preferred_language="Arabic" if "Arabic" in (notes or "") else None,
            interpreter_needed="interpreter" in (notes or ""),
            notes=notes,
        )
        db.session.add(record)
        for event in _engagement(ctx, invited_date, advocacy, status, notes):
            errors = event_errors(record, event, ctx.today)
            if errors:
                raise InvalidDemoData(f"Demo family event for {relationship} of {pseudonym} is invalid: {errors}")
            event.member = record
            db.session.add(event)
        record.do_not_contact = do_not_contact  # flagged after the contact already recorded
        records.append(record)
    return records


def _side(review: Case, pseudonym: str, relationship: str) -> FamilySide | None:
    """For a DHR, whose family: the perpetrator's relatives are the partner's."""
    if review.review_type is not ReviewType.DHR:
        return None
    return FamilySide.PERPETRATOR if relationship.startswith("Partner's") else FamilySide.VICTIM


def _engagement(ctx: Context, invited: date | None, advocacy: str | None, status: EngagementStatus,
                notes: str | None) -> list[FamilyEvent]:
    """The events that bring a family member to `status`: invitation, advocacy, then their answer."""
    if invited is None:
        return []

    def after(days: int) -> date:
        return min(invited + timedelta(days=days), ctx.today)

    events = [FamilyEvent(event_type=EventType.INVITATION, event_date=invited, channel=ContactChannel.LETTER)]
    if advocacy:
        events.append(FamilyEvent(event_type=EventType.ADVOCACY_OFFERED, event_date=after(7),
                                  channel=ContactChannel.IN_PERSON, advocate_organisation=advocacy))
    answer = {
        EngagementStatus.ENGAGED: [FamilyEvent(event_type=EventType.MEETING_ATTENDED, event_date=after(21),
                                               channel=ContactChannel.IN_PERSON)],
        EngagementStatus.DECLINED: [FamilyEvent(event_type=EventType.DECLINED, event_date=after(14), reason=notes)],
        EngagementStatus.WITHDRAWN: [
            FamilyEvent(event_type=EventType.CONSENT_GIVEN, event_date=after(14)),
            FamilyEvent(event_type=EventType.WITHDRAWN, event_date=after(60), reason=notes),
        ],
        EngagementStatus.NOT_CONTACTABLE: [
            FamilyEvent(event_type=EventType.CONTACT_ATTEMPT, event_date=after(days), channel=channel,
                        outcome=ContactOutcome.UNDELIVERED if channel is ContactChannel.LETTER else ContactOutcome.NO_ANSWER)
            for days, channel in ((20, ContactChannel.LETTER), (35, ContactChannel.PHONE))
        ],
    }
    return events + answer.get(status, [])


def _holds(ctx: Context, pseudonym: str, review: Case) -> list[Hold]:
    """Parallel processes (trials, inquests) that extend the review's targets."""
    holds = []
    for name_of, reason, detail, start, end in HOLDS:
        if name_of != pseudonym:
            continue
        hold = Hold(
            case=review,
            reason=reason,
            detail=detail,
            start_date=on_day(start, ctx.today),
            end_date=on_day(end, ctx.today) if end is not None else None,
        )
        if hold.start_date < review.aware_date or (hold.end_date and hold.end_date < hold.start_date):
            raise InvalidDemoData(f"Demo hold on {pseudonym} has impossible dates.")
        db.session.add(hold)
        holds.append(hold)
    return holds


def _documents(ctx: Context, pseudonym: str, review: Case) -> list[PublishedDocument]:
    """Reports and briefings, each a small real PDF or DOCX stored like an upload. Those to be published
    are approved now and published with their review."""
    folder = current_app.config["UPLOAD_DIR"]
    max_bytes = current_app.config["DOCUMENT_MAX_BYTES"]
    documents = []
    for name_of, document_type, file_format, status in DOCUMENTS:
        if name_of != pseudonym:
            continue
        title = f"{pseudonym}: {document_type.label}"
        lines = [
            f"Demo document: {title}",
            f"{PARTNERSHIP} - {review.review_type.label}",
            "Fictional demonstration data. No real person or case is described.",
        ]
        data = _pdf(lines) if file_format == "pdf" else _docx(lines)
        stored = files.store(data, files.check_document(data, max_bytes), folder)
        files.discard_on_rollback(db.session, stored.stored_name, folder)
        document = PublishedDocument(
            case=review,
            title=title,
            document_type=document_type,
            status=DocumentStatus.APPROVED if status == DocumentStatus.PUBLISHED else status,
            file_uploaded_by_id=ctx.users["business_support"].id,
            stored_name=stored.stored_name,
            original_filename=f"{_slug(review, document_type)}.{file_format}",
            content_type=stored.content_type,
            size_bytes=stored.size_bytes,
            sha256=stored.sha256,
        )
        db.session.add(document)
        documents.append(document)
    return documents


def _prepare_publication(ctx: Context, case: Case, step: Transition, day: date) -> None:
    """What staff do before the board publishes (or decides not to): the publication record, the
    family told the date, and the board's approval of what goes out."""
    decision = {
        "publish_improvements": PublicationDecision.IMPROVEMENTS_ONLY,
        "do_not_publish": PublicationDecision.NOT_PUBLISHED,
    }.get(step.name, PublicationDecision.FULL)
    with _acting_as(ctx.users["business_support"]):
        case.publication_decision = decision
        case.anonymised_title = TITLES.get(case.subject_pseudonym, case.subject_pseudonym)
        if case.subject_pseudonym not in MINIMUM_ONLINE:
            case.online_until = add_months(day, ONLINE_MONTHS)
        if decision is not PublicationDecision.FULL:
            case.publication_reason = STEP_NOTES.get(step.name) or "Recorded by the board."
        told = sub_working_days(day, 15)
        for member in still_to_tell(case.family):
            db.session.add(FamilyEvent(member=member, event_type=EventType.TOLD_PUBLICATION_DATE,
                                       event_date=told, channel=ContactChannel.LETTER))
        db.session.flush()
    if decision is not PublicationDecision.NOT_PUBLISHED:
        with _acting_as(ctx.users["board"]):
            try:
                publication.approve(case, ctx.users["board"].id, _moment(day, ctx), current_app.config["UPLOAD_DIR"])
            except publication.PublicationRefused as exc:
                raise InvalidDemoData(f"Demo case {case.subject_pseudonym}: {exc}") from exc


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
