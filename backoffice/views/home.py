"""The admin home page: what the signed-in user can see and act on."""

from __future__ import annotations


from flask import current_app, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from backoffice.domain.approval import awaiting_answer_from
from backoffice.vocabulary import state_label, types_in_streams
from backoffice.extensions import db
from backoffice.domain.deadlines import DeadlineStatus, needs_action, status_condition
from backoffice.domain.deadlines import status as deadline_status
from backoffice.models import (
    Case, Deadline, DeadlineRule, Frequency, IncomingReferral, IntakeStatus, PanelDecision,
)
from backoffice.policy import may, user_roles, user_streams
from backoffice.scope import visible_case_records, visible_cases, within_streams
from backoffice import clock
from backoffice.domain.contributions import DUE_SOON_WORKING_DAYS
from backoffice.views.contributions import due_for_dashboard
from backoffice.views.admin_parts import capped, case_named, counted_to
from backoffice.views.forms import PlainForm
from backoffice.views.learning import actions_due_for_dashboard, board_learning_summary
from wtforms import RadioField


class ReminderSettingsForm(PlainForm):
    frequency = RadioField("How often should the digest of what you must act on be emailed to you?",
                           choices=[(f.value, f.label) for f in Frequency],
                           description="Escalations and overdue statutory deadlines are emailed whatever you choose.")


# The home page lists this many of the user's most urgent deadlines; its counts link to them all.
WORK_SHOWN = 25


class HomeView(AdminIndexView):
    """Cases by type and state, and decisions waiting for the board, each linking to its list."""

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def _handle_view(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        return None

    @expose("/")
    def index(self):
        counting: dict[str, object] = {}  # what the page counts, by name: each a Select of the rows
        work = self._my_deadlines(counting) if may("deadline", "read") else None
        owed = due_for_dashboard(WORK_SHOWN, counting) if may("contribution", "edit") else None
        acting = may("action", "edit") or may("action", "accept_evidence")
        actions = actions_due_for_dashboard(WORK_SHOWN, counting) if acting else None
        if may("decision", "approve"):
            counting["awaiting_approval"] = self._awaiting_approval()
        if may("intake", "triage"):
            counting["referrals_waiting"] = self._referrals_waiting()
        counts = counted(counting)
        return self.render(
            "admin/index.html",
            work=work,
            work_counts={s: counts[s] for s in (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON)} if work is not None else None,
            work_shown=WORK_SHOWN,
            contributions_due=owed,
            contributions_due_count=counts.get("contributions_due"),
            contributions_due_days=DUE_SOON_WORKING_DAYS,
            actions_due=actions,
            actions_due_count=counts.get("actions_due"),
            learning_summary=board_learning_summary() if may("action", "accept_evidence") else None,
            today=clock.today(),
            case_counts=self._case_counts() if may("case", "read") else None,
            awaiting_approval=counts.get("awaiting_approval"),
            referrals_waiting=counts.get("referrals_waiting"),
            roles=sorted(user_roles()),
            reminder_frequency=Frequency(current_user.reminder_frequency or Frequency.DAILY),
            streams=[t for t in types_in_streams(user_streams())],
        )

    @expose("/reminders/", methods=("GET", "POST"))
    def reminders_view(self):
        """The signed-in user's own reminder emails: daily, weekly or off (escalations and overdue
        statutory deadlines come whatever they choose)."""
        form = ReminderSettingsForm(frequency=str(current_user.reminder_frequency or Frequency.DAILY))
        if form.validate_on_submit():
            current_user.reminder_frequency = Frequency(form.frequency.data)
            db.session.commit()
            flash(f"Reminder emails: {Frequency(form.frequency.data).label}.", "success")
            return redirect(url_for(".index"))
        return self.render("admin/reminder_settings.html", form=form)

    def _case_counts(self) -> list[tuple[str, str, str, int]]:
        """(type, state, state label, count) for the cases the user may see, in one query."""
        query = visible_cases(
            select(Case.review_type, Case.state, func.count()).group_by(Case.review_type, Case.state)
        ).order_by(Case.review_type, Case.state)
        return [
            (review_type, state, state_label(review_type, state), count)
            for review_type, state, count in db.session.execute(query)
        ]

    def _my_deadlines(self, counting: dict) -> list[tuple[Deadline, DeadlineStatus]]:
        """The most urgent overdue and soon-due deadlines of visible cases that the user's roles must act
        on (WORK_SHOWN of them); `counting` gets how many of each there are in all."""
        today, soon = clock.today(), current_app.config["DUE_SOON_WORKING_DAYS"]
        mine = (visible_case_records(select(Deadline), Deadline, "deadline").join(Deadline.rule)
                .where(DeadlineRule.responsible_role.in_(user_roles())))
        for wanted in (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON):
            counting[wanted] = mine.where(status_condition(wanted, today, soon))
        shown = (mine.where(needs_action(today, soon)).options(case_named(joinedload(Deadline.case)),
                                                               contains_eager(Deadline.rule))
                 .order_by(Deadline.due_date, Deadline.id).limit(WORK_SHOWN))
        return [(d, deadline_status(d, today, soon)) for d in db.session.scalars(shown).unique()]

    def _referrals_waiting(self):
        """Online referrals of the user's streams waiting for triage (to count)."""
        return within_streams(select(IncomingReferral.id), IncomingReferral).where(IncomingReferral.status == IntakeStatus.NEW)

    def _awaiting_approval(self):
        """Decisions of visible cases waiting for this board member's answer (to count)."""
        return visible_case_records(select(PanelDecision.id), PanelDecision, "decision").where(
            awaiting_answer_from(current_user.id))


def counted(counting: dict) -> dict:
    """Every count the home page shows, in one statement, each counted as far as a list counts (past
    that, "more than 1,000" is what a person needs to know, and counting on would read every case)."""
    if not counting:
        return {}
    names = list(counting)
    row = db.session.execute(select(*(counted_to(counting[name]) for name in names))).one()
    return {name: capped(n) for name, n in zip(names, row)}
