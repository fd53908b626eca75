"""A briefing document's details as entered, and checking them: every problem at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from ..agenda.presenters import live_audience_label
from ..agenda.queries import invited_organisations
from ..agenda.validation import MAX_TITLE, title_and_description
from ..audiences import check_audience
from ..models import AgendaItem, AudienceKind, Convening, Document, DocumentVersion
from ..service import InputError
from ..timezones import LocalTimeError, format_local, local_to_utc, utc_to_local

EMBARGO_RANGE_MESSAGE = "Enter a real date and time, such as 2030-01-15 10:00."


@dataclass
class DocumentInput:
    """A document's details as entered; the embargo is wall-clock in the convening's zone."""

    title: str = ""
    description: str = ""
    sensitivity: str = ""
    audience_kind: str = AudienceKind.EVERYONE.value
    audience_kinds: list[str] = field(default_factory=list)
    audience_organisation_ids: list[int] = field(default_factory=list)
    embargo_local: datetime | None = None
    # None for no agenda item; an id that is not one of the convening's is refused.
    agenda_item_id: int | None = None


@dataclass
class Resolved:
    title: str
    description: str
    sensitivity: str
    audience_kind: AudienceKind
    audience_kinds: list[str]
    audience_organisation_ids: list[int]
    embargo_until: datetime | None
    agenda_item: AgendaItem | None


def sensitivity_labels() -> list[str]:
    return list(current_app.config["SENSITIVITY_LABELS"])


def new_input(convening: Convening) -> DocumentInput:
    """The form's starting values: the convening's own sensitivity, for everyone invited."""
    return DocumentInput(sensitivity=convening.sensitivity)


def input_from(document: Document) -> DocumentInput:
    """The input that would recreate the document's details as they are."""
    embargo = document.embargo_until
    return DocumentInput(
        title=document.title,
        description=document.description,
        sensitivity=document.sensitivity,
        audience_kind=document.audience.kind.value,
        audience_kinds=list(document.audience.organisation_kinds or []),
        audience_organisation_ids=sorted(document.audience.organisation_ids),
        embargo_local=(
            utc_to_local(embargo, document.convening.timezone).replace(tzinfo=None)
            if embargo
            else None
        ),
        agenda_item_id=document.agenda_item_id,
    )


def describe(document: Document) -> dict[str, Any]:
    """The audited details as people read them."""
    return {
        "title": document.title,
        "description": document.description,
        "sensitivity": document.sensitivity,
        "audience": live_audience_label(document.audience),
        "embargo_until": format_local(document.embargo_until, document.convening.timezone) or None,
        "agenda_item": document.agenda_item.title if document.agenda_item else None,
    }


def describe_version(version: DocumentVersion) -> dict[str, Any]:
    return {
        "version_number": version.number,
        "filename": version.filename,
        "media_type": version.media_type,
        "size_bytes": version.size_bytes,
        "sha256": version.sha256,
    }


def title_from_filename(filename: str) -> str:
    stem, dot, _extension = filename.rpartition(".")
    return " ".join((stem if dot and stem else filename).split())[:MAX_TITLE]


def _embargo(convening: Convening, local: datetime | None, errors: dict[str, str]):
    if local is None:
        return None
    try:
        return local_to_utc(local, convening.timezone)
    except LocalTimeError as error:
        errors["embargo"] = str(error)
    except OverflowError:
        # At the very ends of the calendar the zone's offset takes the time past them.
        errors["embargo"] = EMBARGO_RANGE_MESSAGE
    return None


def resolve(
    session: Session, convening: Convening, data: DocumentInput, document: Document | None = None
) -> Resolved:
    """The checked details, or InputError with every problem at once.

    The audience is chosen as for agenda items, among the organisations invited; those the
    document already names stay choosable, and so does a label since removed from the
    configuration.
    """
    errors: dict[str, str] = {}
    title, description = title_and_description(data.title, data.description, errors)
    labels = sensitivity_labels()
    if document is not None and document.sensitivity not in labels:
        labels.append(document.sensitivity)
    sensitivity = data.sensitivity or ""
    if sensitivity not in labels:
        errors["sensitivity"] = "Choose a sensitivity label from the list."
    invited = {organisation.id for organisation in invited_organisations(session, convening)}
    kept = document.audience.organisation_ids if document is not None else set()
    kind, kinds, organisation_ids = check_audience(
        data.audience_kind,
        data.audience_kinds,
        data.audience_organisation_ids,
        invited | set(kept),
        errors,
        "Choose who receives the document from the list.",
    )
    embargo_until = _embargo(convening, data.embargo_local, errors)
    agenda_item = None
    if data.agenda_item_id is not None:
        agenda_item = session.get(AgendaItem, data.agenda_item_id)
        if agenda_item is None or agenda_item.convening_id != convening.id:
            errors["agenda_item_id"] = "Choose an item of this convening's agenda, or none."
            agenda_item = None
    if errors:
        raise InputError(errors)
    return Resolved(
        title=title,
        description=description,
        sensitivity=sensitivity,
        audience_kind=kind,
        audience_kinds=kinds,
        audience_organisation_ids=organisation_ids,
        embargo_until=embargo_until,
        agenda_item=agenda_item,
    )
