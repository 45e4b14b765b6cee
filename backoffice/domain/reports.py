"""The reports the law and the national returns ask for, worked out from the records: timeliness,
activity, agencies, learning, data completeness and family involvement for a period; the Safeguarding
Adults Board's annual report section (Care Act 2014 Sch 2 para 4); and the NHS England case review
tracker (S-CRT) rows.

Every figure is counted, never typed in, and says what it counts (numerator and denominator). Each
report reads a fixed number of statements whatever the number of cases: aggregates in SQL, and rows
with what they show loaded at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from statistics import median

from sqlalchemy import and_, case as sql_case, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from backoffice.clock import ENGLAND
from backoffice.domain import learning
from backoffice.domain.meetings import quorum
from backoffice.models import (
    ActionStatus, ActionUpdate, AgencyContribution, Agency, Case, ContributionQa, Deadline, DeadlineRule, DecisionOutcome,
    EngagementStatus, EvidenceDecision, FamilyInvolvement, Finding, Meeting, NationalBody, PanelDecision,
    Recommendation, ReviewAction, Theme, ThemeGroup, TransitionLog,
)
from backoffice.models.case import case_themes
from backoffice.models.learning import finding_theme
from backoffice.vocabulary import ReviewType, state_label


@dataclass(frozen=True)
class Period:
    """The dates a report covers, both included."""

    start: date
    end: date
    label: str

    @classmethod
    def financial_year(cls, first_year: int) -> Period:
        """April to March, as annual reports run: 2025 is 1 April 2025 to 31 March 2026 ("2025-26")."""
        return cls(date(first_year, 4, 1), date(first_year + 1, 3, 31), f"{first_year}-{(first_year + 1) % 100:02d}")

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(start, end, f"{start:%d %b %Y} to {end:%d %b %Y}")

    def holds(self, column):
        """SQL: a date column within the period."""
        return column.between(self.start, self.end)

    def holds_instant(self, column):
        """SQL: a timestamp column within the period's days in England."""
        first = datetime.combine(self.start, time(), ENGLAND)
        after = datetime.combine(self.end + timedelta(days=1), time(), ENGLAND)
        return and_(column >= first.astimezone(timezone.utc), column < after.astimezone(timezone.utc))


def financial_year_of(day: date) -> int:
    """The first calendar year of the financial year `day` falls in."""
    return day.year if day.month >= 4 else day.year - 1


@dataclass(frozen=True)
class Ratio:
    """A share: how many of how many, as a percentage when there is anything to count."""

    label: str
    met: int
    of: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.of) if self.of else None


def _visible(types) -> list:
    """The conditions on Case for what a report counts: the user's review types, nothing archived."""
    return [Case.review_type.in_(list(types)), Case.archived_at.is_(None)]


# --- timeliness -----------------------------------------------------------------------------------

# The statutory and guidance timescales the report measures, by the deadline they are recorded as.
TIMELINESS = (
    ("SIN_TO_PANEL", ReviewType.CSPR, "Serious incident notifications within 5 working days"),
    ("RAPID_REVIEW_TO_PANEL", ReviewType.CSPR, "Rapid reviews within 15 working days"),
    ("LCSPR_PUBLISHED", ReviewType.CSPR, "Local CSPRs published within 6 months of the decision"),
    ("SAR_COMPLETED", ReviewType.SAR, "SARs completed within 6 months of the decision"),
    ("DHR_REPORT_COMPLETED", ReviewType.DHR, "DHRs completed within 6 months of the decision"),
)


@dataclass
class Timeliness:
    ratios: list[tuple[str, ReviewType, Ratio]]
    late: dict[str, list[tuple[int, str, date, date | None]]]  # milestone: (case id, reference, due, met)
    referral_to_decision: dict[ReviewType, int | None]
    signoff_to_publication: dict[ReviewType, int | None]
    waived: list[tuple[int, str, str, str]]  # case id, reference, milestone label, reason


