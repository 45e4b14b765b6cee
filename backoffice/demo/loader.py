"""Loading the demo: `load_demo()` turns the tables in `data` into records, in one transaction.

Each case is created in its initial state and brought to its demo state through the real lifecycle
steps (`backoffice.domain.transitions.apply`), found by a shortest path through the review type's
transitions and taken by a user whose role allows them; the board answers panel decisions through
`backoffice.domain.approval.record_approval`. The timeline, notifications and deadlines are therefore
exactly what the application itself records, and every record passes the rules the forms apply.
"""

from __future__ import annotations

import random
import secrets
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select

from backoffice import clock
from backoffice.accounts import create_user, enrol_authenticator
from backoffice.demo.documents import docx_report, pdf_report
from backoffice.demo.data import (
    AGENCIES,
    LEARNING,
    APPROVAL_COMMENTS,
    APPROVE,
    CASES,
    DECISIONS,
    DOCUMENTS,
    FAMILY,
    HOLDS,
    MINIMUM_ONLINE,
    ONLINE_MONTHS,
    PARTNERSHIP,
    SEED,
    STEP_NOTES,
    TITLES,
    USERS,
    WD,
    Ago,
    CaseRow,
    DecisionRow,
    Journey,
)
from backoffice.domain import contributions, files, publication, transitions
from backoffice.domain.approval import ApprovalRefused, amend, record_approval
from backoffice.domain.calendar import add_months, is_working_day, sub_working_days
from backoffice.domain.family import event_errors, still_to_tell
from backoffice.domain.lifecycle import Transition, decision_recorded, transitions_for
from backoffice.domain.rules import case_errors, decision_errors
from backoffice.extensions import db
from backoffice.models import (
    IncomingReferral,
    IntakeStatus,
    ActionUpdate,
    Finding,
    Recommendation,
    RecommendationApproval,
    RecommendationSet,
    ReviewAction,
    Theme,
    AgendaItem,
    Attendance,
    Attendee,
    Meeting,
    MeetingType,
    AgencyContribution,
    Appointment,
    AppointmentRole,
    ContributionQa,
    ContributionType,
    AbuseCategory,
    Agency,
    AgencyRole,
    ApprovalStatus,
    Case,
    CaseAgency,
    ContactChannel,
    ContactOutcome,
    CriterionAssessment,
    DocumentStatus,
    DocumentType,
    EngagementStatus,
    EventType,
    FamilyEvent,
    FamilyInvolvement,
    FamilySide,
    Hold,
    PanelDecision,
    PublicationDecision,
    PublishedDocument,
    User,
)
from backoffice.policy import RoleName, Stream
from backoffice.vocabulary import CONVERTED_LOCAL_REVIEW_STATE, CRITERIA, STATES, ReviewType


class DemoAlreadyLoaded(Exception):
    """The database is not empty, so the demo data set is not loaded."""


class InvalidDemoData(ValueError):
    """A record in the demo tables breaks a validation rule or a lifecycle rule (a bug in the tables)."""


# --- Dates ----------------------------------------------------------------------------------------
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
        with _acting_as(users["business_support"]):
            _meetings(ctx, decisions)
        _board_answers(ctx, decisions)
        for row in CASES:
            _lifecycle(ctx, row, cases[row.pseudonym])
        _learning(ctx)
        _online_referrals(ctx)
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
            safeguarding_lead_email=f"{key.replace('-', '.')}.safeguarding@example.org",
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


# The panel meeting each review type's decisions are made at, and the members who sit on it.
MEETING_OF = {ReviewType.CSPR: "Rapid review panel", ReviewType.SAR: "SAR review panel",
              ReviewType.DHR: "DHR review panel"}
MEMBERS = {ReviewType.CSPR: [("Tom Ashworth", "csc"), ("DCI Helen Marsh", "police"), ("Joanne Keel", "icb")],
           ReviewType.SAR: [("Claire Benbow", "asc"), ("DCI Helen Marsh", "police"), ("Joanne Keel", "icb")],
           ReviewType.DHR: [("DCI Helen Marsh", "police"), ("Claire Benbow", "asc"), ("Jenny Lomax", "acute")]}


