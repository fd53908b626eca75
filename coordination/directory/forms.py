"""Forms of the directory: filters, organisations, contacts, CSV import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..form_fields import options
from ..models import OrganisationKind
from . import rules


class Clean:
    """Run one of the directory's rules on the field, so forms and services agree."""

    def __init__(self, rule: Callable[[Any], Any], message: str | None = None):
        self.rule = rule
        self.message = message

    def __call__(self, form: FlaskForm, field) -> None:
        try:
            self.rule(field.data)
        except rules.InvalidValue as error:
            raise ValidationError(self.message or str(error)) from None


def at_most(maximum: int) -> Length:
    return Length(max=maximum, message=f"Use at most {maximum:,} characters.")


class DirectoryFilterForm(FlaskForm):
    """The list's search and filters, read from the query string."""

    class Meta:
        csrf = False

    q = SearchField("Name contains", validators=[Optional(), at_most(200)])
    kind = SelectField(
        "Kind",
        choices=options([("", "Any kind"), *OrganisationKind.choices()]),
        validate_choice=False,
    )
    sector = SelectField("Sector", choices=options([("", "Any sector")]), validate_choice=False)
    country = SelectField("Country", choices=options([("", "Any country")]), validate_choice=False)
    archived = BooleanField("Include archived organisations")


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the organisation's name."), at_most(rules.NAME_MAX)],
    )
    kind = SelectField(
        "Kind",
        choices=options(OrganisationKind.choices()),
        validate_choice=False,
        validators=[Clean(rules.clean_kind, "Choose a kind from the list.")],
    )
    country = SelectField(
        "Country",
        choices=options([("", "Not given"), *rules.country_choices()]),
        validate_choice=False,
        validators=[Clean(rules.clean_country, "Choose a country from the list.")],
    )
    sectors = StringField(
        "Sectors",
        description=(
            f"Separate them with commas, for example: Social media, Film. "
            f"Up to {rules.SECTORS_MAX_COUNT}, each at most {rules.SECTOR_MAX} characters."
        ),
        validators=[Clean(rules.clean_sectors)],
    )
    # A text input: type="url" would carry invalid markup when a bad address is shown back.
    website = StringField(
        "Website",
        description="A full address, such as https://www.example.org",
        render_kw={"inputmode": "url", "spellcheck": "false"},
        validators=[at_most(rules.WEBSITE_MAX), Clean(rules.clean_website)],
    )
    notes = TextAreaField("Notes", validators=[at_most(rules.NOTES_MAX)])
    version = HiddenField()


class ContactForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Give the contact's name."), at_most(rules.NAME_MAX)],
    )
    email = EmailField(
        "Email address",
        description="Optional. No two contacts of one organisation share an address.",
        validators=[at_most(rules.EMAIL_MAX), Clean(rules.clean_email)],
    )
    title = StringField("Job title", validators=[at_most(rules.TITLE_MAX)])
    phone = TelField("Phone", validators=[at_most(rules.PHONE_MAX)])


class ImportUploadForm(FlaskForm):
    file = FileField(
        "CSV file",
        description="Saved as UTF-8 (in a spreadsheet: “CSV UTF-8”).",
        validators=[FileRequired(message="Choose a CSV file to upload.")],
    )


class ImportConfirmForm(FlaskForm):
    payload = HiddenField(validators=[DataRequired(message="Upload the file again.")])