def timeliness(session: Session, types, period: Period, today: date) -> Timeliness:
    """Each timescale's deadlines due in the period: met on time over all met or already past due
    (those waived are listed apart, with their reasons); and median days between two milestones."""
    wanted = [m for m, review_type, _ in TIMELINESS if review_type in types]
    rows = session.execute(
        select(Deadline.milestone, Deadline.case_id, Case.reference, Deadline.due_date, Deadline.met_date)
        .join(Case, Case.id == Deadline.case_id)
        .where(*_visible(types), Deadline.milestone.in_(wanted), period.holds(Deadline.due_date),
               Deadline.waived_at.is_(None), or_(Deadline.met_date.is_not(None), Deadline.due_date < today))
        .order_by(Case.reference)).all()
    counted: dict[str, list] = defaultdict(list)
    for row in rows:
        counted[row.milestone].append(row)
    ratios, late = [], {}
    for milestone, review_type, label in TIMELINESS:
        if review_type not in types:
            continue
        found = counted[milestone]
        in_time = [r.met_date is not None and r.met_date <= r.due_date for r in found]
        ratios.append((milestone, review_type, Ratio(label, sum(in_time), len(found))))
        late[milestone] = [(r.case_id, r.reference, r.due_date, r.met_date) for r, ok in zip(found, in_time) if not ok]
    waived = session.execute(
        select(Deadline.case_id, Case.reference, DeadlineRule.label, Deadline.waived_reason)
        .join(Case, Case.id == Deadline.case_id).join(DeadlineRule, DeadlineRule.id == Deadline.rule_id)
        .where(*_visible(types), Deadline.waived_at.is_not(None), period.holds(Deadline.due_date))
        .order_by(Case.reference)).all()
    return Timeliness(ratios, late, _median_days(session, types, Case.referral_date, Case.decision_date, period),
                      _median_days(session, types, Case.report_completed_date, Case.publication_date, period),
                      [tuple(w) for w in waived])


def _median_days(session: Session, types, start_column, end_column, period: Period) -> dict[ReviewType, int | None]:
    """Per review type, the median days from `start_column` to `end_column`, of cases whose end falls
    in the period."""
    rows = session.execute(select(Case.review_type, start_column, end_column).where(
        *_visible(types), start_column.is_not(None), period.holds(end_column))).all()
    spans: dict[ReviewType, list[int]] = defaultdict(list)
    for review_type, start, end in rows:
        spans[ReviewType(review_type)].append((end - start).days)
    return {t: (round(median(spans[t])) if spans[t] else None) for t in ReviewType if t in types}


# --- activity -------------------------------------------------------------------------------------

@dataclass
class Activity:
    received: dict[ReviewType, int]
    decisions: dict[ReviewType, Counter]  # outcome label: count
    commissioned: dict[ReviewType, int]
    in_progress: dict[ReviewType, int]
    published: dict[ReviewType, int]
    closed: dict[ReviewType, int]


