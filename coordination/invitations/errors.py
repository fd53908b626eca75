"""The error every invitation service raises when it refuses a change."""

from __future__ import annotations

from collections.abc import Mapping


class InvitationError(ValueError):
    """A change refused; ``errors`` maps form fields to messages ("" for the whole form)."""

    def __init__(self, errors: Mapping[str, str] | str, field_name: str = ""):
        self.errors = dict(errors) if isinstance(errors, Mapping) else {field_name: errors}
        super().__init__(" ".join(self.errors.values()))
