"""Forms of date polls: its title, a slot, the voters, a ballot, closing on a slot."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..convenings.forms import LocalDateTimeField
from ..form_fields import IdField, IdsField, options
from ..models import PollChoice


class PollForm(FlaskForm):
    title = StringField(
        "Title voters see",
        validators=[InputRequired(message="Enter the title voters will see."), Length(max=200)],
        description="Voters see this title and the slots, nothing else of the draft.",
    )


class SlotForm(FlaskForm):
    starts_at = LocalDateTimeField(
        "Starts", validators=[InputRequired(message="Enter the date and time it starts.")]
    )
    ends_at = LocalDateTimeField(
        "Ends", validators=[InputRequired(message="Enter the date and time it ends.")]
    )


class SlotChoiceForm(FlaskForm):
    slot = IdField("Slot", required="Choose one of the poll's slots.")


class CloseForm(FlaskForm):
    slot = IdField("Slot", required="Choose one of the poll's slots.")
    version = HiddenField()


class VotersForm(FlaskForm):
    voters = IdsField("Organisations who vote", message="Choose organisations from the list.")
    must_attend = IdsField("Must attend", message="Choose organisations from the list.")


class ButtonForm(FlaskForm):
    """A button with no fields of its own (opening, reminding)."""


CHOICES = options([(choice.value, choice.label) for choice in PollChoice])


def ballot_form(slots, formdata=None, votes=None, comment: str = ""):
    """A form with a yes / if need be / no choice per slot."""

    class BallotForm(FlaskForm):
        comment = TextAreaField("Comment (optional)", validators=[Length(max=2000)])

    for slot in slots:
        setattr(
            BallotForm,
            f"slot-{slot.id}",
            RadioField(
                f"Slot {slot.id}",
                choices=CHOICES,
                validators=[InputRequired(message="Choose yes, if need be or no.")],
                validate_choice=True,
            ),
        )
    if formdata is not None:
        return BallotForm()
    form = BallotForm(formdata=None)
    for slot_id, choice in (votes or {}).items():
        field = form._fields.get(f"slot-{slot_id}")
        if field is not None:
            field.data = choice.value
    form.comment.data = comment
    return form