def activity(session: Session, types, period: Period) -> Activity:
    """Referrals received, decisions by outcome, reviews commissioned, published and closed in the
    period, and reviews in progress at its end (commissioned, their report not yet completed), by type."""
    def by_type(query) -> dict[ReviewType, int]:
        counts = dict(session.execute(query.group_by(Case.review_type)).all())
        return {t: counts.get(t, 0) for t in ReviewType if t in types}

    count = select(Case.review_type, func.count(Case.id.distinct())).where(*_visible(types))
    approved = and_(PanelDecision.approval_status == "approved", PanelDecision.archived_at.is_(None))
    decided = session.execute(
        select(Case.review_type, PanelDecision.outcome, func.count()).join(Case, Case.id == PanelDecision.case_id)
        .where(*_visible(types), approved, period.holds(PanelDecision.meeting_date))
        .group_by(Case.review_type, PanelDecision.outcome)).all()
    decisions = {t: Counter() for t in ReviewType if t in types}
    for review_type, outcome, n in decided:
        decisions[ReviewType(review_type)][DecisionOutcome(outcome).label] = n
    commissioned = and_(approved, PanelDecision.outcome == DecisionOutcome.REVIEW_COMMISSIONED)
    with_decision = count.join(PanelDecision, PanelDecision.case_id == Case.id).where(commissioned)
    return Activity(
        received=by_type(count.where(period.holds(Case.referral_date))),
        decisions=decisions,
        commissioned=by_type(with_decision.where(period.holds(PanelDecision.meeting_date))),
        in_progress=by_type(with_decision.where(
            PanelDecision.meeting_date <= period.end,
            or_(Case.report_completed_date.is_(None), Case.report_completed_date > period.end),
            or_(Case.publication_date.is_(None), Case.publication_date > period.end))),
        published=by_type(count.where(period.holds(Case.publication_date))),
        closed=by_type(count.join(TransitionLog, TransitionLog.case_id == Case.id).where(
            TransitionLog.to_state.like("CLOSED%"), period.holds_instant(TransitionLog.at))),
    )


# --- agencies -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyRow:
    agency: str
    requested: int
    on_time: int
    late: int
    median_days_late: int | None
    returned_for_more_work: int
    outstanding: int


def agencies(session: Session, types, period: Period) -> tuple[list[AgencyRow], int, int]:
    """Per agency, what it was asked for in the period and how it answered; and the meetings held in
    the period with how many were quorate."""
    due = func.coalesce(AgencyContribution.extended_to, AgencyContribution.due_date)
    rows = session.execute(
        select(Agency.name, AgencyContribution.received_date, due.label("due"), AgencyContribution.qa_outcome,
               AgencyContribution.withdrawn_date)
        .join(Agency, Agency.id == AgencyContribution.agency_id).join(Case, Case.id == AgencyContribution.case_id)
        .where(*_visible(types), AgencyContribution.archived_at.is_(None), period.holds(AgencyContribution.requested_date))
        .order_by(Agency.name)).all()
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        grouped[row.name].append(row)
    table = []
    for name, asked in grouped.items():
        received = [r for r in asked if r.received_date is not None]
        late_days = [(r.received_date - r.due).days for r in received if r.received_date > r.due]
        table.append(AgencyRow(
            name, len(asked), sum(1 for r in received if r.received_date <= r.due), len(late_days),
            round(median(late_days)) if late_days else None,
            sum(1 for r in received if r.qa_outcome == ContributionQa.RETURNED),
            sum(1 for r in asked if r.received_date is None and r.withdrawn_date is None)))
    meetings = session.scalars(select(Meeting).where(Meeting.archived_at.is_(None), period.holds(Meeting.held_on),
                                                     or_(*(Meeting.streams.contains(ReviewType(t).stream.value)
                                                           for t in types)))
                               .options(selectinload(Meeting.attendees), selectinload(Meeting.meeting_type))).all()
    return table, len(meetings), sum(1 for m in meetings if quorum(m).met)


# --- learning -------------------------------------------------------------------------------------

SHOWN = 50  # the longest list a report page shows; its count is the whole


@dataclass(frozen=True)
class ActionRow:
    id: int
    description: str
    agency: str
    due_date: date
    reason: str | None


@dataclass
class Learning:
    recommendations: list[tuple[str, str, int]]  # level, addressee, count
    actions_by_status: Counter
    actions_by_rag: Counter
    implementation: list[tuple[str, Ratio]]  # per owner agency
    overdue: list[ActionRow]  # the first SHOWN
    overdue_count: int
    not_implemented: list[ActionRow]  # the first SHOWN
    not_implemented_count: int
    themes: list[tuple[str, int]]


