"""The transitions between the states each review passes through (domain-reference section 5), as
data: who may take each step, what it asks for, what it records and which guards must hold.
`backoffice.domain.transitions` applies them; the review types and states are in `backoffice.vocabulary`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from backoffice import clock
from backoffice.domain.states import Guard, Move, open_from
from backoffice.policy import RoleName
from backoffice.vocabulary import ReviewType


# --- Transitions ---------------------------------------------------------------------------------
#
# Each transition says which states it leaves, the state it reaches, which roles may take it, what
# it asks for (dates, text, a choice), which external bodies it records as notified, and the guards
# that must hold. `backoffice.domain.transitions` applies them; nothing else changes a case's state.

BS, PANEL, BOARD = RoleName.BUSINESS_SUPPORT, RoleName.PANEL, RoleName.BOARD


@dataclass(frozen=True)
class Field:
    """Something a transition asks for. `name` is a case attribute, `note`, or `notification_*`."""

    name: str
    label: str
    kind: str = "date"  # date | text | choice
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    future: bool = False  # a date that may lie ahead (a planned date, an embargo's end)
    check: Callable[..., str | None] | None = None  # (case, value): a rule of the law about this value


@dataclass(frozen=True)
class Transition(Move):
    """A step of a case's lifecycle: a `Move` between states, taken by one of `roles`, asking for
    `fields`, recording `notify` as sent and applying `effects`. Its guards are asked of the case."""

    roles: frozenset[RoleName] = frozenset()
    fields: tuple[Field, ...] = ()
    notify: tuple[str, ...] = ()  # "recipient:purpose" recorded as sent, with the date and reference
    effects: tuple[str, ...] = ()  # named effects applied after the state changes (see transitions.py)


NOTE = Field("note", "Note for the timeline", "text", required=False)
RATIONALE = Field("note", "Rationale", "text")
SENT = Field("notification_sent_date", "Date sent")
SENT_REFERENCE = Field("notification_reference", "Reference given (e.g. CINS or Home Office reference)", "text", required=False)
LEARNING = Field("learning_retained", "Learning retained by the partnership", "text")
PARTNERS_TOLD = Field("partners_told_date", "Date reported to the safeguarding partners (due within 5 working days)",
                      required=False)
REFERRER_TOLD = Field("referrer_informed_date", "Date the referrer was told the decision and the reasons")
def _publication_date_problem(case, value) -> str | None:
    from backoffice import context
    from backoffice.domain import publication

    return publication.publication_date_problem(case, value, context.setting("DARDR_FROM")) if value else None


def _reason_if_a_national_review(case, value) -> str | None:
    """A local CSPR beside the National Panel's own review needs its reason on the record."""
    if str(case.panel_response) == "national_review" and not (value or "").strip():
        return ("The National Panel chose to hold a national review: record why a local review is "
                "commissioned as well.")
    return None


ALSO_LOCAL = Field("note", "Note for the timeline (the reason, if the National Panel chose a national review)",
                   "text", required=False, check=_reason_if_a_national_review)


PUBLISHED_ON = Field("publication_date", "Publication date", check=_publication_date_problem)
EMBARGO = (
    Field("embargo_reason", "Reason for the embargo (e.g. until the criminal trial or inquest ends)", "text"),
    Field("embargo_until", "Embargoed until (if the date is known)", required=False, future=True),
)
REPORT_DONE = Field("report_completed_date", "Date the report was completed")


# Guards -----------------------------------------------------------------------------------------


def notified(event: str, what: str) -> Guard:
    """The notification `recipient:purpose` must have been sent."""
    return Guard(("notified", event),
                 lambda case: f"Record the date {what} was sent first." if case.sent_on(event) is None else None)


def approved_decision(*outcomes: str, mandate: str | None = None) -> Guard:
    """The board must have approved a panel decision with this outcome (and mandate, for a SAR)."""

    def check(case) -> str | None:
        for decision in reversed(case.approved_decisions()):
            if str(decision.outcome) in outcomes and (mandate is None or str(decision.legal_mandate) == mandate):
                return None
        from backoffice.models.decision import DecisionOutcome, LegalMandate

        wanted = " or ".join(f"'{DecisionOutcome(o).label}'" for o in outcomes)
        under = f" ({LegalMandate(mandate).label})" if mandate else ""
        return (
            f"This needs a panel decision {wanted}{under} approved by the board: the panel records it "
            "under Panel decisions, then the board approves it."
        )

    return Guard(("approved_decision", outcomes, mandate), check)