def _meetings(ctx: Context, decisions: list[tuple[DecisionRow, PanelDecision]]) -> None:
    """Each decision is made at its review type's panel meeting on its date, with that case on the
    agenda. Every third meeting lacks quorum: its second member sent apologies."""
    types = {t.name: t for t in db.session.scalars(select(MeetingType))}
    held: dict[tuple[ReviewType, date], Meeting] = {}
    for _, decision in decisions:
        review_type = ReviewType(decision.case.review_type)
        key = (review_type, decision.meeting_date)
        if key not in held:
            short = len(held) % 3 == 2
            held[key] = Meeting(
                meeting_type=types[MEETING_OF[review_type]], held_on=decision.meeting_date,
                streams=review_type.stream.value, location="Wrekinshire House, Committee Room 1",
                attendees=[Attendee(person_name=name, agency=ctx.agencies[agency], member_role=RoleName.PANEL,
                                    attendance=Attendance.APOLOGIES if short and n == 1 else Attendance.ATTENDED)
                           for n, (name, agency) in enumerate(MEMBERS[review_type])]
                + [Attendee(person_name="Board chair", member_role=RoleName.BOARD, attendance=Attendance.ATTENDED)])
            db.session.add(held[key])
        meeting = held[key]
        meeting.agenda.append(AgendaItem(case=decision.case, position=len(meeting.agenda) + 1,
                                         purpose="Decision on a review"))
        decision.meeting = meeting


# The actions each recommendation is given, in turn: (status, due in days, evidence, board's decision).
ACTION_STATES = (
    ("not_started", -20, None, None),  # overdue: red
    ("in_progress", 10, None, None),  # due within 20 working days: amber
    ("in_progress", 150, None, None),  # green
    ("completed", -30, "Audit of 20 cases: 18 show the change.", None),  # evidence awaiting the board
    ("completed", -60, "Re-audit of 20 cases: 19 show the change.", "accepted"),  # closed
    ("not_implemented", 40, None, None),  # with its reason, awaiting the board
)


def _learning(ctx: Context) -> None:
    """Findings, recommendations (approved by the board as a set) and actions in every state and RAG
    colour, on the reviews in action plan monitoring and the published SARs."""
    db.session.flush()  # the local reviews the lifecycle made are cases too
    reviewed = [c for c in db.session.scalars(select(Case).order_by(Case.id)) if c.state == "ACTION_PLAN_MONITORING"
                or (c.review_type == ReviewType.SAR and c.state == "PUBLISHED")]
    themes = {t.name: t for t in db.session.scalars(select(Theme))}
    n = 0
    for case in reviewed:
        title, text, theme_names, recommended = LEARNING[ReviewType(case.review_type)]
        with _acting_as(ctx.users["business_support"]):
            finding = Finding(case=case, title=title, text=text, themes=[themes[t] for t in theme_names])
            db.session.add(finding)
            case.themes = [themes[t] for t in theme_names[:2]]  # the review's own coding: its two main themes
        with _acting_as(ctx.users["panel"]):
            drafted = [_recommendation(ctx, case, finding, *r) for r in recommended]
        approval_set = RecommendationSet(case=case, status=ApprovalStatus.APPROVED, round=1, sent_at=ctx.now,
                                         approved_at=ctx.now)
        approval_set.approvals = [RecommendationApproval(approver_id=ctx.users[b].id, round=1, outcome="approve",
                                                         at=ctx.now) for b in ("board", "board2")]
        db.session.add(approval_set)
        with _acting_as(ctx.users["business_support"]):
            for recommendation in drafted:
                for _ in range(2):
                    _action(ctx, case, recommendation, ACTION_STATES[n % len(ACTION_STATES)])
                    n += 1


def _recommendation(ctx: Context, case: Case, finding: Finding, text: str, level: str, to: str) -> Recommendation:
    national = level == "national"
    recommendation = Recommendation(
        case=case, finding=finding, text=text, level=level, national_body=to if national else None,
        addressee_agency=ctx.agencies.get(to) if level in ("single_agency", "multi_agency") else None,
        expected_change="Practice changes as the finding describes.",
        measure="A case audit of 20 shows the change in at least 18.", owner="Chair of the practice subgroup",
        target_date=ctx.today + timedelta(days=270))
    db.session.add(recommendation)
    return recommendation


