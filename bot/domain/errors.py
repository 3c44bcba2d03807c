"""Expected failures: each names the catalogue text that explains it to the user."""

from __future__ import annotations


class DomainError(Exception):
    """An expected failure that the handler renders as a message; never a bug."""

    text_key = "error.generic"

    def __init__(self, text_key: str | None = None, **params: object) -> None:
        super().__init__(text_key or self.text_key)
        if text_key is not None:
            self.text_key = text_key
        self.params = params


class NotAllowed(DomainError):
    """The person may not see or do this."""

    text_key = "error.not_allowed"


class NotFound(DomainError):
    """The thing asked for does not exist (or is hidden from this person)."""

    text_key = "error.not_found"


class InvalidInput(DomainError):
    """What the person typed cannot be used; the text key says why."""

    text_key = "error.invalid_input"


class Expired(DomainError):
    """A time window has closed (undo, edit, invite)."""

    text_key = "error.expired"


class Conflict(DomainError):
    """The thing changed under the person's hands (already saved, already used)."""

    text_key = "error.conflict"