def _rapid_review_may_start(case) -> str | None:
    """A notified incident needs the notification sent; a local referral (not notifiable) does not."""
    if case.state == "NOT_NOTIFIABLE_LOCAL_REFERRAL":
        return None
    return notified("national_panel:serious_incident", "the serious incident notification")(case)


def _panel_holds_national_review(case) -> str | None:
    if str(case.panel_response) != "national_review":
        return "Only when the National Panel said it will hold a national review."
    return None


def _decision_recorded(case) -> str | None:
    if not any(d.archived_at is None for d in case.decisions):
        return "The panel has not recorded a recommendation yet: the panel records it under Panel decisions."
    return None


def ready_to_publish(*decisions: str) -> Guard:
    """The publication decision is one of `decisions` and every publication gate is closed
    (domain/publication.py: approval, embargo, notices, family told, documents checked)."""

    def check(case) -> str | None:
        from backoffice import context
        from backoffice.domain import publication

        if str(case.publication_decision) not in decisions and case.publication_decision is not None:
            return f"The publication decision recorded is '{case.publication_decision.label}'."
        found = publication.problems(
            case, clock.today(), context.setting("UPLOAD_DIR"), context.setting("DARDR_FROM")
        )
        return " ".join(found) or None

    return Guard(("ready_to_publish", decisions), check)


def _decided_not_to_publish(case) -> str | None:
    if str(case.publication_decision) != "not_published" or not (case.publication_reason or "").strip():
        return "Record the publication decision 'Not published', with the reason, first (see Publication)."
    return None


def contributions_in(kind: str) -> Guard:
    """Agencies were asked for `kind`, and every one asked has it in: received (and not returned for
    more work) or withdrawn with a reason."""

    def check(case) -> str | None:
        from backoffice.domain.contributions import kind_in

        return kind_in(case, kind)

    return Guard(("contributions_in", kind), check)


def _actions_settled(case) -> str | None:
    from backoffice.domain.learning import actions_settled

    return actions_settled(case)


actions_settled = Guard(("actions_settled",), _actions_settled)
rapid_review_may_start = Guard(("notified", "national_panel:serious_incident"), _rapid_review_may_start)
panel_holds_national_review = Guard(("panel_response", "national_review"), _panel_holds_national_review)
decision_recorded = Guard(("decision_recorded",), _decision_recorded)
decided_not_to_publish = Guard(("publication_decision", "not_published"), _decided_not_to_publish)


FULL, SUMMARY, IMPROVEMENTS = "full", "executive_summary", "improvements_only"
COMMISSIONED = "review_commissioned"
NOT_MET = "criteria_not_met_learning_retained"
ALTERNATIVE = "alternative_learning"
ELSEWHERE = "referred_to_other_process"


def T(name, label, sources, target, roles, *fields, notify=(), guards=(), effects=()) -> Transition:  # noqa: N802
    sources = (sources,) if isinstance(sources, str) else tuple(sources)
    return Transition(name, label, sources, target, tuple(guards), roles=frozenset(roles), fields=tuple(fields),
                      notify=tuple(notify), effects=tuple(effects))