def learning_report(session: Session, types, period: Period, today: date) -> Learning:
    """Recommendations made in the period by level and addressee; actions due by the period's end by
    status and RAG; each agency's implementation rate (completed with accepted evidence, over actions
    due by the period's end); actions overdue and not implemented; the most frequent themes. Actions
    are read as plain rows (a national tier has tens of thousands)."""
    addressee = func.coalesce(Agency.name, Recommendation.national_body)  # no literal: PostgreSQL groups by it
    made = session.execute(
        select(Recommendation.level, addressee, func.count())
        .join(Case, Case.id == Recommendation.case_id).outerjoin(Agency, Agency.id == Recommendation.addressee_agency_id)
        .where(*_visible(types), period.holds_instant(Recommendation.created_at))
        .group_by(Recommendation.level, addressee).order_by(Recommendation.level, addressee)).all()
    last_update = (select(ActionUpdate.action_id, func.max(ActionUpdate.on).label("last"))
                   .group_by(ActionUpdate.action_id).subquery())
    actions = session.execute(
        select(ReviewAction.id, ReviewAction.description, ReviewAction.status, ReviewAction.evidence_decision,
               ReviewAction.due_date, ReviewAction.created_at, ReviewAction.not_implemented_reason,
               Agency.name.label("agency"), last_update.c.last)
        .join(Case, Case.id == ReviewAction.case_id).join(Agency, Agency.id == ReviewAction.owner_agency_id)
        .outerjoin(last_update, last_update.c.action_id == ReviewAction.id)
        .where(*_visible(types), ReviewAction.archived_at.is_(None), ReviewAction.due_date <= period.end)
        .order_by(ReviewAction.due_date, ReviewAction.id)).all()
    per_agency: dict[str, list[bool]] = defaultdict(list)
    statuses, rags, overdue, refused = Counter(), Counter(), [], []
    for a in actions:
        status = ActionStatus(a.status)
        last = max(d for d in (a.created_at.date() if a.created_at else None, a.last) if d is not None)
        statuses[status.label] += 1
        rags[learning.rag_of(status, a.evidence_decision, a.due_date, last, today).label] += 1
        per_agency[a.agency].append(status is ActionStatus.COMPLETED and a.evidence_decision == EvidenceDecision.ACCEPTED)
        row = ActionRow(a.id, a.description, a.agency, a.due_date, a.not_implemented_reason)
        if status is ActionStatus.NOT_IMPLEMENTED:
            refused.append(row)
        elif status is not ActionStatus.COMPLETED and a.due_date < today:
            overdue.append(row)
    return Learning(
        recommendations=[(_label(level), _addressee(to), n) for level, to, n in made],
        actions_by_status=statuses, actions_by_rag=rags,
        implementation=[(name, Ratio(name, sum(done), len(done))) for name, done in sorted(per_agency.items())],
        overdue=overdue[:SHOWN], overdue_count=len(overdue),
        not_implemented=refused[:SHOWN], not_implemented_count=len(refused),
        themes=_frequent_themes(session, types),
    )


def _addressee(name: str | None) -> str:
    """An agency's name, or a national body's (stored by its code)."""
    codes = {body.value: body.label for body in NationalBody}
    return codes.get(name, name) if name else ""


def _label(value) -> str:
    return str(getattr(value, "value", value)).replace("_", " ").capitalize()


def _frequent_themes(session: Session, types, top: int = 10) -> list[tuple[str, int]]:
    """The themes reviews and their findings are most often coded by (a review counts once per theme)."""
    by_case = select(case_themes.c.theme_id, case_themes.c.case_id).join(Case, Case.id == case_themes.c.case_id) \
        .where(*_visible(types))
    by_finding = select(finding_theme.c.theme_id, Finding.case_id).join(Finding, Finding.id == finding_theme.c.finding_id) \
        .join(Case, Case.id == Finding.case_id).where(*_visible(types))
    coded = by_case.union(by_finding).subquery()
    rows = session.execute(select(Theme.name, func.count()).join(coded, coded.c.theme_id == Theme.id)
                           .group_by(Theme.name).order_by(func.count().desc(), Theme.name).limit(top)).all()
    return [(name, n) for name, n in rows]


