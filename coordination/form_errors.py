"""Showing a service's refusal on the form that caused it."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm

# Fields a person never sees: their messages are shown above the form instead.
_UNSEEN_FIELDS = ("HiddenField", "CSRFTokenField")


def attach_errors(
    form: FlaskForm, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """Put each message beside its field; answer the messages that belong to no field.

    ``aliases`` name the form field that shows a service field's message, where they differ.
    """
    general = []
    for name, message in errors.items():
        name = (aliases or {}).get(name, name)
        field = form._fields.get(name) if name else None
        if field is None or field.type in _UNSEEN_FIELDS:
            if message:
                general.append(message)
        else:
            field.errors = [*field.errors, message]
    return " ".join(general) or None
