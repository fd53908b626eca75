"""Forms for minutes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..convenings.forms import options
from ..models import AgendaItem, MinuteKind
from .services import MAX_BODY, MinuteInput

GENERAL = ""


class MinuteForm(FlaskForm):
    kind = SelectField("Kind", choices=options(MinuteKind.choices()), default=MinuteKind.NOTE.value)
    agenda_item_id = SelectField(
        "Agenda item",
        choices=[],
        validate_choice=False,
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

    def item_id(self) -> int | None:
        """The chosen item's id; anything that is not a number names no item (refused later)."""
        raw = (self.agenda_item_id.data or "").strip()
        if raw == GENERAL:
            return None
        return int(raw) if raw.isdigit() else -1

    def to_input(self) -> MinuteInput:
        return MinuteInput(
            kind=MinuteKind(self.kind.data),
            body=self.body.data or "",
            agenda_item_id=self.item_id(),
        )


class EntryVersionForm(FlaskForm):
    """Deleting an entry: the version the person saw."""

    version = HiddenField()


class ConfirmForm(FlaskForm):
    """A bare POST with CSRF (publish, withdraw)."""
