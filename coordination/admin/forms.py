"""Forms of the administration pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from ..form_fields import IdField, options
from ..models import Contact, Organisation
from .queries import ACCOUNT_FILTER_LABELS, OUTBOX_STATUS_LABELS, AccountFilter, OutboxStatus


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
    contact = IdField(
        "Organisation contact",
        message="Choose a contact from the list.",
        validate_choice=True,
        description="The person's entry in the organisation directory, if they have one.",
    )
    organisation = IdField(
        "Or add them as a new contact of",
        message="Choose an organisation from the list.",
        validate_choice=True,
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
        self.contact.choices = options(
            [("", "No contact")]
            + [
                (
                    str(contact.id),
                    f"{contact.organisation.name} — {contact.name}"
                    + (f" ({contact.email})" if contact.email else ""),
                )
                for contact in contacts
            ]
        )
        self.organisation.choices = options(
            [("", "No new contact")]
            + [(str(organisation.id), organisation.name) for organisation in organisations]
        )


class _QueryForm(FlaskForm):
    """A filter form read from the query string: nothing changes, so no CSRF token."""

    class Meta:
        csrf = False


class AccountFilterForm(_QueryForm):
    q = SearchField("Name or email", validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Show",
        choices=options([(member.value, label) for member, label in ACCOUNT_FILTER_LABELS.items()]),
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
        choices=options([(member.value, label) for member, label in OUTBOX_STATUS_LABELS.items()]),
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
