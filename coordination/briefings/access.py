"""Who may receive a document: the team always; others through its audience and embargo."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..audiences import Viewer, admits, snapshot, viewer_for
from ..db import get_session
from ..invitations import links
from ..models import (
    PARTICIPATING_STATUSES,
    Convening,
    ConveningStatus,
    Document,
    DocumentVersion,
    Invitation,
    utcnow,
)
from ..permissions import Action, rule
from ..principal import Principal

PDF_MEDIA_TYPE = "application/pdf"


def is_team(principal: Principal, convening: Convening) -> bool:
    return principal.is_admin or principal.role_in(convening) is not None


def linked_viewer(principal: Principal, convening: Convening) -> Viewer:
    """The organisations whose invitation links to this convening were opened in this session."""
    if not principal.link_grants:
        return Viewer()
    invitations = get_session().scalars(
        select(Invitation).where(
            Invitation.id.in_(list(principal.link_grants)),
            Invitation.convening_id == convening.id,
            Invitation.status.in_(PARTICIPATING_STATUSES),
        )
    )
    now = utcnow()
    organisations = frozenset(
        (invitation.organisation_id, invitation.organisation.kind.value)
        for invitation in invitations
        if links.is_current(invitation, principal.link_grants.get(invitation.id), now)
    )
    return Viewer(organisations=organisations)


def briefing_viewer(principal: Principal, convening: Convening) -> Viewer:
    """The viewer a principal is for a convening's briefings: account and opened links alike."""
    if is_team(principal, convening):
        return Viewer.team()
    through_account = (
        viewer_for(get_session(), principal, convening) if principal.user else Viewer()
    )
    through_links = linked_viewer(principal, convening)
    return Viewer(organisations=through_account.organisations | through_links.organisations)


def watermarks(label: str) -> bool:
    return label in current_app.config["WATERMARK_LABELS"]


def offered_to_audience(document: Document) -> bool:
    """False when the latest file carries a watermark label but cannot be watermarked."""
    latest = document.latest
    if latest is None:
        return False
    if not watermarks(document.sensitivity) or latest.media_type == PDF_MEDIA_TYPE:
        return True
    return current_app.config["UNWATERMARKABLE_FILES_FOR"] == "audience"


def released_to(document: Document, viewer: Viewer) -> bool:
    """True if a participant viewer may receive the document's latest version now."""
    if viewer.is_team:
        return True
    convening = document.convening
    if document.is_deleted or convening.status == ConveningStatus.DRAFT:
        return False
    if document.embargo_until is not None and document.embargo_until > utcnow():
        return False
    return admits(snapshot(document.audience), viewer) and offered_to_audience(document)


# Invitation-link holders may download too, so these are decided before sign-in.
@rule(Action.DOWNLOAD_DOCUMENT, target=Document, before_sign_in=True, decides_existence=True)
def may_download(principal: Principal, document: Document) -> bool:
    """Its latest version, to its audience once released; older versions are the team's."""
    return released_to(document, briefing_viewer(principal, document.convening))


@rule(Action.VIEW_BRIEFINGS, target=Convening, before_sign_in=True)
def _view_briefings(principal: Principal, convening: Convening) -> bool:
    """The convening's briefings list, pack and book: whoever sees it, and link holders."""
    if principal.sees(convening):
        return True
    return not convening.is_draft and bool(linked_viewer(principal, convening).organisations)


def conceals(principal: Principal, view_args: dict) -> bool:
    """True if a refused request names a document (or a version of one) the principal may
    not receive: it is answered as not found, so ids cannot be probed for hidden documents."""
    session = get_session()
    document = None
    if "document_id" in view_args:
        document = session.get(Document, view_args["document_id"])
    elif "version_id" in view_args:
        version = session.get(DocumentVersion, view_args["version_id"])
        document = version.document if version is not None else None
    return document is not None and not may_download(principal, document)
