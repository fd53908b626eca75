"""Briefing documents: shared test files and a convening with a team and two invited
organisations (a company that accepted and a government agency)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from coordination.invitations import links
from coordination.models import (
    AuditEvent,
    Convening,
    Document,
    DocumentVersion,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    User,
)


def pdf_bytes(text: str = "Briefing") -> bytes:
    """A small PDF: the header is what the type check reads."""
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text.encode() + b"\n%%EOF\n"


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})


def odt_bytes(media_type: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes({"mimetype": media_type, "content.xml": b"<office:document/>"})


def own_documents_dir(app, monkeypatch, tmp_path) -> Path:
    """Point the application at a documents folder of the test's own, to count files in."""
    folder = tmp_path / "documents"
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(folder))
    return folder


def stored_files(documents_dir: str | Path) -> list[Path]:
    """Every file under the documents folder, staged or stored."""
    root = Path(documents_dir)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def counts(db) -> tuple[int, int, int]:
    """Documents, versions and audit events in the database."""
    db.expire_all()
    return (
        db.scalar(select(func.count(Document.id))),
        db.scalar(select(func.count(DocumentVersion.id))),
        db.scalar(select(func.count(AuditEvent.id))),
    )


@dataclass
class Setting:
    convening: Convening
    organiser: User
    coordinator: User
    company: Organisation
    agency: Organisation
    company_person: User
    agency_person: User
    outsider: User
    # The agency focal point's emailed invitation link.
    agency_token: str


def build_setting(make) -> Setting:
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Cole Coordinator")
    convening = make.convening(
        "Madison Valleywood",
        timezone="America/New_York",
        organisers=(organiser,),
        coordinators=(coordinator,),
        sensitivity="Official",
    )
    company = make.organisation("Apple", kind=OrganisationKind.COMPANY)
    agency = make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)
    elsewhere = make.organisation("Not Invited Ltd", kind=OrganisationKind.COMPANY)
    make.invitation(convening, company, status=InvitationStatus.ACCEPTED)
    agency_invitation = make.invitation(
        convening, agency, status=InvitationStatus.SENT, commit=False
    )
    agency_token = links.issue_link(agency_invitation)
    make.session.commit()
    return Setting(
        convening=convening,
        organiser=organiser,
        coordinator=coordinator,
        company=company,
        agency=agency,
        company_person=make.participant(company),
        agency_person=make.participant(agency),
        outsider=make.participant(elsewhere),
        agency_token=agency_token,
    )
