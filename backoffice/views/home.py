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
        work, work_counts = self._my_deadlines() if may("deadline", "read") else (None, None)
        owed, owed_count = due_for_dashboard(WORK_SHOWN) if may("contribution", "edit") else (None, None)
        acting = may("action", "edit") or may("action", "accept_evidence")
        actions, actions_count = actions_due_for_dashboard(WORK_SHOWN) if acting else (None, None)
        return self.render(
            "admin/index.html",
            work=work,
            work_counts=work_counts,
            work_shown=WORK_SHOWN,
            contributions_due=owed,
            contributions_due_count=owed_count,
            contributions_due_days=DUE_SOON_WORKING_DAYS,
            actions_due=actions,
            actions_due_count=actions_count,
            learning_summary=board_learning_summary() if may("action", "accept_evidence") else None,
            today=clock.today(),
            case_counts=self._case_counts() if may("case", "read") else None,
            awaiting_approval=self._awaiting_approval() if may("decision", "approve") else None,
            referrals_waiting=self._referrals_waiting() if may("intake", "triage") else None,
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

    def _my_deadlines(self) -> tuple[list[tuple[Deadline, DeadlineStatus]], dict[DeadlineStatus, int]]:
        """The most urgent overdue and soon-due deadlines of visible cases that the user's roles must act
        on (WORK_SHOWN of them), and how many of each there are, counted as far as a list counts (past
        that, "more than 1,000" is what a person needs to know, and counting on reads every case)."""
        today, soon = clock.today(), current_app.config["DUE_SOON_WORKING_DAYS"]
        mine = (visible_case_records(select(Deadline), Deadline, "deadline").join(Deadline.rule)
                .where(DeadlineRule.responsible_role.in_(user_roles())))
        shown = (mine.where(needs_action(today, soon)).options(case_named(joinedload(Deadline.case)),
                                                               contains_eager(Deadline.rule))
                 .order_by(Deadline.due_date, Deadline.id).limit(WORK_SHOWN))
        wanted = (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON)
        counted = db.session.execute(
            select(*(counted_to(mine.where(status_condition(w, today, soon))) for w in wanted))).one()
        counts = {w: capped(n) for w, n in zip(wanted, counted)}
        return [(d, deadline_status(d, today, soon)) for d in db.session.scalars(shown).unique()], counts

    def _referrals_waiting(self) -> int:
        """Online referrals of the user's streams waiting for triage."""
        query = within_streams(select(func.count()).select_from(IncomingReferral), IncomingReferral)
        return db.session.execute(query.where(IncomingReferral.status == IntakeStatus.NEW)).scalar_one()

    def _awaiting_approval(self) -> int:
        query = visible_case_records(
            select(func.count()).select_from(PanelDecision), PanelDecision, "decision"
        ).where(awaiting_answer_from(current_user.id))
        return db.session.execute(query).scalar_one()
