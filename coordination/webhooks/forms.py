"""The form subscribing an endpoint to events."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField

from ..form_fields import options
from .events import EVENT_TYPES


class SubscriptionForm(FlaskForm):
    url = StringField(
        "Receiver's address",
        description=(
            "An https:// address on the internet that accepts POST requests, such as "
            "https://example.org/coordination-events."
        ),
    )
    # The service checks the choices, with the words the page shows.
    events = SelectMultipleField(
        "Events to send",
        choices=options(list(EVENT_TYPES.items())),
        validate_choice=False,
    )
