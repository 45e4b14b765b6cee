"""The save pipeline: what every write does, whatever path made it (a form, a list action, a step,
the command line, the demo loader), as one listener per SQLAlchemy event calling steps in a written
order. Importing this module installs it (once: the listeners are the Session class's).

Before each flush, in this order:
1. refuse_overlong_text, refuse_unlawful_mandates, refuse_edits_in_place, refuse_turnaround_edits_in_place,
   refuse_disposal_under_hold: refuse first, before any step does work on a write that cannot be kept
   (text longer than its column; a SAR mandate the criteria do not support; a deadline rule's or an
   agency turnaround's timescale edited under live cases; a case under a legal hold deleted);
2. link_decisions_told: a DHR decision told to the Home Office is linked to the decision, whose
   reasons are what was sent (refused if no decision is approved yet);
   summarise_changed_members: a family member's status follows their events (it changes the member);
   fill_due_dates, reopen_returned_on_resubmission: an agency contribution is due by the turnaround in
   force when it was requested, and one returned for more work is checked afresh when it comes back;
3. recompute_changed_cases: a case's deadlines follow its dates, notifications, holds and approved
   decisions; this may add expected notifications and change deadlines;
4. stamp_actor: last, so that every record the steps above added or changed is stamped with who
   caused it, as well as those the writer changed.
While flushing: each new case gets its reference number (before its row is inserted).
After each flush: the audit rows for everything flushed, in the same transaction (after_flush sees the
ids and the final values).
At the end of a transaction: files stored for it are kept on commit and removed on rollback.
Always: bulk UPDATE and DELETE of audited records are refused (they would bypass the audit).
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from backoffice.domain import (
    audit, contributions, deadlines, family, files, notices, references, retention, rule_versions, rules,
)
from backoffice.models.base import refuse_overlong_text, stamp_actor
from backoffice.models.case import Case

BEFORE_FLUSH = (
    refuse_overlong_text,
    rules.refuse_unlawful_mandates,
    rule_versions.refuse_edits_in_place,
    contributions.refuse_turnaround_edits_in_place,
    retention.refuse_disposal_under_hold,
    notices.link_decisions_told,
    family.summarise_changed_members,
    contributions.fill_due_dates,
    contributions.reopen_returned_on_resubmission,
    deadlines.recompute_changed_cases,
    stamp_actor,
)
AFTER_FLUSH = (audit.audit_flush,)


@event.listens_for(Session, "before_flush")
def before_flush(session: Session, flush_context, instances) -> None:
    for step in BEFORE_FLUSH:
        step(session)


@event.listens_for(Session, "after_flush")
def after_flush(session: Session, flush_context) -> None:
    for step in AFTER_FLUSH:
        step(session, flush_context)


event.listen(Case, "before_insert", references.assign_reference)
event.listen(Session, "after_commit", files.keep_committed_files)
event.listen(Session, "after_soft_rollback", files.discard_uncommitted_files)
event.listen(Session, "do_orm_execute", audit.refuse_bulk_statements)