# --- data completeness ---------------------------------------------------------------------------

COMPLETENESS = ("Referral source", "Scope period", "Time to complete", "Family invited", "Themes")


@dataclass
class Completeness:
    cases: list[tuple[int, str, str, list[str]]]  # the first shown: case id, reference, pseudonym, missing
    count: int  # cases lacking something
    by_field: dict[str, int]


def _lacks() -> dict[str, object]:
    """Per COMPLETENESS field, the SQL condition of a case lacking it: time to complete once its report
    is published, a family invitation once a review is commissioned."""
    # IN (a set), not a correlated EXISTS per case: PostgreSQL hashes each set once.
    commissioned = Case.id.in_(select(PanelDecision.case_id).where(
        PanelDecision.approval_status == "approved", PanelDecision.archived_at.is_(None),
        PanelDecision.outcome == DecisionOutcome.REVIEW_COMMISSIONED))
    invited = Case.id.in_(select(FamilyInvolvement.case_id).where(FamilyInvolvement.invited_date.is_not(None)))
    themed = Case.id.in_(select(case_themes.c.case_id))
    return {
        "Referral source": and_(Case.referrer_agency_id.is_(None), or_(Case.referrer_name.is_(None), Case.referrer_name == "")),
        "Scope period": or_(Case.scope_from.is_(None), Case.scope_to.is_(None)),
        "Time to complete": and_(commissioned, Case.report_completed_date.is_(None), Case.publication_date.is_not(None)),
        "Family invited": and_(commissioned, ~invited),
        "Themes": ~themed,
    }


def completeness(session: Session, types, period: Period, shown: int | None = SHOWN) -> Completeness:
    """Of the cases referred by the period's end, how many lack each thing the national analyses and
    returns need, and the first `shown` (None: all) that lack something, with what (two statements,
    counted in SQL)."""
    lacks = _lacks()
    scope = [*_visible(types), Case.referral_date <= period.end]
    anything = or_(*lacks.values())
    counted = session.execute(select(
        func.count().filter(anything), *(func.count().filter(condition) for condition in lacks.values()))
        .select_from(Case).where(*scope)).one()
    rows = session.execute(
        select(Case.id, Case.reference, Case.subject_pseudonym,
               *(sql_case((condition, True), else_=False).label(f"lacks_{n}") for n, condition in enumerate(lacks.values())))
        .where(*scope, anything).order_by(Case.reference).limit(shown)).all()
    names = list(lacks)
    cases = [(r.id, r.reference, r.subject_pseudonym, [names[n] for n in range(len(names)) if r[3 + n]]) for r in rows]
    return Completeness(cases, counted[0], {name: counted[1 + n] for n, name in enumerate(names)})


# --- family involvement --------------------------------------------------------------------------

@dataclass
class Family:
    members: dict[ReviewType, int] = field(default_factory=dict)
    invited: dict[ReviewType, int] = field(default_factory=dict)
    engaged: dict[ReviewType, int] = field(default_factory=dict)
    told_of_publication: dict[ReviewType, int] = field(default_factory=dict)
    dhr_advocacy_offered: Ratio | None = None


