"""Rules for briefing documents: upload, describe, replace, delete and restore.

Files go through ``storage.Staging``: a service receives and checks the file (``uploads``),
adds its row, flushes and moves the file into place; the caller commits and then keeps the
staging (see ``coordination.storage``). Every change is audited. Lists are in ``queries``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from .. import audit
from ..agenda.presenters import live_audience_label
from ..agenda.queries import invited_organisations
from ..agenda.validation import MAX_DESCRIPTION, MAX_TITLE
from ..audiences import apply_audience, check_audience
from ..models import (
    AgendaItem,
    Audience,
    AudienceKind,
    Convening,
    Document,
    DocumentVersion,
    User,
    utcnow,
)
from ..storage import Staging, new_key
from ..timezones import LocalTimeError, format_local, local_to_utc, utc_to_local
from .uploads import (  # noqa: F401 (callers take EMPTY_FILE_MESSAGE and Upload from here)
    EMPTY_FILE_MESSAGE,
    Received,
    Upload,
    receive,
)

STALE_MESSAGE = (
    "This document was changed by someone else while you were editing; reload to see their changes."
)
EMBARGO_RANGE_MESSAGE = "Enter a real date and time, such as 2030-01-15 10:00."


class BriefingError(Exception):
    """Input refused; ``errors`` maps field names to messages ("" for the whole form)."""

    def __init__(self, errors: dict[str, str] | str):
        self.errors = errors if isinstance(errors, dict) else {"": errors}
        super().__init__(" ".join(self.errors.values()))


class StaleDocumentError(BriefingError):
    def __init__(self):
        super().__init__(STALE_MESSAGE)


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


# Audiences: chosen as for agenda items, among the organisations invited to the convening.


def resolve_audience(
    session: Session,
    convening: Convening,
    kind_value: str,
    kinds: list[str],
    organisation_ids: list[int],
    errors: dict[str, str],
    kept: set[int] = frozenset(),
) -> tuple[AudienceKind, list[str], list[int]]:
    """The checked audience; organisations it already has stay choosable (``kept``)."""
    invited = {organisation.id for organisation in invited_organisations(session, convening)}
    return check_audience(
        kind_value,
        kinds,
        organisation_ids,
        invited | set(kept),
        errors,
        "Choose who receives the document from the list.",
    )


def title_from_filename(filename: str) -> str:
    stem, dot, _extension = filename.rpartition(".")
    return " ".join((stem if dot and stem else filename).split())[:MAX_TITLE]


def resolve_details(
    session: Session,
    convening: Convening,
    data: DocumentInput,
    document: Document | None,
    errors: dict[str, str],
) -> Resolved:
    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title to {MAX_TITLE} characters or fewer."
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description to {MAX_DESCRIPTION} characters or fewer."
    labels = sensitivity_labels()
    # A label since removed from the configuration stays on the documents that have it.
    if document is not None and document.sensitivity not in labels:
        labels.append(document.sensitivity)
    sensitivity = data.sensitivity or ""
    if sensitivity not in labels:
        errors["sensitivity"] = "Choose a sensitivity label from the list."
    kept = document.audience.organisation_ids if document is not None else set()
    kind, kinds, organisation_ids = resolve_audience(
        session,
        convening,
        data.audience_kind,
        data.audience_kinds,
        data.audience_organisation_ids,
        errors,
        kept,
    )
    embargo_until = None
    if data.embargo_local is not None:
        try:
            embargo_until = local_to_utc(data.embargo_local, convening.timezone)
        except LocalTimeError as error:
            errors["embargo"] = str(error)
        except OverflowError:
            # At the very ends of the calendar the zone's offset takes the time past them.
            errors["embargo"] = EMBARGO_RANGE_MESSAGE
    agenda_item = None
    if data.agenda_item_id is not None:
        agenda_item = session.get(AgendaItem, data.agenda_item_id)
        if agenda_item is None or agenda_item.convening_id != convening.id:
            errors["agenda_item_id"] = "Choose an item of this convening's agenda, or none."
            agenda_item = None
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


def _apply(session: Session, document: Document, values: Resolved) -> None:
    document.title = values.title
    document.description = values.description
    document.sensitivity = values.sensitivity
    document.embargo_until = values.embargo_until
    document.agenda_item = values.agenda_item
    if document.audience is None:
        document.audience = Audience()
    apply_audience(
        session,
        document.audience,
        values.audience_kind,
        values.audience_kinds,
        values.audience_organisation_ids,
    )


def _add_version(
    session: Session,
    staging: Staging,
    actor: User | None,
    document: Document,
    received: Received,
) -> DocumentVersion:
    """The new version's row, flushed, then its file moved into place under a fresh key."""
    number = max((version.number for version in document.versions), default=0) + 1
    key = new_key()
    version = DocumentVersion(
        document=document,
        number=number,
        storage_key=key,
        filename=received.filename,
        media_type=received.media_type,
        size_bytes=received.staged.size,
        sha256=received.staged.sha256,
        uploaded_by=actor,
    )
    session.add(version)
    session.flush()
    staging.place(received.staged, key)
    # The collection is ordered newest first; read it again so ``latest`` is this version.
    session.expire(document, ["versions"])
    return version


