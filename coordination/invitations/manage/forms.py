"""Forms of the organisers' invitation pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, NumberRange, ValidationError
from wtforms.widgets import TextInput

from ...directory import rules
from ...directory.forms import at_most
from ...form_fields import IdField, IdsField, options, parse_version
from ...models import OrganisationKind
from .rules import DEFAULT_QUOTA, NOTE_MAX, QUOTA_MAX

QUOTA_MESSAGE = f"Offer between 1 and {QUOTA_MAX} seats."
FOCAL_POINT_MESSAGE = "Choose a contact from the list."
NOTE_HINT = (
    "Optional, up to 2,000 characters. It appears in the invitation email as plain text, "
    "exactly as written."
)


class QuotaField(IntegerField):
    """A number of seats; anything but a whole number gets a clear message.

    A text input (inputmode numeric): type="number" would carry invalid markup when a bad
    value is shown back.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = int(str(valuelist[0]).strip())
        except ValueError:
            self.data = None
            raise ValueError("Enter a whole number of seats, such as 2.") from None


def note_length(_form, field) -> None:
    """Count the note as stored (line breaks as one character each)."""
    text = (field.data or "").replace("\r\n", "\n").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(f"Keep the note to {NOTE_MAX:,} characters (this has {len(text):,}).")


def quota_field(label: str = "Seats offered", **kwargs) -> QuotaField:
    return QuotaField(
        label,
        default=DEFAULT_QUOTA,
        validators=[
            InputRequired(message="Enter the number of seats, such as 2."),
            NumberRange(min=1, max=QUOTA_MAX, message=QUOTA_MESSAGE),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
        **kwargs,
    )


def note_field() -> TextAreaField:
    return TextAreaField("Personal note", description=NOTE_HINT, validators=[note_length])


class InviteForm(FlaskForm):
    organisation_id = IdField(
        "Organisation",
        message="Choose an organisation from the list.",
        required="Choose an organisation.",
    )
    seat_quota = quota_field()
    focal_point_id = IdField(
        "Focal point",
        message=FOCAL_POINT_MESSAGE,
        description=(
            "One of the organisation's contacts: they receive the invitation and answer it. "
            "Needed before sending, not now."
        ),
    )
    note = note_field()


class InvitationForm(FlaskForm):
    """Editing an invitation: its seats, focal point and note."""

    seat_quota = quota_field()
    focal_point_id = IdField("Focal point", message=FOCAL_POINT_MESSAGE)
    note = note_field()
    version = HiddenField()

    def expected_version(self) -> int | None:
        return parse_version(self.version.data)


class BulkFilterForm(FlaskForm):
    """Which organisations to invite in bulk, read from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=options([("", "Any kind"), *OrganisationKind.choices()]),
        validate_choice=False,
    )
    sector = SelectField("Sector", choices=options([("", "Any sector")]), validate_choice=False)
    country = SelectField("Country", choices=options([("", "Any country")]), validate_choice=False)


class BulkInviteForm(FlaskForm):
    """Confirming a bulk invitation: the filters again (hidden) and the seats for each."""

    kind = HiddenField()
    sector = HiddenField()
    country = HiddenField()
    seat_quota = quota_field("Seats offered to each organisation")


class NewOrganisationInviteForm(FlaskForm):
    """A new organisation and its focal point, invited at once."""

    organisation_name = StringField(
        "Organisation name",
        validators=[
            InputRequired(message="Give the organisation's name."),
            at_most(rules.NAME_MAX),
        ],
    )
    organisation_kind = SelectField(
        "Kind", choices=options(OrganisationKind.choices()), validate_choice=False
    )
    organisation_country = SelectField(
        "Country",
        choices=options([("", "Not given"), *rules.country_choices()]),
        validate_choice=False,
    )
    organisation_sectors = StringField(
        "Sectors",
        description="Separate them with commas, for example: Social media, Film.",
    )
    contact_name = StringField(
        "Focal point's name",
        validators=[InputRequired(message="Give the contact's name."), at_most(rules.NAME_MAX)],
    )
    # A text input: type="email" would carry invalid markup when a bad address is shown back.
    contact_email = StringField(
        "Focal point's email address",
        description="The invitation is sent here.",
        render_kw={"inputmode": "email", "spellcheck": "false"},
        validators=[
            InputRequired(message="Give the focal point's email address."),
            at_most(rules.EMAIL_MAX),
        ],
    )
    contact_title = StringField("Focal point's job title", validators=[at_most(rules.TITLE_MAX)])
    seat_quota = quota_field()
    note = note_field()

    def organisation_values(self) -> dict[str, str]:
        return {
            "name": self.organisation_name.data or "",
            "kind": self.organisation_kind.data or "",
            "country": self.organisation_country.data or "",
            "sectors": self.organisation_sectors.data or "",
        }

    def contact_values(self) -> dict[str, str]:
        return {
            "name": self.contact_name.data or "",
            "email": self.contact_email.data or "",
            "title": self.contact_title.data or "",
        }


class TickedForm(FlaskForm):
    """The invitations ticked on the list for a bulk action, or every eligible one."""

    scope = HiddenField()
    invitation = IdsField(message="Tick invitations from the list.")

    def chosen(self) -> list[int] | None:
        """The ticked invitations; None when the organiser asked for every eligible one."""
        if self.scope.data == "all":
            return None
        return sorted(set(self.invitation.data or []))
