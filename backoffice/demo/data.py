"""The demo's tables: the fictional Wrekinshire partnership's agencies, users, cases, decisions, family
members, documents and holds, as plain data. `loader` turns them into records through the application's
own rules; nothing here touches the database.

Every person, organisation, reference and event here is invented; Wrekinshire is not a real county.
Email addresses use example.org and telephone numbers the 01632 960xxx range reserved for drama.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from backoffice.models import (
    AgencyType,
    ApprovalOutcome,
    CriterionValue,
    DecisionOutcome,
    DocumentStatus,
    DocumentType,
    EngagementStatus,
    HoldReason,
    LegalMandate,
)
from backoffice.policy import RoleName
from backoffice.vocabulary import ReviewType

PARTNERSHIP = "Wrekinshire Safeguarding Partnership"
SEED = 2026

CSPR, SAR, DHR = ReviewType.CSPR, ReviewType.SAR, ReviewType.DHR


# --- Dates ----------------------------------------------------------------------------------------
class WD(NamedTuple):
    """`n` working days before the day the demo is loaded (for deadlines counted in working days)."""

    n: int


# A date in the tables: a whole number is that many calendar days before the day the demo is loaded;
# WD(n) is n working days before it. Nothing in the tables is dated after that day.
Ago = int | WD



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


# The learning loop of the reviews that reached action plan monitoring (and the published SARs): per
# review type, a finding (its themes), and its recommendations: (text, level, addressee: an agency key,
# "board", or a national body), with the actions the loader gives them in every state and RAG colour.
LEARNING: dict[ReviewType, tuple[str, str, tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    CSPR: ("Coercive control was not recognised by the health visitor",
           "The mother's disclosures of financial control were recorded but not shared; no agency asked about "
           "domestic abuse when she was seen with her husband.",
           ("Domestic abuse", "Information sharing", "Professional curiosity"),
           (("Health visitors ask about domestic abuse at every contact where the mother can be seen alone.",
             "single_agency", "community"),
            ("The partnership audits domestic abuse information sharing at strategy meetings.", "board", "board"),
            ("Issue national guidance on routine enquiry where a language barrier exists.", "national", "dhsc"))),
    SAR: ("Self-neglect was read as lifestyle choice",
          "Repeated refusals of care were recorded as choice; nobody assessed his executive capacity.",
          ("Self-neglect", "Mental capacity", "Multi-agency working"),
          (("Practitioners assess executive capacity when care is repeatedly refused.", "multi_agency", "asc"),
           ("Add self-neglect to the high-risk panel's terms of reference.", "board", "board"))),
    DHR: ("Economic abuse was not asked about",
          "Her GP and the health visitor heard she had no money of her own; neither asked about abuse.",
          ("Domestic abuse", "Financial or material abuse", "Professional curiosity"),
          (("GP practices add routine enquiry about economic abuse to their safeguarding template.",
            "single_agency", "pcn"),
           ("Include economic abuse in the Home Office's statutory guidance examples.", "national", "home_office"))),
}
