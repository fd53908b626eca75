"""Forms for minutes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..form_fields import IdField, options
from ..models import AgendaItem, MinuteKind
from .services import MAX_BODY, MinuteInput

GENERAL = ""


class MinuteForm(FlaskForm):
    kind = SelectField("Kind", choices=options(MinuteKind.choices()), default=MinuteKind.NOTE.value)
    agenda_item_id = IdField(
        "Agenda item",
        message="Choose an item from this convening's agenda.",
        description="The item this belongs to, or a general note for the whole convening.",
    )
    body = TextAreaField(
        "Text",
        validators=[
            DataRequired(message="Write the note or decision."),
            Length(max=MAX_BODY, message=f"Keep it under {MAX_BODY} characters."),
        ],
        description="Markdown: *emphasis*, lists, links.",
    )
    version = HiddenField()

    def offer_items(self, items: list[AgendaItem]) -> None:
        self.agenda_item_id.choices = options(
            [(GENERAL, "General (no agenda item)")]
            + [(str(item.id), f"{number}. {item.title}") for number, item in enumerate(items, 1)]
        )

    def to_input(self) -> MinuteInput:
        return MinuteInput(
            kind=MinuteKind(self.kind.data),
            body=self.body.data or "",
            agenda_item_id=self.agenda_item_id.data,
        )


class EntryVersionForm(FlaskForm):
    """Deleting an entry: the version the person saw."""

    version = HiddenField()


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (publish, withdraw)."""
