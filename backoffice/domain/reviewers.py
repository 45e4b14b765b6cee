"""Who runs a review: what an appointment must record, who leads the review, and who wrote its report."""

from __future__ import annotations

from datetime import date

from backoffice.models.case import Case
from backoffice.models.reviewer import LEADS, Appointment, AppointmentRole


def appointment_errors(appointment: Appointment, today: date) -> dict[str, str]:
    """What is wrong with an appointment about to be saved, by field."""
    errors: dict[str, str] = {}
    if appointment.appointed_date and appointment.appointed_date > today:
        errors["appointed_date"] = "The date appointed cannot be in the future."
    if appointment.appointed_date and appointment.contract_end and appointment.contract_end < appointment.appointed_date:
        errors["contract_end"] = "The contract cannot end before the appointment."
    if not (appointment.conflict_declaration or "").strip():
        errors["conflict_declaration"] = ("Record the conflicts of interest declared, or that none was "
                                          "(e.g. \"None declared\").")
    return errors


def serving(case: Case, today: date) -> list[Appointment]:
    """The case's appointments in force today (not archived, contract not ended)."""
    return [a for a in case.appointments
            if a.archived_at is None and (a.contract_end is None or a.contract_end >= today)]


def leading(case: Case, today: date) -> Appointment | None:
    """Who leads the review: its lead reviewer, or else its independent chair."""
    for role in LEADS:
        found = [a for a in serving(case, today) if a.role == role]
        if found:
            return found[-1]
    return None


def author_note(case: Case, today: date) -> str | None:
    """What the report-received step records of who wrote it."""
    authors = [a for a in serving(case, today) if a.role == AppointmentRole.AUTHOR] or \
              [a for a in serving(case, today) if a.role == AppointmentRole.LEAD_REVIEWER]
    return "Report by " + " and ".join(str(a) for a in authors) + "." if authors else None
