"""Forms of the answer page: the answer, a delegate, a request for more seats, a decision."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ...form_fields import options, parse_version
from ...models import AttendanceMode, InvitationStatus
from .delegates import EMAIL_MAX, INVALID_EMAIL, NAME_MAX, NEEDS_MAX, TITLE_MAX, DelegateInput
from .seats import MAX_EXTRA_SEATS, REASON_MAX

ANSWER_CHOICES = [
    (InvitationStatus.ACCEPTED.value, "Yes, we will attend"),
    (InvitationStatus.TENTATIVE.value, "Perhaps: we answer tentatively"),
    (InvitationStatus.DECLINED.value, "No, we cannot attend"),
]


def at_most(maximum: int) -> Length:
    return Length(max=maximum, message=f"Use at most {maximum:,} characters.")


def valid_email(_form, field) -> None:
    """The same check the service makes, so every problem shows at once."""
    try:
        validate_email((field.data or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(INVALID_EMAIL) from None


class AnswerForm(FlaskForm):
    answer = RadioField(
        "Your organisation's answer",
        choices=options(ANSWER_CHOICES),
        validators=[InputRequired(message="Choose an answer.")],
    )
    # Set by the confirmation step: declining cancels the delegates already named.
    confirm = HiddenField()

    def status(self) -> InvitationStatus:
        return InvitationStatus(self.answer.data)


class DelegateForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired(message="Enter the delegate's name."), at_most(NAME_MAX)],
    )
    email = EmailField(
        "Email address",
        validators=[
            InputRequired(message="Enter the delegate's email address."),
            at_most(EMAIL_MAX),
            valid_email,
        ],
        description="Their confirmation and calendar invitation are sent here.",
    )
    title = StringField("Job title", validators=[Optional(), at_most(TITLE_MAX)])
    attendance = RadioField(
        "Attending",
        choices=options(AttendanceMode.choices()),
        default=AttendanceMode.IN_PERSON.value,
        validators=[InputRequired(message="Choose in person or remote.")],
    )
    accessibility_needs = TextAreaField(
        "Accessibility needs",
        validators=[at_most(NEEDS_MAX)],
        description="Optional: anything the organisers should arrange, such as step-free access.",
    )
    dietary_needs = TextAreaField(
        "Dietary needs",
        validators=[at_most(NEEDS_MAX)],
        description="Optional.",
    )
    is_head = BooleanField(
        "Head of delegation",
        description="One person leads the delegation; marking someone unmarks the current head.",
    )

    def to_input(self) -> DelegateInput:
        return DelegateInput(
            name=self.name.data or "",
            email=self.email.data or "",
            title=self.title.data or "",
            attendance=AttendanceMode(self.attendance.data),
            accessibility_needs=self.accessibility_needs.data or "",
            dietary_needs=self.dietary_needs.data or "",
            is_head=bool(self.is_head.data),
        )

    def fill_from(self, delegate) -> None:
        self.name.data = delegate.name
        self.email.data = delegate.email
        self.title.data = delegate.title or ""
        self.attendance.data = delegate.attendance.value
        self.accessibility_needs.data = delegate.accessibility_needs
        self.dietary_needs.data = delegate.dietary_needs
        self.is_head.data = delegate.is_head


class SeatRequestForm(FlaskForm):
    seats = IntegerField(
        "How many more seats",
        validators=[
            InputRequired(message="Enter how many more seats you need."),
            NumberRange(
                min=1,
                max=MAX_EXTRA_SEATS,
                message=f"Ask for between 1 and {MAX_EXTRA_SEATS} more seats.",
            ),
        ],
    )
    reason = TextAreaField(
        "Why you need them",
        validators=[
            InputRequired(message="Say why your organisation needs more seats."),
            at_most(REASON_MAX),
        ],
    )


class SeatDecisionForm(FlaskForm):
    decision = HiddenField(validators=[InputRequired()])
    # The invitation's version when the page was shown: a request changed since is refused.
    version = HiddenField()
    next = HiddenField()

    def expected_version(self) -> int | None:
        return parse_version(self.version.data)

    def approve(self) -> bool | None:
        return {"approve": True, "refuse": False}.get(self.decision.data or "")