def create_document(
    session: Session,
    actor: User | None,
    convening: Convening,
    data: DocumentInput,
    upload: Upload,
    staging: Staging,
) -> Document:
    """A new document with its first file; the title defaults to the file's name."""
    errors: dict[str, str] = {}
    received = receive(staging, upload, errors)
    if not " ".join((data.title or "").split()) and received is not None:
        data = DocumentInput(**{**data.__dict__, "title": title_from_filename(received.filename)})
    values = resolve_details(session, convening, data, None, errors)
    if errors or received is None:
        raise BriefingError(errors)
    document = Document(convening=convening, created_by=actor, versions=[])
    _apply(session, document, values)
    session.add(document)
    session.flush()
    version = _add_version(session, staging, actor, document, received)
    audit.record(
        session,
        actor,
        "document.created",
        document,
        changes={**describe(document), **describe_version(version)},
        convening_id=convening.id,
    )
    return document


def update_document(
    session: Session,
    actor: User | None,
    document: Document,
    data: DocumentInput,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Save details edited on the given version of the document; answer the fields changed."""
    if expected_version != document.version:
        raise StaleDocumentError()
    errors: dict[str, str] = {}
    values = resolve_details(session, document.convening, data, document, errors)
    if errors:
        raise BriefingError(errors)
    before = describe(document)
    _apply(session, document, values)
    changes = audit.changes_between(before, describe(document))
    if changes:
        # The audience lives in its own row: touch the document so its version moves on
        # and a concurrent edit is caught whatever field it changed.
        document.updated_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            "document.updated",
            document,
            changes=changes,
            convening_id=document.convening_id,
        )
    return changes


def replace_file(
    session: Session,
    actor: User | None,
    document: Document,
    upload: Upload,
    staging: Staging,
    expected_version: int | None,
) -> DocumentVersion:
    """A new version of the file; participants receive it from now on, the team keeps all."""
    if expected_version != document.version:
        raise StaleDocumentError()
    errors: dict[str, str] = {}
    received = receive(staging, upload, errors)
    if errors or received is None:
        raise BriefingError(errors)
    document.updated_at = utcnow()
    version = _add_version(session, staging, actor, document, received)
    audit.record(
        session,
        actor,
        "document.version_added",
        document,
        changes=describe_version(version),
        convening_id=document.convening_id,
    )
    return version


def delete_document(
    session: Session, actor: User | None, document: Document, expected_version: int | None
) -> None:
    """Hide the document from participants; its rows and files stay for the record."""
    if expected_version != document.version:
        raise StaleDocumentError()
    if document.is_deleted:
        raise BriefingError("This document is already deleted.")
    document.deleted_at = utcnow()
    document.deleted_by_id = actor.id if actor else None
    session.flush()
    audit.record(
        session,
        actor,
        "document.deleted",
        document,
        changes={"deleted": [False, True]},
        convening_id=document.convening_id,
    )


def restore_document(
    session: Session, actor: User | None, document: Document, expected_version: int | None
) -> None:
    """Bring a deleted document back; it reaches its audience again."""
    if expected_version != document.version:
        raise StaleDocumentError()
    if not document.is_deleted:
        raise BriefingError("This document is not deleted.")
    document.deleted_at = None
    document.deleted_by_id = None
    session.flush()
    audit.record(
        session,
        actor,
        "document.restored",
        document,
        changes={"deleted": [True, False]},
        convening_id=document.convening_id,
    )
