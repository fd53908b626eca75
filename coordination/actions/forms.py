"""Forms for action items: one action, several at once, status and notes, filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length

from ..form_fields import IdField, options
from ..ids import parse_id
from ..models import ActionPriority, ActionStatus
from .rules import (
    CARRIED,
    DESCRIPTION_MAX,
    NOTE_MAX,
    OUTSTANDING,
    TITLE_MAX,
    ActionInput,
    BulkRow,
    Choices,
)

NONE = ""
BULK_ROWS = 8
ITEM_MESSAGE = "Choose an item from this convening's agenda."
DECISION_MESSAGE = "Choose a decision recorded in this convening's minutes."
OWNER_MESSAGE = "Choose an organisation invited to this convening (or its host)."


class DueDateField(DateField):
    """A calendar date; empty means none, anything unreadable gets a clear message."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata([value.strip() for value in valuelist])
        except ValueError:
            self.data = None
            raise ValueError("Enter a date such as 2030-01-15.") from None


def _organisation_options(choices: Choices, empty: str) -> list:
    return options([(NONE, empty)] + [(str(o.id), o.name) for o in choices.organisations])


class ActionForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[Length(max=TITLE_MAX, message=f"Keep the title under {TITLE_MAX} characters.")],
    )
    description = TextAreaField(
        "Description",
        validators=[Length(max=DESCRIPTION_MAX)],
        description=(
            "What is to be done and what counts as done. Markdown: *emphasis*, lists, links."
        ),
    )
    agenda_item_id = IdField("Agenda item", message=ITEM_MESSAGE)
    decision_id = IdField(
        "Decision",
        message=DECISION_MESSAGE,
        description="The decision in the minutes this action follows from, if any.",
    )
    owner_organisation_id = IdField(
        "Owner organisation",
        message=OWNER_MESSAGE,
        description="An organisation invited to the convening, or its host.",
    )
    owner_person = SelectField(
        "Owner person",
        choices=[],
        validate_choice=False,
        description=(
            "A delegate or a member of the team. Choose an organisation, a person, or both."
        ),
    )
    due_on = DueDateField("Due date")
    priority = SelectField(
        "Priority", choices=options(ActionPriority.choices()), default=ActionPriority.NORMAL.value
    )
    version = HiddenField()

    def offer(self, choices: Choices) -> None:
        self.agenda_item_id.choices = options(
            [(NONE, "None")]
            + [
                (str(item.id), f"{number}. {item.title}")
                for number, item in enumerate(choices.agenda_items, 1)
            ]
        )
        self.decision_id.choices = options(
            [(NONE, "None")] + [(str(entry.id), _short(entry.body)) for entry in choices.decisions]
        )
        self.owner_organisation_id.choices = _organisation_options(choices, "No organisation")
        self.owner_person.choices = options(
            [(NONE, "No one in particular")]
            + [(f"user-{user.id}", f"{user.name} (team)") for user in choices.team_users]
            + [
                (
                    f"delegate-{delegate.id}",
                    f"{delegate.name} ({delegate.invitation.organisation.name})",
                )
                for delegate in choices.delegates
            ]
        )

    def person(self) -> tuple[int | None, int | None]:
        """The chosen owner person as (user id, delegate id)."""
        raw = (self.owner_person.data or "").strip()
        kind, _, number = raw.partition("-")
        if raw == NONE:
            return None, None
        chosen = parse_id(number)
        if chosen is None or kind not in ("user", "delegate"):
            return -1, None
        return (chosen, None) if kind == "user" else (None, chosen)

    def priority_value(self) -> ActionPriority:
        try:
            return ActionPriority(self.priority.data)
        except ValueError:
            return ActionPriority.NORMAL

    def to_input(self) -> ActionInput:
        user_id, delegate_id = self.person()
        return ActionInput(
            title=self.title.data or "",
            description=self.description.data or "",
            agenda_item_id=self.agenda_item_id.data,
            decision_id=self.decision_id.data,
            owner_organisation_id=self.owner_organisation_id.data,
            owner_user_id=user_id,
            owner_delegate_id=delegate_id,
            due_on=self.due_on.data,
            priority=self.priority_value(),
        )


def _short(text: str, length: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class BulkRowForm(Form):
    """One line of the bulk form (no CSRF of its own: the outer form carries it)."""

    title = StringField("Title")
    owner_organisation_id = IdField("Owner organisation", message=OWNER_MESSAGE)
    due_on = DueDateField("Due date")


class BulkForm(FlaskForm):
    agenda_item_id = IdField("Agenda item", message=ITEM_MESSAGE)
    decision_id = IdField("Decision", message=DECISION_MESSAGE)
    rows = FieldList(FormField(BulkRowForm), min_entries=BULK_ROWS, max_entries=50)

    def offer(self, choices: Choices) -> None:
        self.agenda_item_id.choices = options(
            [(NONE, "None")]
            + [
                (str(item.id), f"{number}. {item.title}")
                for number, item in enumerate(choices.agenda_items, 1)
            ]
        )
        self.decision_id.choices = options(
            [(NONE, "None")] + [(str(entry.id), _short(entry.body)) for entry in choices.decisions]
        )
        organisations = _organisation_options(choices, "Choose…")
        for row in self.rows:
            row.form.owner_organisation_id.choices = organisations

    def to_rows(self) -> list[BulkRow]:
        return [
            BulkRow(
                title=(row.form.title.data or "").strip(),
                owner_organisation_id=row.form.owner_organisation_id.data,
                due_on=row.form.due_on.data,
            )
            for row in self.rows
        ]


class StatusForm(FlaskForm):
    """What an owner may change: the status, and a progress note."""

    status = SelectField("Status", choices=options(ActionStatus.choices()), validate_choice=False)
    note = TextAreaField(
        "Progress note",
        validators=[Length(max=NOTE_MAX, message=f"Keep the note under {NOTE_MAX} characters.")],
        description="What has been done, what is in the way. Seen by the team and the owners.",
    )
    version = HiddenField()

    def status_value(self) -> ActionStatus | None:
        try:
            return ActionStatus(self.status.data)
        except ValueError:
            return None


class CarryOverForm(FlaskForm):
    version = HiddenField()


class ActionFilterForm(FlaskForm):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False

    status = SelectField(
        "Status",
        choices=options(
            [
                ("", "Any status"),
                (OUTSTANDING, "Outstanding (not done)"),
                *ActionStatus.choices(),
                (CARRIED, "Carried over"),
            ]
        ),
        validate_choice=False,
    )
    owner = SelectField("Owner organisation", choices=[], validate_choice=False)
