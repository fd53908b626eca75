"""Download receipts: who is receiving a briefing, recording it, and the team's reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..audiences import Viewer, admits, snapshot
from ..db import get_database
from ..models import (
    PARTICIPATING_STATUSES,
    Audience,
    Convening,
    Document,
    DocumentVersion,
    DownloadChannel,
    DownloadReceipt,
    Invitation,
    Organisation,
    utcnow,
)
from ..pagination import Page, paginate
from ..principal import Principal
from .access import offered_to_audience, released_to
from .watermark import Stamp

TEAM_LABEL = "Convening team"


@dataclass(frozen=True)
class Recipient:
    """The person receiving briefings and the organisations they receive them for."""

    user_id: int | None
    name: str
    is_team: bool = False
    # (organisation id, kind value, name), by id; empty for the team.
    organisations: tuple[tuple[int, str, str], ...] = ()

    @property
    def organisation_name(self) -> str:
        """The organisation named on covers and indexes: the first, or the team."""
        return self.organisations[0][2] if self.organisations else TEAM_LABEL

    def organisation_for(self, document: Document) -> tuple[int | None, str]:
        """The organisation a document is received for: the first its audience admits."""
        if self.is_team or not self.organisations:
            return None, TEAM_LABEL
        audience = snapshot(document.audience)
        for org_id, kind, name in self.organisations:
            if admits(audience, Viewer(organisations=frozenset({(org_id, kind)}))):
                return org_id, name
        org_id, _kind, name = self.organisations[0]
        return org_id, name

    def stamp(self, document: Document, convening: Convening) -> Stamp:
        _org_id, organisation = self.organisation_for(document)
        return Stamp.of(self.name, organisation, document.sensitivity, utcnow(), convening.timezone)


def recipient_for(
    session: Session, principal: Principal, convening: Convening, viewer: Viewer
) -> Recipient:
    """Who is downloading: the account's name, or the invitation's focal point for a link."""
    user = principal.user
    if viewer.is_team:
        return Recipient(user_id=user.id if user else None, name=user.name if user else "Team")
    ids = sorted(org_id for org_id, _kind in viewer.organisations)
    names = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
        ).all()
    )
    kinds = dict(viewer.organisations)
    organisations = tuple((org_id, kinds[org_id], names.get(org_id, "")) for org_id in ids)
    if user is not None:
        return Recipient(user_id=user.id, name=user.name, organisations=organisations)
    # Without an account, the link is the focal point's: the stamp names them.
    focal_points = session.execute(
        select(Invitation)
        .options(joinedload(Invitation.focal_point))
        .where(
            Invitation.id.in_(list(principal.link_grants)),
            Invitation.convening_id == convening.id,
            Invitation.organisation_id.in_(ids),
        )
        .order_by(Invitation.organisation_id)
    ).scalars()
    named = [i.focal_point.name for i in focal_points if i.focal_point is not None]
    name = f"{named[0]} (invitation link)" if named else "Invitation link holder"
    return Recipient(user_id=None, name=name, organisations=organisations)


def record(
    session: Session,
    convening: Convening,
    recipient: Recipient,
    delivered: Iterable[tuple[Document, DocumentVersion]],
    channel: DownloadChannel,
) -> list[DownloadReceipt]:
    """Write one receipt per document handed over (the caller commits)."""
    now = utcnow()
    receipts = []
    for document, version in delivered:
        organisation_id, _name = recipient.organisation_for(document)
        receipt = DownloadReceipt(
            convening_id=convening.id,
            document_id=document.id,
            document_version_id=version.id,
            user_id=recipient.user_id,
            organisation_id=organisation_id,
            recipient_name=recipient.name[:200],
            channel=channel,
            downloaded_at=now,
        )
        session.add(receipt)
        receipts.append(receipt)
    return receipts


def record_download(
    convening: Convening,
    recipient: Recipient,
    delivered: Iterable[tuple[Document, DocumentVersion]],
    channel: DownloadChannel,
) -> None:
    """Record a download's receipts in a short write transaction of its own: a download is
    a GET, whose session only reads."""
    with get_database().session(write=True) as session:
        record(session, convening, recipient, delivered, channel)
        session.commit()


def convening_documents(session: Session, convening: Convening) -> list[Document]:
    """The convening's live documents with audiences and versions loaded (three queries)."""
    return list(
        session.scalars(
            select(Document)
            .options(
                selectinload(Document.audience).selectinload(Audience.organisation_links),
                selectinload(Document.versions),
            )
            .where(Document.convening_id == convening.id, Document.deleted_at.is_(None))
            .order_by(Document.title, Document.id)
        )
    )


def _page_of(rows: list, number: int, per_page: int) -> Page:
    last = max(1, -(-len(rows) // per_page))
    number = min(max(1, number), last)
    start = (number - 1) * per_page
    items = rows[start : start + per_page]
    return Page(items=items, number=number, per_page=per_page, total=len(rows))


def release_note(document: Document) -> str | None:
    """Why participants cannot receive the document now, or None if they can."""
    if document.is_deleted:
        return "Deleted: participants no longer see it."
    if document.convening.is_draft:
        return "The convening is a draft: participants see nothing yet."
    if document.embargo_until is not None and document.embargo_until > utcnow():
        return "embargo"
    if document.latest is not None and not offered_to_audience(document):
        return "Offered to the team only: its label needs a watermark and it is not a PDF."
    return None


# Per document: which invited organisations have it.


@dataclass
class OrganisationReceipt:
    organisation: Organisation
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    names: list[str] = field(default_factory=list)

    @property
    def downloaded(self) -> bool:
        return self.count > 0


@dataclass
class DocumentReport:
    document: Document
    organisations: Page
    receipts: Page
    downloaded: int
    not_downloaded: int
    note: str | None


def invited_organisations(session: Session, convening: Convening) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .join(Invitation, Invitation.organisation_id == Organisation.id)
            .where(
                Invitation.convening_id == convening.id,
                Invitation.status.in_(PARTICIPATING_STATUSES),
            )
            .order_by(Organisation.name, Organisation.id)
        ).unique()
    )


