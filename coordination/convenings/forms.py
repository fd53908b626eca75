"""Forms for convenings, their team and series."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from ..form_fields import IdField, options
from ..models import ConveningStatus, TeamRole
from .services import ConveningInput

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
ZONE_HINT = (
    "An IANA name such as Europe/London or America/Los_Angeles. Times below are "
    "wall-clock times in this zone; changing it keeps the times as entered and "
    "places them in the new zone."
)


class LocalDateTimeField(DateTimeLocalField):
    """A wall-clock date and time; empty means none, anything unreadable gets a clear message."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators,
            format=LOCAL_FORMATS,
            invalid_value_message="Enter a date and time, such as 2030-01-15 10:00.",
            **kwargs,
        )

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata([value.strip() for value in valuelist])


class ConveningForm(FlaskForm):
    title = StringField(
        "Title", validators=[InputRequired(message="Enter a title."), Length(max=200)]
    )
    codename = StringField(
        "Codename",
        validators=[Optional(), Length(max=100)],
        description="An optional working name, such as Madison Valleywood.",
    )
    summary = TextAreaField(
        "Summary",
        validators=[Length(max=20000)],
        description="What the convening is for. Markdown: *emphasis*, lists, links.",
    )
    host_organisation_id = IdField(
        "Host organisation", message="Choose an organisation from the directory."
    )
    venue_name = StringField("Venue", validators=[Length(max=200)])
    venue_address = TextAreaField("Venue address", validators=[Length(max=500)])
    venue_room = StringField("Room", validators=[Length(max=100)])
    remote_url = StringField(
        "Remote link",
        validators=[Length(max=500)],
        description="For people joining remotely: an https:// address.",
    )
    timezone = StringField(
        "Time zone",
        validators=[InputRequired(message="Enter a time zone."), Length(max=64)],
        description=ZONE_HINT,
    )
    starts_at = LocalDateTimeField(
        "Starts", validators=[InputRequired(message="Enter the date and time it starts.")]
    )
    ends_at = LocalDateTimeField(
        "Ends", validators=[InputRequired(message="Enter the date and time it ends.")]
    )
    rsvp_deadline = LocalDateTimeField(
        "RSVP deadline",
        validators=[Optional()],
        description="Optional. Replies are asked for by then; it must be before the end.",
    )
    sensitivity = SelectField("Sensitivity", choices=[], validate_choice=False)
    series_id = IdField("Series", message="Choose a series from the list.")
    new_series_name = StringField(
        "Or start a new series",
        validators=[Length(max=200)],
        description="Leave empty unless this convening begins a new series.",
    )
    version = HiddenField()

    def to_input(self) -> ConveningInput:
        return ConveningInput(
            title=self.title.data or "",
            codename=self.codename.data or "",
            summary=self.summary.data or "",
            host_organisation_id=self.host_organisation_id.data,
            venue_name=self.venue_name.data or "",
            venue_address=self.venue_address.data or "",
            venue_room=self.venue_room.data or "",
            remote_url=self.remote_url.data or "",
            timezone=self.timezone.data or "",
            starts_local=self.starts_at.data,
            ends_local=self.ends_at.data,
            rsvp_local=self.rsvp_deadline.data,
            sensitivity=self.sensitivity.data or "",
            series_id=self.series_id.data,
            new_series_name=self.new_series_name.data or "",
        )

    def fill_from(self, data: ConveningInput) -> None:
        """Show the input (times as wall-clock in its zone) in the fields."""
        self.title.data = data.title
        self.codename.data = data.codename
        self.summary.data = data.summary
        self.host_organisation_id.data = data.host_organisation_id
        self.venue_name.data = data.venue_name
        self.venue_address.data = data.venue_address
        self.venue_room.data = data.venue_room
        self.remote_url.data = data.remote_url
        self.timezone.data = data.timezone
        self.starts_at.data = data.starts_local
        self.ends_at.data = data.ends_local
        self.rsvp_deadline.data = data.rsvp_local
        self.sensitivity.data = data.sensitivity
        self.series_id.data = data.series_id


class CloneForm(FlaskForm):
    title = StringField(
        "Title", validators=[InputRequired(message="Enter a title."), Length(max=200)]
    )
    starts_at = LocalDateTimeField(
        "Starts", validators=[InputRequired(message="Enter the date and time it starts.")]
    )
    ends_at = LocalDateTimeField(
        "Ends", validators=[InputRequired(message="Enter the date and time it ends.")]
    )
    rsvp_deadline = LocalDateTimeField(
        "RSVP deadline",
        validators=[Optional()],
        description="Optional. It must be before the end.",
    )
    new_series_name = StringField(
        "Series name",
        validators=[Length(max=200)],
        description="Optional: name a series to group the original and the copy.",
    )


class StatusForm(FlaskForm):
    status = HiddenField(validators=[InputRequired()])
    version = HiddenField()

    def target(self) -> ConveningStatus | None:
        try:
            return ConveningStatus(self.status.data)
        except ValueError:
            return None


class AddMemberForm(FlaskForm):
    email = EmailField(
        "Email address of their account",
        validators=[InputRequired(message="Enter an email address."), Length(max=254)],
    )
    role = SelectField(
        "Role", choices=options(TeamRole.choices()), default=TeamRole.COORDINATOR.value
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=options(TeamRole.choices()))


class SeriesForm(FlaskForm):
    name = StringField("Name", validators=[InputRequired(message="Enter a name."), Length(max=200)])
    description = TextAreaField(
        "Description",
        validators=[Length(max=5000)],
        description="Optional: what ties these convenings together.",
    )
