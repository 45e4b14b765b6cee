"""The one way a rule says no. Every refusal (a step that cannot be taken, an approval, an archive, an
account) is a `Refused`: its message says why, in words a person reads, and `errors` names the form
fields it is about, so a screen can show each beside its field."""

from __future__ import annotations


class Refused(ValueError):
    """A rule refused a change; nothing was changed."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}
