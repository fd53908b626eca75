"""The tracker's filter form, read from the query string (no CSRF: it changes nothing)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SearchField, SelectField, SelectMultipleField
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..form_fields import options
from ..models import ActionStatus, OrganisationKind
from . import tracker


class InChoices:
    """Refuse a value the list does not offer, with a message saying what to do."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form: FlaskForm, field) -> None:
        allowed = {str(value) for value, _label in field.allowed}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in ("", None) and str(value) not in allowed for value in values):
            raise ValidationError(self.message)


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes, so choosing more than one needs no JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(field, pairs: list[tuple[str, str]], blank: str | None = None) -> None:
    field.allowed = pairs
    field.choices = options(([("", blank)] if blank else []) + pairs)


class TrackerFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        "Title contains",
        validators=[Optional(), Length(max=200, message="Use at most 200 characters.")],
    )
    status = CheckboxesField(
        "Status",
        validate_choice=False,
        validators=[InChoices("Choose statuses from those listed.")],
    )
    organisation = SelectField(
        "Owner organisation",
        validate_choice=False,
        validators=[InChoices("Choose an organisation from the list.")],
    )
    kind = SelectField(
        "Kind of organisation",
        validate_choice=False,
        validators=[InChoices("Choose a kind of organisation from the list.")],
    )
    convening = SelectField(
        "Convening",
        validate_choice=False,
        validators=[InChoices("Choose a convening from the list.")],
    )
    series = SelectField(
        "Series",
        validate_choice=False,
        validators=[InChoices("Choose a series from the list.")],
    )
    overdue = BooleanField("Overdue only")
    due_this_week = BooleanField("Due this week", description="Due today or in the six days after.")
    sort = SelectField(
        "Sort by",
        validate_choice=False,
        validators=[InChoices("Choose an order from the list.")],
    )

    def offer(self, choices: tracker.FilterOptions) -> None:
        """Offer only what lies within the viewer's convenings."""
        _choices(self.status, ActionStatus.choices())
        _choices(
            self.organisation,
            [(str(o.value), o.label) for o in choices.organisations],
            "Any organisation",
        )
        _choices(self.kind, OrganisationKind.choices(), "Any kind")
        _choices(
            self.convening,
            [(str(o.value), o.label) for o in choices.convenings],
            "Any convening",
        )
        _choices(self.series, [(str(o.value), o.label) for o in choices.series], "Any series")
        _choices(self.sort, list(tracker.SORTS.items()))
        if not self.sort.data:
            self.sort.data = tracker.DEFAULT_SORT

    def filters(self) -> tracker.TrackerFilters:
        """The filters asked for; call only once the form validated."""
        return tracker.TrackerFilters(
            statuses=tracker.statuses_for(self.status.data or []),
            organisation_id=int(self.organisation.data) if self.organisation.data else None,
            organisation_kind=OrganisationKind(self.kind.data) if self.kind.data else None,
            convening_id=int(self.convening.data) if self.convening.data else None,
            series_id=int(self.series.data) if self.series.data else None,
            overdue=bool(self.overdue.data),
            due_this_week=bool(self.due_this_week.data),
            text=(self.q.data or "").strip(),
            sort=self.sort.data or tracker.DEFAULT_SORT,
        )
