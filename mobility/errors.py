"""Domain errors raised by services and turned into a page message or a JSON 4xx."""


class DomainError(Exception):
    """Base class; `message` is a French sentence a person can act on."""

    status_code = 400

    def __init__(self, message: str, *, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidInput(DomainError):
    """The request is well-formed but its content breaks a rule (field errors attached)."""

    status_code = 422


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    """The request conflicts with the current state (already accepted, already rented)."""

    status_code = 409


class DuplicatePerson(Conflict):
    """Accepting would create a second file for a person the platform already follows."""

    def __init__(self, message: str, *, candidates: list[int]):
        super().__init__(message)
        self.candidates = candidates