def document_report(
    session: Session, document: Document, page: int, receipts_page: int, per_page: int
) -> DocumentReport:
    """Every invited organisation the document is meant for, whether and when it downloaded
    it, and every receipt, newest first."""
    audience = snapshot(document.audience)
    meant_for = [
        organisation
        for organisation in invited_organisations(session, document.convening)
        if admits(audience, Viewer.for_organisation(organisation))
    ]
    rows = {organisation.id: OrganisationReceipt(organisation) for organisation in meant_for}
    totals = session.execute(
        select(
            DownloadReceipt.organisation_id,
            func.count(),
            func.min(DownloadReceipt.downloaded_at),
            func.max(DownloadReceipt.downloaded_at),
        )
        .where(DownloadReceipt.document_id == document.id)
        .group_by(DownloadReceipt.organisation_id)
    ).all()
    for org_id, count, first_at, last_at in totals:
        if org_id in rows:
            row = rows[org_id]
            row.count, row.first_at, row.last_at = count, first_at, last_at
    names = session.execute(
        select(DownloadReceipt.organisation_id, DownloadReceipt.recipient_name)
        .where(DownloadReceipt.document_id == document.id)
        .distinct()
        .order_by(DownloadReceipt.recipient_name)
    ).all()
    for org_id, name in names:
        if org_id in rows:
            rows[org_id].names.append(name)
    ordered = list(rows.values())
    downloaded = sum(1 for row in ordered if row.downloaded)
    receipts = paginate(
        session,
        select(DownloadReceipt)
        .options(
            joinedload(DownloadReceipt.document_version), joinedload(DownloadReceipt.organisation)
        )
        .where(DownloadReceipt.document_id == document.id)
        .order_by(DownloadReceipt.downloaded_at.desc(), DownloadReceipt.id.desc()),
        receipts_page,
        per_page,
    )
    return DocumentReport(
        document=document,
        organisations=_page_of(ordered, page, per_page),
        receipts=receipts,
        downloaded=downloaded,
        not_downloaded=len(ordered) - downloaded,
        note=release_note(document),
    )


# Per organisation: what it has received from a convening.


@dataclass
class ReceivedDocument:
    document: Document
    released: bool
    versions: list[int] = field(default_factory=list)
    count: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    names: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)

    @property
    def received(self) -> bool:
        return self.count > 0

    @property
    def has_latest(self) -> bool:
        latest = self.document.latest
        return latest is not None and latest.number in self.versions


@dataclass
class OrganisationReport:
    organisation: Organisation
    documents: Page
    received: int
    not_received: int


def organisation_report(
    session: Session, convening: Convening, organisation_id: int, page: int, per_page: int
) -> OrganisationReport | None:
    """The documents meant for an invited organisation and which of them it has received;
    None if the organisation is not invited to the convening."""
    organisation = session.scalar(
        select(Organisation)
        .join(Invitation, Invitation.organisation_id == Organisation.id)
        .where(Invitation.convening_id == convening.id, Organisation.id == organisation_id)
        .limit(1)
    )
    if organisation is None:
        return None
    viewer = Viewer.for_organisation(organisation)
    documents = [
        document
        for document in convening_documents(session, convening)
        if admits(snapshot(document.audience), viewer)
    ]
    rows = {
        document.id: ReceivedDocument(document, released=released_to(document, viewer))
        for document in documents
    }
    totals = session.execute(
        select(
            DownloadReceipt.document_id,
            DocumentVersion.number,
            DownloadReceipt.channel,
            func.count(),
            func.min(DownloadReceipt.downloaded_at),
            func.max(DownloadReceipt.downloaded_at),
        )
        .join(DocumentVersion, DocumentVersion.id == DownloadReceipt.document_version_id)
        .where(
            DownloadReceipt.convening_id == convening.id,
            DownloadReceipt.organisation_id == organisation.id,
        )
        .group_by(DownloadReceipt.document_id, DocumentVersion.number, DownloadReceipt.channel)
        .order_by(DownloadReceipt.document_id, DocumentVersion.number)
    ).all()
    for document_id, number, channel, count, first_at, last_at in totals:
        row = rows.get(document_id)
        if row is None:
            continue
        if number not in row.versions:
            row.versions.append(number)
        label = DownloadChannel(channel).label
        if label not in row.channels:
            row.channels.append(label)
        row.count += count
        row.first_at = min(filter(None, (row.first_at, first_at)))
        row.last_at = max(filter(None, (row.last_at, last_at)))
    names = session.execute(
        select(DownloadReceipt.document_id, DownloadReceipt.recipient_name)
        .where(
            DownloadReceipt.convening_id == convening.id,
            DownloadReceipt.organisation_id == organisation.id,
        )
        .distinct()
        .order_by(DownloadReceipt.recipient_name)
    ).all()
    for document_id, name in names:
        if document_id in rows:
            rows[document_id].names.append(name)
    ordered = list(rows.values())
    # Not yet received first: that is what the team follows up.
    ordered.sort(key=lambda row: (row.received, row.document.title.lower()))
    received = sum(1 for row in ordered if row.received)
    return OrganisationReport(
        organisation=organisation,
        documents=_page_of(ordered, page, per_page),
        received=received,
        not_received=len(ordered) - received,
    )
