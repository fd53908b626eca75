"""Form fields shared by every domain: ids chosen from a list, and the options they offer.

Every posted id is read here, by ``parse_id``: a value no row could have (``²``, ``٣``, a
number past 64 bits, a negative one, text) is a field error saying what to choose, never a
number handed to the database. Whether the row exists and may be chosen is the service's rule.
"""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError

from .ids import parse_id

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes plain pairs
    SelectChoice = None

CHOOSE_FROM_LIST = "Choose one from the list."


def options(pairs: list[tuple[str, str]]) -> list:
    """Select options in the form this WTForms version prefers."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


def grouped_options(first: tuple[str, str], rows: list[tuple[str, str, str]]):
    """Options in an <optgroup> per group, after a first ungrouped option."""
    if SelectChoice is None:  # older WTForms groups plain pairs in a dict
        groups: dict[str, list[tuple[str, str]]] = {"": [first]}
        for value, label, group in rows:
            groups.setdefault(group, []).append((value, label))
        return groups
    return [SelectChoice(*first)] + [
        SelectChoice(value, label, optgroup=group) for value, label, group in rows
    ]


def choice_id(value: Any) -> int | None:
    """An option's value (or a field's default) as an id; empty, or anything odd, is none."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return parse_id(value) if isinstance(value, str) else None


def parse_version(raw: str | None) -> int | None:
    """The version a form carried back, or None when it is not a plain number one could be."""
    # Versions count from 1 in the same 64-bit columns as ids, so they read alike.
    return parse_id(raw)


class IdField(SelectField):
    """One row chosen by its id, from a select or a hidden input; empty means none.

    ``data`` is the id or None. A posted value that is not an id is refused with ``message``;
    with ``validate_choice=True`` so is an id the options do not offer; with ``required``,
    so is no choice at all (with that message).
    """

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        message=CHOOSE_FROM_LIST,
        required: str | None = None,
        **kwargs,
    ):
        kwargs.setdefault("choices", [])
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, validators, coerce=choice_id, **kwargs)
        self.message = message
        self.required = required
        if required:
            self.flags.required = True

    def _value(self) -> str:
        # What a hidden input carries back: the id, or nothing.
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if not isinstance(raw, str):  # a file posted under the field's name
            self.data = None
            raise ValueError(self.message)
        if not raw.strip():
            self.data = None
            return
        self.data = parse_id(raw)
        if self.data is None:
            raise ValueError(self.message)

    def pre_validate(self, form):
        if self.process_errors:
            return
        if self.data is None and self.required:
            raise StopValidation(self.required)
        if self.validate_choice and self.data is not None:
            offered = {choice_id(value) for value, *_rest in self.iter_choices()}
            if self.data not in offered:
                raise ValidationError(self.message)


class IdsField(SelectMultipleField):
    """Several rows chosen by id: a multiple select, ticked checkboxes, or one value holding
    ids joined by ``separator`` (the agenda's order).

    ``data`` is the list of ids as posted (blank entries skipped); any value that is not an id
    refuses the whole field with ``message``.
    """

    def __init__(
        self, label=None, validators=None, *, message=CHOOSE_FROM_LIST, separator=None, **kwargs
    ):
        kwargs.setdefault("choices", [])
        kwargs.setdefault("validate_choice", False)
        super().__init__(label, validators, coerce=choice_id, **kwargs)
        self.message = message
        self.separator = separator

    def process_data(self, value):
        try:
            self.data = [choice_id(item) for item in value or []]
        except TypeError:
            self.data = []

    def process_formdata(self, valuelist):
        if not all(isinstance(raw, str) for raw in valuelist):
            self.data = []
            raise ValueError(self.message)
        parts = [
            part
            for raw in valuelist
            for part in (raw.split(self.separator) if self.separator else [raw])
            if part.strip()
        ]
        ids = [parse_id(part) for part in parts]
        self.data = [number for number in ids if number is not None]
        if len(self.data) != len(ids):
            raise ValueError(self.message)

    def pre_validate(self, form):
        if self.validate_choice and self.data and not self.process_errors:
            offered = {choice_id(value) for value, *_rest in self.iter_choices()}
            if any(number not in offered for number in self.data):
                raise ValidationError(self.message)
