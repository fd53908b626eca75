"""The contract every service that changes data keeps, whichever front calls it.

A service is a function ``(session, principal, input) -> result`` in a domain's
``services.py``. It checks its rules, writes the change and its audit event, queues its email,
and never commits: the caller does (a view through ``view_helpers.run_service``, the API, the
mail receiver, the worker). When it refuses, it raises one of the two errors below, having
written nothing the caller will keep (the caller rolls back).
"""

from __future__ import annotations

from collections.abc import Mapping

CHANGED_MEANWHILE = (
    "Someone else changed this while you were editing. Nothing was saved: reload the page to "
    "see their changes, then make yours again."
)


class InputError(ValueError):
    """Input a rule refuses: a message per field, "" naming the form (or request) as a whole."""

    # What an HTTP front answers; a refusal on grounds of rights says 403.
    status = 400

    def __init__(self, errors: Mapping[str, str] | str, field: str = ""):
        self.errors = dict(errors) if isinstance(errors, Mapping) else {field: errors}
        super().__init__(" ".join(message for message in self.errors.values() if message))

    @property
    def field(self) -> str:
        """The first field a message is about ("" for the whole form)."""
        return next(iter(self.errors), "")


class NotPermitted(InputError):
    """The actor may not do this to this object, whatever they enter."""

    status = 403


class StaleError(Exception):
    """The object changed since the version the change was based on."""

    status = 409

    def __init__(self, message: str = CHANGED_MEANWHILE):
        super().__init__(message)
        self.errors = {"": message}
