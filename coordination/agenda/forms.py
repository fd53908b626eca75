"""Forms of the agenda builder and the agenda page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ..convenings.forms import LocalDateTimeField
from ..form_fields import IdField, IdsField, options
from ..models import AgendaItemKind, AudienceKind, OrganisationKind
from .validation import MAX_DESCRIPTION, MAX_PRESENTERS_TEXT, MAX_TITLE, ItemInput

ANCHOR_MESSAGE = (
    "The item you chose to insert next to is no longer on the agenda; reload the agenda."
)


class ItemForm(FlaskForm):
    kind = SelectField(
        "Kind",
        choices=options(AgendaItemKind.choices()),
        default=AgendaItemKind.SESSION.value,
        validate_choice=False,
    )
    title = StringField(
        "Title",
        validators=[InputRequired(message="Enter a title."), Length(max=MAX_TITLE)],
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=MAX_DESCRIPTION)],
        description="Optional. Markdown: *emphasis*, lists, links.",
    )
    duration_minutes = StringField(
        "Duration in minutes",
        validators=[InputRequired(message="Enter the duration in whole minutes, such as 45.")],
        description="Whole minutes, such as 45. At most a week.",
    )
    fixed_start = LocalDateTimeField("Fixed start", validators=[Optional()])
    presenter_organisations = IdsField(
        "Presenting organisations",
        message="Choose presenting organisations among those invited, or the host.",
    )
    presenter_delegates = IdsField(
        "Presenting delegates", message="Choose presenting delegates among those confirmed."
    )
    presenters_text = StringField(
        "Other presenters",
        validators=[Length(max=MAX_PRESENTERS_TEXT)],
        description="Optional: people or organisations not invited, such as a keynote speaker.",
    )
    audience_kind = RadioField(
        "Who sees this item",
        choices=options(AudienceKind.choices()),
        default=AudienceKind.EVERYONE.value,
        validate_choice=False,
    )
    audience_kinds = SelectMultipleField(
        "Kinds of organisation",
        choices=options(OrganisationKind.choices()),
        validate_choice=False,
    )
    audience_organisations = IdsField(
        "Organisations", message="Choose organisations among those invited."
    )
    version = HiddenField()

    def duration_value(self) -> int | None:
        raw = (self.duration_minutes.data or "").strip()
        digits = raw.removeprefix("-")
        # isdigit() alone lets "²" through to int(), which refuses it.
        return int(raw) if digits.isascii() and digits.isdigit() else None

    def to_input(self) -> ItemInput:
        return ItemInput(
            title=self.title.data or "",
            duration_minutes=self.duration_value(),
            kind=self.kind.data or "",
            description=self.description.data or "",
            fixed_start_local=self.fixed_start.data,
            presenter_organisation_ids=list(self.presenter_organisations.data or []),
            presenter_delegate_ids=list(self.presenter_delegates.data or []),
            presenters_text=self.presenters_text.data or "",
            audience_kind=self.audience_kind.data or "",
            audience_kinds=list(self.audience_kinds.data or []),
            audience_organisation_ids=list(self.audience_organisations.data or []),
        )

    def fill_from(self, data: ItemInput) -> None:
        self.title.data = data.title
        self.duration_minutes.data = str(data.duration_minutes or "")
        self.kind.data = data.kind
        self.description.data = data.description
        self.fixed_start.data = data.fixed_start_local
        self.presenter_organisations.data = list(data.presenter_organisation_ids)
        self.presenter_delegates.data = list(data.presenter_delegate_ids)
        self.presenters_text.data = data.presenters_text
        self.audience_kind.data = data.audience_kind
        self.audience_kinds.data = list(data.audience_kinds)
        self.audience_organisations.data = list(data.audience_organisation_ids)


class ItemVersionForm(FlaskForm):
    """Delete: the version the person saw, so a changed item is not deleted unseen."""

    version = HiddenField(validators=[InputRequired()])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired()])


ORDER_MESSAGE = "Send the order as item numbers separated by commas."


class OrderForm(FlaskForm):
    """The new order, as item ids separated by commas (posted by agenda.js)."""

    order = IdsField(
        separator=",",
        message=ORDER_MESSAGE,
        validators=[InputRequired(message=ORDER_MESSAGE)],
    )

    def item_ids(self) -> list[int] | None:
        return list(self.order.data) or None


class AnchorForm(FlaskForm):
    """Where a new item goes: before or after an item (from the query string or the form)."""

    class Meta:
        csrf = False

    before = IdField(message=ANCHOR_MESSAGE)
    after = IdField(message=ANCHOR_MESSAGE)

    def problem(self) -> str | None:
        """The message when either place names no item an agenda could have."""
        return next((field.errors[0] for field in (self.before, self.after) if field.errors), None)


class PublishForm(FlaskForm):
    notify = BooleanField(
        "Email everyone invited a summary of the changes",
        description="Each organisation hears only of the items meant for it.",
    )


class ZoneForm(FlaskForm):
    """Choosing a second zone to show times in; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    zone = StringField(
        "Show times also in",
        validators=[Length(max=64)],
        description="A time zone such as Europe/London. Leave empty to show only the "
        "convening's zone.",
    )
