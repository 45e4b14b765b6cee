"""Document status: draft, approved by the board, published, withdrawn."""

from __future__ import annotations

from datetime import date

from backoffice.models.document import DocumentStatus, PublishedDocument

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[DocumentStatus], DocumentStatus]] = {
    "approve": (frozenset({DocumentStatus.DRAFT}), DocumentStatus.APPROVED),
    "publish": (frozenset({DocumentStatus.APPROVED}), DocumentStatus.PUBLISHED),
    "withdraw": (frozenset({DocumentStatus.APPROVED, DocumentStatus.PUBLISHED}), DocumentStatus.WITHDRAWN),
}


class TransitionRefused(ValueError):
    """The document is not in a status the action can start from."""


def apply(action: str, document: PublishedDocument, today: date) -> None:
    """Move `document` on by `action`, or refuse with the reason."""
    allowed_from, target = TRANSITIONS[action]
    current = DocumentStatus(document.status)
    if document.is_archived:
        raise TransitionRefused(f"'{document.title}' is archived.")
    if current not in allowed_from:
        raise TransitionRefused(
            f"'{document.title}' is {current.label.lower()}; it cannot be {target.label.lower()} from there."
        )
    document.status = target
    if target == DocumentStatus.PUBLISHED and document.publication_date is None:
        document.publication_date = today


def is_editable(document: PublishedDocument) -> bool:
    """Only drafts change; an approved or published document is fixed."""
    return DocumentStatus(document.status) == DocumentStatus.DRAFT