def family(session: Session, types, period: Period) -> Family:
    """Family members of reviews referred by the period's end: how many were invited (in the period),
    engaged, and told of publication (in the period); DHR families offered specialist advocacy."""
    rows = session.execute(
        select(Case.review_type, func.count(),
               func.sum(sql_case((period.holds(FamilyInvolvement.invited_date), 1), else_=0)),
               func.sum(sql_case((FamilyInvolvement.engagement_status == EngagementStatus.ENGAGED, 1), else_=0)),
               func.sum(sql_case((period.holds(FamilyInvolvement.told_publication_date), 1), else_=0)),
               func.sum(sql_case((FamilyInvolvement.advocacy_offered.is_(True), 1), else_=0)))
        .join(Case, Case.id == FamilyInvolvement.case_id)
        .where(*_visible(types), FamilyInvolvement.archived_at.is_(None), Case.referral_date <= period.end)
        .group_by(Case.review_type)).all()
    result = Family()
    for t in ReviewType:
        if t in types:
            result.members[t] = result.invited[t] = result.engaged[t] = result.told_of_publication[t] = 0
    for review_type, members, invited, engaged, told, advocacy in rows:
        t = ReviewType(review_type)
        result.members[t], result.invited[t] = members, int(invited or 0)
        result.engaged[t], result.told_of_publication[t] = int(engaged or 0), int(told or 0)
        if t is ReviewType.DHR:
            result.dhr_advocacy_offered = Ratio("DHR family members offered specialist advocacy", int(advocacy or 0), members)
    if ReviewType.DHR in types and result.dhr_advocacy_offered is None:
        result.dhr_advocacy_offered = Ratio("DHR family members offered specialist advocacy", 0, 0)
    return result


# --- the Safeguarding Adults Board's annual report section ---------------------------------------

@dataclass
class ReviewEntry:
    """One review, with its findings and the actions on its recommendations."""

    case: Case
    findings: list[Finding]
    actions: list[tuple[Recommendation, ReviewAction]]


@dataclass
class SabSection:
    period: Period
    concluded: list[ReviewEntry]
    ongoing: list[ReviewEntry]
    not_implemented: list[tuple[Case, Recommendation, ReviewAction]]
    gaps: list[str]  # what is missing for the section: listed, never made up


def sab_section(session: Session, period: Period) -> SabSection:
    """Care Act 2014 Sch 2 para 4: the SARs arranged that concluded in the year, with their findings;
    those ongoing at the year's end; what was done to implement each SAR's findings; and each decision
    not to implement a finding, with the reasons. A SAR is arranged once the board approved a decision
    to hold it, and concluded when its report was completed."""
    arranged = (select(Case).join(PanelDecision, PanelDecision.case_id == Case.id)
                .where(*_visible([ReviewType.SAR]), PanelDecision.approval_status == "approved",
                       PanelDecision.archived_at.is_(None), PanelDecision.outcome == DecisionOutcome.REVIEW_COMMISSIONED,
                       PanelDecision.meeting_date <= period.end)
                .options(lazyload("*"), load_only(*REPORTED)).distinct().order_by(Case.reference))
    sars = session.scalars(arranged).unique().all()
    entries = _with_learning(session, sars, arranged)
    concluded = [e for e in entries if e.case.report_completed_date
                 and period.start <= e.case.report_completed_date <= period.end]
    ongoing = [e for e in entries if not e.case.report_completed_date or e.case.report_completed_date > period.end]
    not_implemented = [(e.case, r, a) for e in entries for r, a in e.actions
                       if ActionStatus(a.status) is ActionStatus.NOT_IMPLEMENTED]
    gaps = [f"{e.case.reference}: concluded with no findings recorded" for e in concluded if not e.findings]
    gaps += [f"{c.reference}, action {a.id}: not implemented with no reason recorded"
             for c, _, a in not_implemented if not a.not_implemented_reason]
    return SabSection(period, concluded, ongoing, not_implemented, gaps)


# --- NHS England's Safeguarding Case Review Tracker (S-CRT) --------------------------------------

# The columns, in order, and where each comes from (the README maps them too).
SCRT_COLUMNS = (
    "Local reference", "StEIS reference", "Status", "Date added", "Incident date", "Report signed off date",
    "Partnership board", "Vulnerability theme 1", "Vulnerability theme 2", "Vulnerability theme 3", "Review type",
    "Comments",
)


