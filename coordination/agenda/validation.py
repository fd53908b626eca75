"""Checking an agenda item as entered: every rule, with a message for the field it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audiences import check_audience
from ..models import (
    AgendaItem,
    AgendaItemKind,
    AudienceKind,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
)
from ..service import InputError
from ..timezones import LocalTimeError, format_local, local_to_utc

MAX_TITLE = 200
MAX_PRESENTERS_TEXT = 500
MAX_DESCRIPTION = 20000
MAX_DURATION = 24 * 60 * 7


def title_and_description(
    title: str | None, description: str | None, errors: dict[str, str]
) -> tuple[str, str]:
    """A title on one line and a Markdown description, tidied; what is wrong goes in errors.

    Agenda items and briefing documents share these limits and messages.
    """
    title = " ".join((title or "").split())
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title to {MAX_TITLE} characters or fewer."
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description to {MAX_DESCRIPTION} characters or fewer."
    return title, description


@dataclass
class ItemInput:
    """An agenda item as entered; times are wall-clock in the convening's zone."""

    title: str
    duration_minutes: int | None
    kind: str = AgendaItemKind.SESSION.value
    description: str = ""
    fixed_start_local: datetime | None = None
    presenter_organisation_ids: list[int] = field(default_factory=list)
    presenter_delegate_ids: list[int] = field(default_factory=list)
    presenters_text: str = ""
    audience_kind: str = AudienceKind.EVERYONE.value
    audience_kinds: list[str] = field(default_factory=list)
    audience_organisation_ids: list[int] = field(default_factory=list)


@dataclass
class Resolved:
    """Checked values, ready to apply to an item."""

    kind: AgendaItemKind
    title: str
    description: str
    duration_minutes: int
    fixed_start: datetime | None
    presenters_text: str
    presenter_organisation_ids: list[int]
    presenter_delegate_ids: list[int]
    audience_kind: AudienceKind
    audience_kinds: list[str]
    audience_organisation_ids: list[int]


def _unique(values: list[int]) -> list[int]:
    return list(dict.fromkeys(values))


def _invited_ids(session: Session, convening: Convening) -> set[int]:
    return set(
        session.scalars(
            select(Invitation.organisation_id).where(
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
            )
        )
    )


def _delegate_ids(session: Session, convening: Convening) -> set[int]:
    return set(
        session.scalars(
            select(Delegate.id)
            .join(Invitation, Invitation.id == Delegate.invitation_id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status != InvitationStatus.WITHDRAWN,
                Delegate.status == DelegateStatus.CONFIRMED,
            )
        )
    )


def _fixed_start(convening: Convening, local: datetime | None, errors: dict) -> datetime | None:
    if local is None:
        return None
    try:
        instant = local_to_utc(local, convening.timezone)
    except LocalTimeError as error:
        errors["fixed_start"] = str(error)
        return None
    if not convening.starts_at <= instant < convening.ends_at:
        pattern = "%a %d %b %Y, %H:%M"
        errors["fixed_start"] = (
            "A fixed start must lie within the convening, from "
            f"{format_local(convening.starts_at, convening.timezone, pattern)} to "
            f"{format_local(convening.ends_at, convening.timezone, pattern)}."
        )
    return instant


def resolve(
    session: Session, convening: Convening, data: ItemInput, item: AgendaItem | None = None
) -> Resolved:
    """The checked values of the input, or InputError with every problem at once."""
    errors: dict[str, str] = {}
    try:
        kind = AgendaItemKind(data.kind)
    except ValueError:
        kind = AgendaItemKind.OTHER
        errors["kind"] = "Choose a kind of item from the list."
    title, description = title_and_description(data.title, data.description, errors)
    duration = data.duration_minutes
    if duration is None:
        errors["duration_minutes"] = "Enter the duration in whole minutes, such as 45."
    elif duration < 1:
        errors["duration_minutes"] = "The duration must be at least 1 minute."
    elif duration > MAX_DURATION:
        errors["duration_minutes"] = f"The duration can be at most a week ({MAX_DURATION} minutes)."
    fixed_start = _fixed_start(convening, data.fixed_start_local, errors)
    presenters_text = " ".join((data.presenters_text or "").split())
    if len(presenters_text) > MAX_PRESENTERS_TEXT:
        errors["presenters_text"] = (
            f"Keep other presenters to {MAX_PRESENTERS_TEXT} characters or fewer."
        )

    # What the item has already stays choosable, even if its invitation has since changed.
    kept_organisations = {p.organisation_id for p in item.presenters} if item else set()
    kept_delegates = {p.delegate_id for p in item.presenters} if item else set()
    kept_audience = item.audience.organisation_ids if item else set()
    invited = _invited_ids(session, convening)
    presenter_organisations = _unique(data.presenter_organisation_ids)
    may_present = invited | {convening.host_organisation_id} - {None}
    if set(presenter_organisations) - may_present - kept_organisations:
        errors["presenter_organisations"] = (
            "Choose presenting organisations among those invited and the host."
        )
    presenter_delegates = _unique(data.presenter_delegate_ids)
    if set(presenter_delegates) - _delegate_ids(session, convening) - kept_delegates:
        errors["presenter_delegates"] = (
            "Choose presenters among the confirmed delegates of this convening."
        )

    audience_kind, audience_kinds, audience_organisations = check_audience(
        data.audience_kind,
        data.audience_kinds,
        data.audience_organisation_ids,
        invited | kept_audience,
        errors,
        "Choose who the item is for from the list.",
    )
    if errors:
        raise InputError(errors)
    return Resolved(
        kind=kind,
        title=title,
        description=description,
        duration_minutes=duration,
        fixed_start=fixed_start,
        presenters_text=presenters_text,
        presenter_organisation_ids=presenter_organisations,
        presenter_delegate_ids=presenter_delegates,
        audience_kind=audience_kind,
        audience_kinds=audience_kinds,
        audience_organisation_ids=audience_organisations,
    )
