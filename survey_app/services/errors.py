"""Domain errors raised by services; views and commands turn them into messages."""


class DomainError(Exception):
    """Base class: the message is safe to show."""


class InvalidSubmission(DomainError):
    """A response broke a rule; `errors` maps a field (item code, 'comment', ...) to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


class InstrumentChanged(DomainError):
    """A published instrument version differs from its data file: ship a new version instead."""