def _action(ctx: Context, case: Case, recommendation: Recommendation, state: tuple) -> None:
    status, due_in, evidence, decision = state
    owner = recommendation.addressee_agency or ctx.agencies["council"]
    action = ReviewAction(
        case=case, recommendation=recommendation, description=f"Put into practice: {recommendation.text}",
        owner_agency=owner, lead=owner.safeguarding_lead or "Safeguarding lead",
        due_date=ctx.today + timedelta(days=due_in), impact_measure="Re-audit six months after completion.",
        status=status, completed_date=ctx.today - timedelta(days=5) if status == "completed" else None,
        evidence_outcome=evidence,
        not_implemented_reason="Superseded by the national guidance due next year." if status == "not_implemented" else None,
        evidence_decision=decision, evidence_decided_by_id=ctx.users["board"].id if decision else None,
        evidence_decided_at=ctx.now if decision else None,
        updates=[ActionUpdate(on=ctx.today - timedelta(days=10), note="Progress reported to the practice subgroup.")]
        if status == "in_progress" else [])
    db.session.add(action)


def _online_referrals(ctx: Context) -> None:
    """Two referrals sent from the public forms: a SAR one waiting for triage, and a child's one that
    business support rejected (the police had referred the same incident already)."""
    waiting = IncomingReferral(reference="REF-D3M0-SAR1", review_type=ReviewType.SAR, status=IntakeStatus.NEW,
                               received_date=on_working_day(2, ctx.today), submitted_at=ctx.now,
                               referrer_email="gp.practice@example.org", answers={
        "subject_name": "Edwin Marchbank", "subject_dob": "1941-02-11", "gender": "Male",
        "address": "A care home in the partnership's area", "care_needs": "Vascular dementia; needed help with all care.",
        "outcome": "serious_harm", "incident_date": on_working_day(6, ctx.today).isoformat(), "in_area": "yes",
        "abuse_types": ["Neglect or acts of omission"], "concerns": "Pressure ulcers went untreated while three agencies visited.",
        "agencies_involved": "GP, district nursing, the care home", "family_aware": "yes",
        "referrer_name": "Dr Ruth Hallam", "referrer_role": "GP", "referrer_agency": "Riverside Surgery",
        "referrer_email": "gp.practice@example.org", "lead_authorised": "yes"})
    rejected = IncomingReferral(reference="REF-D3M0-CSP1", review_type=ReviewType.CSPR, status=IntakeStatus.REJECTED,
                                received_date=on_working_day(9, ctx.today), submitted_at=ctx.now,
                                triaged_at=ctx.now, triaged_by_id=ctx.users["business_support"].id,
                                reject_reason="A duplicate by phone: the police referred the same incident the day before.",
                                referrer_told_date=on_working_day(8, ctx.today), answers={
        "subject_name": "Child", "incident_nature": "serious_harm", "concerns": "Referred by phone already."})
    db.session.add_all([waiting, rejected])


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
            if step.leaves(state) and step.target not in reached:
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
        with _acting_as(ctx.users["business_support"]):
            _contributions_at(ctx, case, step, day)
            _appointed_at(case, step, day)
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


# --- Who runs the review -----------------------------------------------------------------------------

# The step at which a review's independent people are appointed (made-up names and organisations).
APPOINTED_AT = {
    "establish_panel": ((AppointmentRole.INDEPENDENT_CHAIR, "Morwenna Tresize", "Tresize Reviews Ltd",
                         "Home Office DHR chair training (2024)"),
                        (AppointmentRole.AUTHOR, "Idris Penhale", "Tresize Reviews Ltd", "AAFDA DHR author course")),
    "start_review": ((AppointmentRole.LEAD_REVIEWER, "Saoirse Kellow", "Kellow Safeguarding", "SCIE Learning Together"),),
    # A local CSPR's lead reviewer, on the local review itself (the rapid review is converted into it).
    "draft_report": ((AppointmentRole.LEAD_REVIEWER, "Anwen Carbis", "Independent", "SCIE Learning Together"),),
}