TRANSITIONS: dict[ReviewType, tuple[Transition, ...]] = {
    ReviewType.CSPR: (
        T("submit_sin", "Record the serious incident notification", "INCIDENT_REPORTED", "SIN_SUBMITTED", {BS},
          SENT, SENT_REFERENCE, PARTNERS_TOLD, NOTE, notify=("national_panel:serious_incident", "ofsted:serious_incident")),
        T("not_notifiable_local", "Not notifiable: take it as a local referral", "INCIDENT_REPORTED",
          "NOT_NOTIFIABLE_LOCAL_REFERRAL", {PANEL}, RATIONALE),
        T("close_not_notifiable", "Close: not notifiable, learning retained", "INCIDENT_REPORTED",
          "CLOSED_NOT_NOTIFIABLE", {PANEL}, LEARNING, REFERRER_TOLD, RATIONALE),
        T("start_rapid_review", "Start the rapid review", ("SIN_SUBMITTED", "NOT_NOTIFIABLE_LOCAL_REFERRAL"),
          "RAPID_REVIEW_IN_PROGRESS", {BS}, NOTE,
          guards=(rapid_review_may_start,)),
        T("rapid_review_to_partners", "Send the rapid review to the safeguarding partners", "RAPID_REVIEW_IN_PROGRESS",
          "RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF", {BS}, NOTE),
        T("send_rapid_review", "Partners signed off: send the rapid review to the National Panel",
          "RAPID_REVIEW_AWAITING_PARTNER_SIGNOFF", "RAPID_REVIEW_SENT_TO_PANEL", {BOARD},
          Field("rr_sent_date", "Date sent to the National Panel"), NOTE),
        T("await_panel", "Awaiting the National Panel's response", "RAPID_REVIEW_SENT_TO_PANEL",
          "AWAITING_PANEL_RESPONSE", {BS}, NOTE),
        T("panel_responded", "Record the National Panel's response", ("RAPID_REVIEW_SENT_TO_PANEL", "AWAITING_PANEL_RESPONSE"),
          "PANEL_RESPONSE_RECEIVED", {BS}, Field("panel_response_date", "Date of the response"),
          Field("panel_response", "The Panel's response", "choice", choices=(
              ("agrees", "Agrees with the local decision"), ("disagrees", "Disagrees with the local decision"),
              ("national_review", "Will hold a national review"))), NOTE),
        T("no_further_review", "No further review: learning retained", "PANEL_RESPONSE_RECEIVED",
          "NO_FURTHER_REVIEW_LEARNING_RETAINED", {PANEL}, LEARNING, REFERRER_TOLD, NOTE,
          guards=(approved_decision(NOT_MET),), effects=("take_decision_date",)),
        T("alternative_learning", "Alternative learning activity", "PANEL_RESPONSE_RECEIVED",
          "ALTERNATIVE_LEARNING_ACTIVITY", {PANEL}, LEARNING, REFERRER_TOLD, NOTE,
          guards=(approved_decision(ALTERNATIVE),), effects=("take_decision_date",)),
        T("national_review", "The National Panel holds a national review", "PANEL_RESPONSE_RECEIVED",
          "NATIONAL_REVIEW", {PANEL}, NOTE,
          guards=(panel_holds_national_review,)),
        T("commission_lcspr", "Commission a local CSPR (converts the rapid review)", "PANEL_RESPONSE_RECEIVED",
          "LCSPR_COMMISSIONED", {PANEL}, ALSO_LOCAL,
          guards=(approved_decision(COMMISSIONED),), effects=("take_decision_date", "convert_to_local_review")),
        T("draft_report", "Draft report received", "LCSPR_IN_PROGRESS", "DRAFT_REPORT", {BS}, NOTE,
          effects=("name_the_author",)),
        T("family_preview", "Share the draft with the family", "DRAFT_REPORT", "FAMILY_PREVIEW", {BS}, NOTE),
        T("partner_signoff", "Send for partner sign-off", "FAMILY_PREVIEW", "PARTNER_SIGNOFF", {BS},
          REPORT_DONE, NOTE),
        T("pre_publication_notice", "Send the final report to the Panel and the Secretary of State",
          "PARTNER_SIGNOFF", "PRE_PUBLICATION_NOTIFIED", {BS},
          Field("planned_publication_date", "Planned publication date", future=True), SENT, SENT_REFERENCE, NOTE,
          notify=("national_panel:pre_publication", "secretary_of_state:pre_publication")),
        T("publish", "Publish the report", ("PRE_PUBLICATION_NOTIFIED", "EMBARGOED"), "PUBLISHED", {BOARD},
          PUBLISHED_ON, NOTE, guards=(ready_to_publish(FULL, SUMMARY),), effects=("publish_review",)),
        T("publish_improvements", "Publish the improvements only", ("PRE_PUBLICATION_NOTIFIED", "EMBARGOED"),
          "PUBLISHED_IMPROVEMENTS_ONLY", {BOARD}, PUBLISHED_ON, RATIONALE,
          guards=(ready_to_publish(IMPROVEMENTS),), effects=("publish_review",)),
        T("embargo", "Embargo publication (e.g. until a trial ends)", "PRE_PUBLICATION_NOTIFIED", "EMBARGOED",
          {BOARD}, *EMBARGO),
        T("monitor_actions", "Monitor the action plan",
          ("PUBLISHED", "PUBLISHED_IMPROVEMENTS_ONLY", "NO_FURTHER_REVIEW_LEARNING_RETAINED",
           "ALTERNATIVE_LEARNING_ACTIVITY", "NATIONAL_REVIEW", "LCSPR_COMMISSIONED"),
          "ACTION_PLAN_MONITORING", {BS}, NOTE),
        T("close", "Close the case", ("ACTION_PLAN_MONITORING",), "CLOSED", {BOARD}, RATIONALE,
          guards=(actions_settled,)),
    ),
    ReviewType.SAR: (
        T("acknowledge", "Acknowledge the referral", "REFERRAL_RECEIVED", "ACKNOWLEDGED", {BS},
          Field("acknowledged_date", "Date acknowledged"), NOTE),
        T("gather_information", "Request initial chronologies", "ACKNOWLEDGED", "INFORMATION_GATHERING", {BS}, NOTE),
        T("ready_for_decision", "Information gathered: ready for the SAR panel", "INFORMATION_GATHERING",
          "DECISION_PENDING", {BS}, NOTE, guards=(contributions_in("initial_chronology"),)),
        T("recommend", "SAR panel recommendation made: to the chair", "DECISION_PENDING", "CHAIR_DECISION", {PANEL},
          NOTE, guards=(decision_recorded,)),
        T("not_met_no_action", "Criteria not met: no further action, learning retained", "CHAIR_DECISION",
          "NOT_MET_NO_FURTHER_ACTION", {BOARD}, LEARNING, REFERRER_TOLD, NOTE,
          guards=(approved_decision(NOT_MET),), effects=("take_decision_date",)),
        T("not_met_alternative", "Criteria not met: alternative learning", "CHAIR_DECISION",
          "NOT_MET_ALTERNATIVE_LEARNING", {BOARD}, LEARNING, REFERRER_TOLD, NOTE,
          guards=(approved_decision(ALTERNATIVE),), effects=("take_decision_date",)),
        T("commission_mandatory", "Commission a mandatory SAR (s44(1)-(3))", "CHAIR_DECISION",
          "SAR_MANDATORY_COMMISSIONED", {BOARD}, REFERRER_TOLD, NOTE,
          guards=(approved_decision(COMMISSIONED, mandate="s44_1_3"),), effects=("take_decision_date",)),
        T("commission_discretionary", "Commission a discretionary SAR (s44(4))", "CHAIR_DECISION",
          "SAR_DISCRETIONARY_COMMISSIONED", {BOARD}, REFERRER_TOLD, NOTE,
          guards=(approved_decision(COMMISSIONED, mandate="s44_4"),), effects=("take_decision_date",)),
        T("refer_elsewhere", "Refer to another process (e.g. a joint DHR)", "CHAIR_DECISION",
          "REFERRED_TO_OTHER_PROCESS", {BOARD}, REFERRER_TOLD, RATIONALE,
          guards=(approved_decision(ELSEWHERE),), effects=("take_decision_date",)),
        T("start_review", "Start the review", ("SAR_MANDATORY_COMMISSIONED", "SAR_DISCRETIONARY_COMMISSIONED"),
          "IN_PROGRESS", {BS}, NOTE),
        T("draft_report", "Draft report received", "IN_PROGRESS", "DRAFT_REPORT", {BS}, NOTE,
          effects=("name_the_author",)),
        T("family_preview", "Share the draft with the family", "DRAFT_REPORT", "FAMILY_PREVIEW", {BS}, NOTE),
        T("to_board", "Send to the board for approval", "FAMILY_PREVIEW", "SAB_APPROVAL", {BS}, REPORT_DONE, NOTE),
        T("publish", "Publish the summary report", ("SAB_APPROVAL", "EMBARGOED"), "PUBLISHED", {BOARD},
          PUBLISHED_ON, NOTE, guards=(ready_to_publish(FULL, SUMMARY, IMPROVEMENTS),), effects=("publish_review",)),
        T("do_not_publish", "Do not publish, with reasons", "SAB_APPROVAL", "NOT_PUBLISHED_WITH_REASONS", {BOARD},
          RATIONALE, guards=(decided_not_to_publish,)),
        T("embargo", "Embargo publication (e.g. until a trial ends)", "SAB_APPROVAL", "EMBARGOED", {BOARD}, *EMBARGO),
        T("monitor_actions", "Monitor the action plan",
          ("PUBLISHED", "NOT_PUBLISHED_WITH_REASONS", "NOT_MET_ALTERNATIVE_LEARNING"),
          "ACTION_PLAN_MONITORING", {BS}, NOTE),
        T("close", "Close the case",
          ("ACTION_PLAN_MONITORING", "NOT_MET_NO_FURTHER_ACTION", "REFERRED_TO_OTHER_PROCESS"),
          "CLOSED", {BOARD}, RATIONALE, guards=(actions_settled,)),
    ),
    ReviewType.DHR: (
        T("scope", "Start scoping (agency scoping letters)", "NOTIFIED_BY_POLICE", "SCOPING", {BS}, NOTE),
        T("ready_for_decision", "Scoping done: ready for the CSP's decision", "SCOPING", "DECISION_PENDING", {BS}, NOTE),
        T("decide", "Record the CSP's decision", "DECISION_PENDING", "DECISION_MADE", {BOARD}, NOTE,
          guards=(approved_decision(COMMISSIONED, NOT_MET, ALTERNATIVE, ELSEWHERE),), effects=("take_decision_date",)),
        T("notify_home_office", "Tell the Home Office the decision (and reasons if not holding a review)",
          "DECISION_MADE", "HOME_OFFICE_NOTIFIED", {BS}, SENT, SENT_REFERENCE, NOTE, notify=("home_office:decision",),
          guards=(approved_decision(COMMISSIONED, NOT_MET, ALTERNATIVE, ELSEWHERE),)),
        T("establish_panel", "Establish the review panel (chair appointed, terms of reference)",
          "HOME_OFFICE_NOTIFIED", "PANEL_ESTABLISHED", {BS}, NOTE, guards=(approved_decision(COMMISSIONED),)),
        T("request_imrs", "Request IMRs", "PANEL_ESTABLISHED", "IMRS_REQUESTED", {BS}, NOTE),
        T("imrs_received", "IMRs received", "IMRS_REQUESTED", "IMRS_RECEIVED", {BS}, NOTE,
          guards=(contributions_in("imr"),)),
        T("draft_overview", "Draft overview report", "IMRS_RECEIVED", "DRAFT_OVERVIEW_REPORT", {BS}, NOTE,
          effects=("name_the_author",)),
        T("csp_signoff", "Send for CSP sign-off", "DRAFT_OVERVIEW_REPORT", "CSP_SIGNOFF", {BS}, REPORT_DONE, NOTE),
        T("submit_to_ho", "Submit to the Home Office QA panel", ("CSP_SIGNOFF", "HO_QA_RESUBMIT_REQUIRED"),
          "SUBMITTED_TO_HO_QA", {BS}, Field("ho_qa_submitted_date", "Date submitted"), NOTE),
        T("ho_resubmit", "Home Office QA: resubmission required", "SUBMITTED_TO_HO_QA", "HO_QA_RESUBMIT_REQUIRED",
          {BS}, Field("ho_qa_letter_date", "Date of the feedback letter"), NOTE, effects=("qa_resubmit",)),
        T("ho_approved", "Home Office QA: approved", "SUBMITTED_TO_HO_QA", "HO_QA_APPROVED", {BS},
          Field("ho_qa_letter_date", "Date of the feedback letter"), NOTE, effects=("qa_approved",)),
        T("plan_publication", "Plan publication (family told the date)", "HO_QA_APPROVED", "PUBLICATION_PENDING",
          {BS}, Field("planned_publication_date", "Planned publication date", required=True, future=True), NOTE),
        T("publish", "Publish the report", "PUBLICATION_PENDING", "PUBLISHED", {BOARD}, PUBLISHED_ON, NOTE,
          guards=(ready_to_publish(FULL, SUMMARY),), effects=("publish_review",)),
        T("monitor_actions", "Monitor the action plan", "PUBLISHED", "ACTION_PLAN_MONITORING", {BS}, NOTE),
        T("close", "Close the case", ("ACTION_PLAN_MONITORING",), "CLOSED", {BOARD}, RATIONALE,
          guards=(actions_settled,)),
        T("close_no_review", "Close: no review held, learning retained", "HOME_OFFICE_NOTIFIED", "CLOSED",
          {BOARD}, LEARNING, REFERRER_TOLD, RATIONALE, guards=(approved_decision(NOT_MET, ALTERNATIVE, ELSEWHERE),)),
    ),
}


def transitions_for(review_type: ReviewType) -> tuple[Transition, ...]:
    return TRANSITIONS[ReviewType(review_type)]


def transition(review_type: ReviewType, name: str) -> Transition | None:
    return next((t for t in transitions_for(review_type) if t.name == name), None)


def available(review_type: ReviewType, state: str) -> list[Transition]:
    """The transitions that leave `state` (before checking roles and guards)."""
    return open_from(transitions_for(review_type), state)
