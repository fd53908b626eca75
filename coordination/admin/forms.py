"""Forms of the administration pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..models import Contact, Organisation
from .queries import ACCOUNT_FILTER_LABELS, OUTBOX_STATUS_LABELS, AccountFilter, OutboxStatus

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choice(value: str, label: str):
    return SelectChoice(value, label) if SelectChoice is not None else (value, label)


def optional_id(value) -> int | None:
    """A select's value as an id, or None for the empty choice (or anything odd)."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # matches no choice, so the field says "not a valid choice"


def strip(value):
    return value.strip() if isinstance(value, str) else value


class AccountForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    email = EmailField(
        "Email address",
        filters=[strip],
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message="Enter an email address like name@example.org."),
        ],
    )
    contact = SelectField(
        "Organisation contact",
        coerce=optional_id,
        description="The person's entry in the organisation directory, if they have one.",
    )
    organisation = SelectField(
        "Or add them as a new contact of",
        coerce=optional_id,
        description="Leave the contact empty and choose an organisation to list them there.",
    )
    title = StringField(
        "Title at that organisation",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description="For a new contact, for example Head of Policy.",
    )
    is_admin = BooleanField("Administrator: may manage every account and all settings")

    def set_choices(self, contacts: list[Contact], organisations: list[Organisation]) -> None:
        self.contact.choices = [choice("", "No contact")] + [
            choice(
                str(contact.id),
                f"{contact.organisation.name} — {contact.name}"
                + (f" ({contact.email})" if contact.email else ""),
            )
            for contact in contacts
        ]
        self.organisation.choices = [choice("", "No new contact")] + [
            choice(str(organisation.id), organisation.name) for organisation in organisations
        ]


class _QueryForm(FlaskForm):
    """A filter form read from the query string: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False


class AccountFilterForm(_QueryForm):
    q = SearchField("Name or email", validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Show",
        choices=[choice(member.value, label) for member, label in ACCOUNT_FILTER_LABELS.items()],
        default=AccountFilter.ALL.value,
    )

    def selected(self) -> AccountFilter:
        try:
            return AccountFilter(self.status.data)
        except ValueError:
            return AccountFilter.ALL


class OutboxFilterForm(_QueryForm):
    status = SelectField(
        "Show",
        choices=[choice(member.value, label) for member, label in OUTBOX_STATUS_LABELS.items()],
        default=OutboxStatus.ALL.value,
    )

    def selected(self) -> OutboxStatus:
        try:
            return OutboxStatus(self.status.data)
        except ValueError:
            return OutboxStatus.ALL


class AuditFilterForm(_QueryForm):
    action = SearchField(
        "Action starts with",
        validators=[Optional(), Length(max=80)],
        description="For example user. or convening.",
    )
    actor = SearchField(
        "Done by (name or email)",
        validators=[Optional(), Length(max=200)],
    )
