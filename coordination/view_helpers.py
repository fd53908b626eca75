"""What every view shares: running a service, and showing what it refused.

A view parses its input, checks permission (``guard``), then hands the change to
``run_service``: the service runs on the request's session, which is committed when it
succeeds, or rolled back with the refusal put on the form (or flashed) when it raises one of
the service contract's errors. No view commits or rolls back by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from .db import get_session
from .service import CHANGED_MEANWHILE, InputError, StaleError

Result = TypeVar("Result")

# Fields a person never sees: their messages are shown above the form instead.
_UNSEEN_FIELDS = ("HiddenField", "CSRFTokenField")


def attach_errors(
    form: FlaskForm, errors: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> str | None:
    """Put each message beside its field; answer the messages that belong to no field.

    ``aliases`` name the form field that shows a service field's message, where they differ.
    """
    general = []
    for name, message in errors.items():
        name = (aliases or {}).get(name, name)
        field = form._fields.get(name) if name else None
        if field is None or field.type in _UNSEEN_FIELDS:
            if message:
                general.append(message)
        else:
            field.errors = [*field.errors, message]
    return " ".join(general) or None


def check_the_rest(
    form: FlaskForm, check: Callable[[Any], Any], aliases: Mapping[str, str] | None = None
) -> None:
    """With some fields refused by the form already, show every other problem at once.

    ``check(session)`` is the service's own check of the input (it writes nothing); its
    messages go beside the fields that have none yet.
    """
    try:
        check(get_session())
    except InputError as error:
        others = {}
        for name, message in error.errors.items():
            field = form._fields.get((aliases or {}).get(name, name)) if name else None
            if field is None or not field.errors:
                others[name] = message
        attach_errors(form, others, aliases)


@dataclass
class Outcome(Generic[Result]):
    """What became of a service run: its result, or the refusal and the status to answer."""

    ok: bool
    result: Result | None = None
    # The refusal's messages that belong to no field of the form (or all of them, without one).
    problem: str | None = None
    status: int = 200
    error: InputError | StaleError | None = None


def run_service(
    call: Callable[[Any], Result],
    form: FlaskForm | None = None,
    *,
    aliases: Mapping[str, str] | None = None,
    flash_refusal: bool = False,
) -> Outcome[Result]:
    """Run ``call(session)``: commit what it wrote, or roll it back and report the refusal.

    The refusal's messages go beside the form's fields, the rest into ``problem``; with
    ``flash_refusal`` (buttons without a form of their own) the whole message is flashed.
    """
    session = get_session()
    try:
        result = call(session)
        session.flush()
    except (StaleError, StaleDataError) as error:
        session.rollback()
        stale = error if isinstance(error, StaleError) else StaleError()
        return _refused(stale, CHANGED_MEANWHILE, form, aliases, flash_refusal)
    except InputError as error:
        session.rollback()
        return _refused(error, None, form, aliases, flash_refusal)
    session.commit()
    return Outcome(ok=True, result=result)


def _refused(error, problem, form, aliases, flash_refusal) -> Outcome:
    if problem is None:
        problem = attach_errors(form, error.errors, aliases) if form is not None else str(error)
    if flash_refusal and (problem or str(error)):
        flash(problem or str(error), "error")
    return Outcome(ok=False, problem=problem, status=error.status, error=error)