def scrt_rows(session: Session, types, period: Period, partnership: str) -> tuple[list[list[str]], list[str]]:
    """One row per review referred by the period's end (rows, then what is missing for the return),
    read as plain rows in two statements."""
    converted = select(Case.parent_id).where(Case.parent_id.is_not(None))
    cases = session.execute(
        select(Case.id, Case.reference, Case.review_type, Case.state, Case.external_reference, Case.referral_date,
               Case.incident_date, Case.report_completed_date, Case.parent_id,
               Case.id.in_(converted).label("converted"))
        .where(*_visible(types), Case.referral_date <= period.end).order_by(Case.reference)).all()
    themes: dict[int, list[str]] = defaultdict(list)
    for case_id, name in session.execute(
            select(case_themes.c.case_id, Theme.name).join(Theme, Theme.id == case_themes.c.theme_id)
            .join(Case, Case.id == case_themes.c.case_id)
            .where(*_visible(types), Case.referral_date <= period.end, Theme.group == ThemeGroup.VULNERABILITY)
            .order_by(case_themes.c.case_id, Theme.name)):
        themes[case_id].append(name)
    rows, gaps = [], []
    for c in cases:
        named = themes[c.id][:3]
        if not named:
            gaps.append(f"{c.reference}: no vulnerability theme")
        rows.append([
            c.reference, c.external_reference or "", "Closed" if c.state.startswith("CLOSED") else "Open",
            c.referral_date.isoformat(), c.incident_date.isoformat(), _iso(c.report_completed_date), partnership,
            *(named + ["", "", ""])[:3], scrt_review_type(c.review_type, c.parent_id, c.converted),
            state_label(c.review_type, c.state),
        ])
    return rows, gaps


def scrt_review_type(review_type, parent_id: int | None, converted: bool) -> str:
    """The tracker's review type: a rapid review that became a local review is "Converted"."""
    if review_type == ReviewType.CSPR:  # a str or the member: a StrEnum compares and hashes as its value
        if converted:
            return "Converted"
        return "Local child safeguarding practice review" if parent_id else "Rapid review"
    return {ReviewType.SAR: "Safeguarding adults review", ReviewType.DHR: "Domestic homicide review"}[review_type]


# --- the safeguarding partners' and the community safety partnership's yearly sections -----------

@dataclass
class YearlyReviews:
    """The reviews of one type live at some point in the period, each with its findings and actions."""

    period: Period
    review_type: ReviewType
    entries: list[ReviewEntry]
    gaps: list[str]


def reviews_of_the_year(session: Session, review_type: ReviewType, period: Period) -> YearlyReviews:
    """For the safeguarding partners' yearly report (CSPRs, Working Together 2023) or the community safety
    partnership's summary (DHRs and DARDRs): every review referred by the period's end and not finished
    before it began, with what was done as a result and the evidence of impact."""
    chosen = (select(Case).where(*_visible([review_type]), Case.referral_date <= period.end,
                                 or_(Case.publication_date.is_(None), Case.publication_date >= period.start))
              .options(lazyload("*"), load_only(*REPORTED)).order_by(Case.reference))
    cases = session.scalars(chosen).all()
    entries = _with_learning(session, cases, chosen)
    gaps = []
    for e in entries:
        for _, a in e.actions:
            if ActionStatus(a.status) is ActionStatus.COMPLETED and not (a.impact_outcome or a.evidence_outcome):
                gaps.append(f"{e.case.reference}, action {a.id}: completed with no evidence of change or impact recorded")
        if e.case.publication_date and not e.actions:
            gaps.append(f"{e.case.reference}: published with no action recorded")
    return YearlyReviews(period, review_type, entries, gaps)


# What the yearly sections show of each case (loading the rest of thousands of cases took half the time).
REPORTED = tuple(getattr(Case, c) for c in (
    "reference", "subject_pseudonym", "review_type", "state", "referral_date", "decision_date",
    "report_completed_date", "publication_date", "archived_at", "version"))


