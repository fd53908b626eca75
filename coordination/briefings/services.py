"""Rules for briefing documents: upload, describe, replace, delete and restore.

Each is a service ``(session, principal, ...)`` that raises only the service contract's
errors and never commits. Files go through ``storage.Staging``: a service receives and checks
the file (``uploads``), adds its row, flushes and moves the file into place; the caller
commits and then keeps the staging (see ``coordination.storage``). Every change is audited.
Checking the details is in ``details``, lists are in ``queries``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..audiences import apply_audience
from ..models import Audience, Convening, Document, DocumentVersion, utcnow
from ..principal import Principal
from ..service import InputError, StaleError
from ..storage import Staging, new_key
from .details import (
    DocumentInput,
    Resolved,
    describe,
    describe_version,
    resolve,
    title_from_filename,
)
from .uploads import Received, Upload, receive


def _check_version(document: Document, expected_version: int | None) -> None:
    if expected_version != document.version:
        raise StaleError()


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
    principal: Principal,
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
        uploaded_by=principal.user,
    )
    session.add(version)
    try:
        session.flush()
    except IntegrityError as error:
        # Another upload took this version number first: the document changed meanwhile.
        raise StaleError() from error
    staging.place(received.staged, key)
    # The collection is ordered newest first; read it again so ``latest`` is this version.
    session.expire(document, ["versions"])
    return version


def create_document(
    session: Session,
    principal: Principal,
    convening: Convening,
    data: DocumentInput,
    upload: Upload,
    staging: Staging,
) -> Document:
    """A new document with its first file; the title defaults to the file's name."""
    errors: dict[str, str] = {}
    received = None
    try:
        received = receive(staging, upload)
    except InputError as error:
        errors.update(error.errors)
    if not " ".join((data.title or "").split()) and received is not None:
        data = DocumentInput(**{**data.__dict__, "title": title_from_filename(received.filename)})
    try:
        values = resolve(session, convening, data)
    except InputError as error:
        errors.update(error.errors)
    if errors or received is None:
        raise InputError(errors)
    actor = principal.user
    document = Document(convening=convening, created_by=actor, versions=[])
    _apply(session, document, values)
    session.add(document)
    session.flush()
    version = _add_version(session, staging, principal, document, received)
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
    principal: Principal,
    document: Document,
    data: DocumentInput,
    expected_version: int | None,
) -> dict[str, list[Any]]:
    """Save details edited on the given version of the document; answer the fields changed."""
    _check_version(document, expected_version)
    values = resolve(session, document.convening, data, document)
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
            principal.user,
            "document.updated",
            document,
            changes=changes,
            convening_id=document.convening_id,
        )
    return changes


def replace_file(
    session: Session,
    principal: Principal,
    document: Document,
    upload: Upload,
    staging: Staging,
    expected_version: int | None,
) -> DocumentVersion:
    """A new version of the file; participants receive it from now on, the team keeps all."""
    _check_version(document, expected_version)
    received = receive(staging, upload)
    document.updated_at = utcnow()
    version = _add_version(session, staging, principal, document, received)
    audit.record(
        session,
        principal.user,
        "document.version_added",
        document,
        changes=describe_version(version),
        convening_id=document.convening_id,
    )
    return version


def delete_document(
    session: Session, principal: Principal, document: Document, expected_version: int | None
) -> None:
    """Hide the document from participants; its rows and files stay for the record."""
    _check_version(document, expected_version)
    if document.is_deleted:
        raise InputError("This document is already deleted.")
    actor = principal.user
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
    session: Session, principal: Principal, document: Document, expected_version: int | None
) -> None:
    """Bring a deleted document back; it reaches its audience again."""
    _check_version(document, expected_version)
    if not document.is_deleted:
        raise InputError("This document is not deleted.")
    document.deleted_at = None
    document.deleted_by_id = None
    session.flush()
    audit.record(
        session,
        principal.user,
        "document.restored",
        document,
        changes={"deleted": [True, False]},
        convening_id=document.convening_id,
    )