def _appointed_at(case: Case, step: Transition, day: date) -> None:
    if step.name == "draft_report" and (case.review_type != ReviewType.CSPR or case.appointments):
        return
    for role, name, organisation, accreditation in APPOINTED_AT.get(step.name, ()):
        db.session.add(Appointment(case=case, person_name=name, role=role, organisation=organisation,
                                   accreditation=accreditation, appointed_date=day, conflict_declaration="None declared."))


# --- What agencies were asked for ----------------------------------------------------------------

# The step at which business support asks the case's agencies for something, and the step that needs it in.
REQUESTED_AT = {"start_rapid_review": ContributionType.AGENCY_SUMMARY,
                "gather_information": ContributionType.INITIAL_CHRONOLOGY,
                "request_imrs": ContributionType.IMR}
NEEDED_BY = {"rapid_review_to_partners": ContributionType.AGENCY_SUMMARY,
             "ready_for_decision": ContributionType.INITIAL_CHRONOLOGY,
             "imrs_received": ContributionType.IMR}


def _contributions_at(ctx: Context, case: Case, step: Transition, day: date) -> None:
    """Before a step: the requests it starts (each involved agency asked, as from the case page), or the
    returns it needs (each in by the step's day: one after an extension, one withdrawn with a reason).
    A case that stops between the two keeps them owed: some overdue, one returned for more work, one
    agency not engaging."""
    kind = REQUESTED_AT.get(step.name)
    if kind is not None and day <= ctx.today:
        agencies = [link.agency for link in case.agency_links if link.role != AgencyRole.INFORMATION_ONLY]
        contributions.request_from(db.session, case, agencies, kind, day)
        db.session.flush()  # the due dates come from the turnaround rules
        _still_owed(ctx, [c for c in case.contributions if c.contribution_type == kind])
    kind = NEEDED_BY.get(step.name)
    if kind is not None:
        _returned(ctx, [c for c in case.contributions if c.contribution_type == kind], day)


def _returned(ctx: Context, asked: list[AgencyContribution], by: date) -> None:
    for index, c in enumerate(asked):
        c.not_engaging_since = None
        if index == 2 and len(asked) > 3:
            c.received_date, c.qa_outcome = None, None
            c.withdrawn_date = max(c.requested_date, min(by, c.due_date))
            c.withdrawn_reason = "No involvement with the family in the period under review."
            continue
        if index == 1 and c.due_date < by:
            c.extended_to = min(by, working_day(c.due_date + timedelta(days=10), ctx.today))
            c.extension_reason = "Records held off site; the agency asked for ten more days."
        received = max(c.requested_date, min(by, c.current_due - timedelta(days=c.agency_id % 4)))
        c.received_date, c.author = received, c.author or f"Safeguarding lead, {c.agency.name}"
        c.qa_outcome, c.qa_date, c.qa_by_id = ContributionQa.PASSED, by, ctx.users["business_support"].id


def _still_owed(ctx: Context, asked: list[AgencyContribution]) -> None:
    """Where the case waits for them: one in and checked, one returned, one given more time, one agency
    not engaging (the rest overdue, as their dates fall)."""
    for index, c in enumerate(asked):
        if index == 0 and c.due_date < ctx.today:
            c.received_date = c.due_date - timedelta(days=1)
            c.author = f"Safeguarding lead, {c.agency.name}"
            c.qa_outcome, c.qa_date, c.qa_by_id = ContributionQa.PASSED, c.due_date, ctx.users["business_support"].id
        elif index == 1 and c.due_date < ctx.today:
            c.received_date = c.due_date
            c.qa_outcome, c.qa_date, c.qa_by_id = ContributionQa.RETURNED, c.due_date, ctx.users["business_support"].id
            c.qa_reason = "The chronology stops a year before the incident: the terms of reference ask for three."
        elif index == 2:
            c.extended_to = working_day(max(c.due_date, ctx.today) + timedelta(days=7), ctx.today)
            c.extension_reason = "The practitioner who knew the family is on leave until next week."
        elif index == 3 and c.due_date + timedelta(days=21) < ctx.today:
            c.not_engaging_since = c.due_date + timedelta(days=21)
            c.note = "Three reminders unanswered; raised with the agency's safeguarding lead."


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
        data = pdf_report(lines) if file_format == "pdf" else docx_report(lines)
        stored = files.document_store(folder).put(db.session, data, files.check_document(data, max_bytes))
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