def _with_learning(session: Session, cases: list[Case], chosen) -> list[ReviewEntry]:
    """Each case with its findings and (recommendation, action) pairs, in three statements; `chosen` is
    the select the cases came from, so their records are found by it and not by a list of every id
    (thousands of parameters to send and parse)."""
    ids = chosen.with_only_columns(Case.id).order_by(None).options(lazyload("*"))
    findings = session.scalars(select(Finding).where(Finding.case_id.in_(ids), Finding.archived_at.is_(None))
                               .options(lazyload("*")).order_by(Finding.id)).all() if cases else []
    recommendations = session.scalars(
        select(Recommendation).where(Recommendation.case_id.in_(ids), Recommendation.archived_at.is_(None))
        .options(lazyload("*"), selectinload(Recommendation.actions).options(
            lazyload("*"), joinedload(ReviewAction.owner_agency).lazyload("*")))
        .order_by(Recommendation.id)).all() if cases else []
    by_finding: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        by_finding[f.case_id].append(f)
    by_action: dict[int, list] = defaultdict(list)
    for r in recommendations:
        by_action[r.case_id] += [(r, a) for a in r.actions if a.archived_at is None]
    return [ReviewEntry(c, by_finding[c.id], by_action[c.id]) for c in cases]


# --- library submissions: the National SAR Library coversheet, the Home Office DHR data ---------

SAR_LIBRARY_COLUMNS = ("Reference", "Anonymised title", "Published", "Mandatory or discretionary", "Types of abuse",
                       "Learning themes", "Submitted to the library", "Library reference")
HOME_OFFICE_COLUMNS = ("Reference", "Anonymised title", "Notified", "Decision", "Home Office told", "DARDR",
                       "Report completed", "Submitted for quality assurance", "Quality assurance outcome",
                       "Quality assurance letter", "Published")


def library_rows(session: Session, review_type: ReviewType, period: Period, dardr_from: str | None) -> tuple[list[list], list[str]]:
    """One row per SAR (or DHR) published in the period, as the National SAR Library's coversheet (or
    the Home Office's DHR library) asks; and what each lacks."""
    cases = session.scalars(
        select(Case).where(*_visible([review_type]), period.holds(Case.publication_date))
        .options(selectinload(Case.themes), selectinload(Case.decisions), selectinload(Case.notifications))
        .order_by(Case.publication_date, Case.reference)).all()
    rows, gaps = [], []
    for c in cases:
        if not c.anonymised_title:
            gaps.append(f"{c.reference}: no anonymised title")
        decided = c.approved_decisions()
        if review_type is ReviewType.SAR:
            mandate = next((d.legal_mandate.label for d in decided if d.legal_mandate), "")
            if not mandate:
                gaps.append(f"{c.reference}: no legal mandate on the decision")
            learning_themes = [t.name for t in c.themes if ThemeGroup(t.group) is ThemeGroup.LEARNING_AREA]
            if not learning_themes:
                gaps.append(f"{c.reference}: no learning theme")
            rows.append([c.reference, c.anonymised_title or "", c.publication_date.isoformat(), mandate,
                         "; ".join(a.name for a in c.abuse_categories), "; ".join(learning_themes),
                         _iso(c.library_submitted_date), c.library_reference or ""])
        else:
            told = c.sent_on("home_office:decision")
            rows.append([c.reference, c.anonymised_title or "", c.referral_date.isoformat(), _iso(c.decision_date),
                         _iso(told), "Yes" if c.is_dardr(dardr_from) else "No", _iso(c.report_completed_date),
                         _iso(c.ho_qa_submitted_date), c.ho_qa_outcome.label if c.ho_qa_outcome else "",
                         _iso(c.ho_qa_letter_date), c.publication_date.isoformat()])
            if not c.ho_qa_outcome:
                gaps.append(f"{c.reference}: no Home Office quality assurance outcome")
    return rows, gaps


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
