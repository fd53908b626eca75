"""Downloading one briefing: who may, the headers sent, conditional requests, the front server."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import unquote

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy import select

from coordination import storage
from coordination.briefings.delivery import clean_filename, content_disposition
from coordination.invitations import links
from coordination.models import (
    AudienceKind,
    Convening,
    ConveningStatus,
    Document,
    DownloadReceipt,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    User,
)

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_pdf(*pages: str, sizes: tuple | None = None) -> bytes:
    """A real PDF with one line of text per page."""
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for number, text in enumerate(pages):
        if sizes:
            sheet.setPageSize(sizes[number])
        sheet.drawString(72, 400, text)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


@dataclass
class Scene:
    """A published convening with a company and a government agency invited, and briefings
    for different audiences."""

    convening: Convening
    organiser: User
    coordinator: User
    company: Organisation
    agency: Organisation
    company_person: User
    agency_person: User
    outsider: User
    agency_invitation: Invitation
    agency_token: str
    everyone: Document
    agency_only: Document
    company_only: Document
    team_only: Document
    embargoed: Document
    deleted: Document
    sensitive: Document
    sensitive_word: Document
    unicode_text: Document

    def __getitem__(self, name: str):
        return getattr(self, name)


def build_scene(make) -> Scene:
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Cole Coordinator")
    convening = make.convening(
        "Madison Valleywood",
        codename="MV",
        timezone="America/New_York",
        organisers=(organiser,),
        coordinators=(coordinator,),
    )
    company = make.organisation("Apple", kind=OrganisationKind.COMPANY)
    agency = make.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)
    elsewhere = make.organisation("Invited Elsewhere")
    make.invitation(convening, company, status=InvitationStatus.ACCEPTED)
    agency_focal = make.contact(agency, name="Avery Agency")
    agency_invitation = make.invitation(
        convening, agency, status=InvitationStatus.SENT, focal_point=agency_focal, commit=False
    )
    token = links.issue_link(agency_invitation)
    make.session.commit()
    other = make.convening("Another convening")
    make.invitation(other, elsewhere, status=InvitationStatus.ACCEPTED)
    company_person = make.participant(company, name="Casey Apple")
    agency_person = make.participant(agency, name="Avery Agency")
    outsider = make.participant(elsewhere, name="Owen Outsider")

    def doc(title, **fields):
        fields.setdefault("content", make_pdf(f"{title} page one", f"{title} page two"))
        fields.setdefault("filename", f"{title.lower().replace(' ', '-')}.pdf")
        return make.document(convening, title, **fields)

    return Scene(
        convening=convening,
        organiser=organiser,
        coordinator=coordinator,
        company=company,
        agency=agency,
        company_person=company_person,
        agency_person=agency_person,
        outsider=outsider,
        agency_invitation=agency_invitation,
        agency_token=token,
        everyone=doc("Threat overview"),
        agency_only=doc(
            "Agency channels",
            audience=make.audience(
                AudienceKind.KINDS, organisation_kinds=(OrganisationKind.GOVERNMENT_AGENCY,)
            ),
        ),
        company_only=doc(
            "Platform takedowns",
            audience=make.audience(AudienceKind.ORGANISATIONS, organisations=(company,)),
        ),
        team_only=doc("Team notes", audience=make.audience(AudienceKind.TEAM)),
        embargoed=doc("Embargoed", embargo_until=datetime.now(UTC) + timedelta(days=2)),
        deleted=doc("Withdrawn paper", deleted_at=datetime.now(UTC)),
        sensitive=doc("Sensitive assessment", sensitivity="Official-Sensitive"),
        sensitive_word=doc(
            "Sensitive memo",
            sensitivity="Official-Sensitive",
            content=b"PK\x03\x04 word",
            filename="memo.docx",
            media_type=WORD,
        ),
        unicode_text=doc(
            "Résumé",
            content=b"plain text briefing\n" * 10,
            filename="Résumé \u2013 ملخص.txt",
            media_type="text/plain",
        ),
    )


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


def open_link(client, scene: Scene):
    """Follow the agency's emailed invitation link, as its focal point does."""
    return client.get(f"/rsvp/{scene.agency_token}")


def act_as(client, auth, scene: Scene, who: str) -> None:
    """Sign in as a role of the scene, follow the invitation link, or stay anonymous."""
    if who == "link":
        open_link(client, scene)
    elif who != "anonymous":
        auth.sign_in(scene[who])


def url(document: Document) -> str:
    return f"/documents/{document.id}/download"


def receipts(db) -> list[DownloadReceipt]:
    db.expire_all()
    return list(db.scalars(select(DownloadReceipt).order_by(DownloadReceipt.id)))


def refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


# Who may download which document: the audience, embargo, deletion and label decide.
ALLOWED = {
    "everyone": {"company_person", "agency_person", "link", "coordinator", "organiser"},
    "agency_only": {"agency_person", "link", "coordinator", "organiser"},
    "company_only": {"company_person", "coordinator", "organiser"},
    "team_only": {"coordinator", "organiser"},
    "embargoed": {"coordinator", "organiser"},
    "deleted": {"coordinator", "organiser"},
    "sensitive_word": {"coordinator", "organiser"},
}
WHO = ("company_person", "agency_person", "outsider", "anonymous", "link", "coordinator")
CASES = [(document, who) for document in ALLOWED for who in WHO]


@pytest.mark.parametrize(("document", "who"), CASES, ids=[f"{d}-{w}" for d, w in CASES])
def test_download_follows_audience_embargo_and_deletion(
    app, client, auth, scene, db, document, who
):
    act_as(client, auth, scene, who)
    response = client.get(url(scene[document]))
    if who in ALLOWED[document]:
        assert response.status_code == 200
        assert response.data == storage_bytes(app, scene[document])
    else:
        assert refused(response), response.status_code
        assert response.status_code != 200
        assert b"%PDF" not in response.data
        assert receipts(db) == []


def storage_bytes(app, document: Document) -> bytes:
    with app.app_context():
        return storage.path_for(document.latest.storage_key).read_bytes()


def test_download_refused_to_participant_not_revealing_existence(client, auth, scene):
    auth.sign_in(scene.company_person)
    hidden = client.get(url(scene.agency_only))
    missing = client.get("/documents/999999/download")
    assert hidden.status_code == missing.status_code == 404
    assert "Agency channels" not in hidden.get_data(as_text=True)


def test_download_headers_make_the_file_an_inert_attachment(client, auth, scene):
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.everyone))
    version = scene.everyone.latest
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"threat-overview.pdf\"; filename*=UTF-8''threat-overview.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["ETag"] == f'"{version.sha256}"'
    assert response.headers["Accept-Ranges"] == "bytes"
    assert int(response.headers["Content-Length"]) == version.size_bytes
    modified = parsedate_to_datetime(response.headers["Last-Modified"])
    assert abs(modified - version.uploaded_at.replace(tzinfo=UTC)) < timedelta(seconds=1)
    assert hashlib.sha256(response.data).hexdigest() == version.sha256


def test_download_name_in_unicode_is_encoded_as_rfc_6266_says(client, auth, scene):
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.unicode_text))
    disposition = response.headers["Content-Disposition"]
    assert response.headers["Content-Type"].startswith("text/plain")
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".txt")
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "Résumé \u2013 ملخص.txt"
    assert " " not in encoded and '"' not in encoded


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "evil\x00name.pdf",
        "line\r\nbreak.pdf",
        "invoice\u202efdp.exe",
        'quote"semi;colon.pdf',
        "x" * 300 + ".pdf",
    ],
)
def test_content_disposition_of_hostile_name_stays_one_harmless_header(name):
    header = content_disposition(name)
    cleaned = clean_filename(name)
    assert "/" not in cleaned and "\\" not in cleaned
    assert not any(ord(char) < 32 or char == "\u202e" for char in cleaned)
    assert len(cleaned) <= 150
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    assert header.count('"') == 2
    assert unquote(header.split("filename*=UTF-8''")[1]) == cleaned


def test_clean_filename_keeps_extension_of_long_name():
    assert clean_filename("a" * 300 + ".pdf").endswith(".pdf")
    assert clean_filename("...") == "document"


def test_old_version_is_the_teams_only(app, client, auth, scene, make, db):
    first = scene.everyone.latest
    make.document_version(scene.everyone, make_pdf("Second edition"), filename="v2.pdf")
    auth.sign_in(scene.company_person)
    assert client.get(f"/document-versions/{first.id}/download").status_code in (403, 404)
    latest = client.get(url(scene.everyone))
    assert latest.headers["Content-Disposition"].startswith('attachment; filename="v2.pdf"')
    auth.sign_out()
    auth.sign_in(scene.coordinator)
    old = client.get(f"/document-versions/{first.id}/download")
    assert old.status_code == 200
    assert hashlib.sha256(old.data).hexdigest() == first.sha256


def test_old_version_of_hidden_document_refused_to_every_participant(client, auth, scene):
    for who in ("company_person", "agency_person", "outsider"):
        auth.sign_in(scene[who])
        for name in ("team_only", "embargoed", "deleted", "agency_only"):
            response = client.get(f"/document-versions/{scene[name].latest.id}/download")
            assert response.status_code in (403, 404), (who, name)
        auth.sign_out()
    response = client.get(f"/document-versions/{scene.everyone.latest.id}/download")
    assert refused(response)


def test_link_holder_downloads_once_the_link_is_opened(client, scene):
    assert refused(client.get(url(scene.agency_only)))
    open_link(client, scene)
    assert client.get(url(scene.agency_only)).status_code == 200


def test_revoked_link_stops_downloads(client, scene, db):
    open_link(client, scene)
    invitation = db.get(Invitation, scene.agency_invitation.id)
    invitation.token_hash = None
    db.commit()
    assert refused(client.get(url(scene.agency_only)))


def test_draft_convening_documents_are_the_teams_only(client, auth, scene, db):
    convening = db.get(Convening, scene.convening.id)
    convening.status = ConveningStatus.DRAFT
    db.commit()
    auth.sign_in(scene.company_person)
    assert client.get(url(scene.everyone)).status_code in (403, 404)
    auth.sign_out()
    auth.sign_in(scene.organiser)
    assert client.get(url(scene.everyone)).status_code == 200


def test_if_none_match_answers_304_and_records_nothing(client, auth, scene, db):
    auth.sign_in(scene.company_person)
    etag = client.get(url(scene.everyone)).headers["ETag"]
    assert len(receipts(db)) == 1
    response = client.get(url(scene.everyone), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert len(receipts(db)) == 1


def test_if_modified_since_answers_304(client, auth, scene):
    auth.sign_in(scene.company_person)
    modified = client.get(url(scene.everyone)).headers["Last-Modified"]
    response = client.get(url(scene.everyone), headers={"If-Modified-Since": modified})
    assert response.status_code == 304


def test_if_match_with_another_etag_answers_412(client, auth, scene, db):
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.everyone), headers={"If-Match": '"not-this-one"'})
    assert response.status_code == 412
    assert receipts(db) == []


def test_head_request_sends_headers_and_records_nothing(client, auth, scene, db):
    auth.sign_in(scene.company_person)
    response = client.head(url(scene.everyone))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert receipts(db) == []


def test_missing_file_answers_a_clear_page_not_500(app, client, auth, scene):
    with app.app_context():
        storage.path_for(scene.everyone.latest.storage_key).unlink()
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.everyone))
    assert response.status_code == 404
    assert "missing" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("mode", "header"), [("x-accel-redirect", "X-Accel-Redirect"), ("x-sendfile", "X-Sendfile")]
)
def test_front_server_mode_hands_over_the_stored_file(app, make_app, make, mode, header):
    app = make_app(DOCUMENT_SENDFILE=mode, DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"])
    scene = build_scene(make)
    client = app.test_client()
    client.post(
        "/account/sign-in",
        data={"email": scene.company_person.email, "password": "correct horse battery"},
    )
    response = client.get(url(scene.everyone))
    key = scene.everyone.latest.storage_key
    assert response.status_code == 200
    assert response.headers[header] == f"/protected-documents/{key[:2]}/{key}"
    assert response.data == b""
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_front_server_mode_never_hands_over_a_file_needing_a_watermark(app, make_app, make):
    app = make_app(DOCUMENT_SENDFILE="x-accel-redirect", DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"])
    scene = build_scene(make)
    client = app.test_client()
    client.post(
        "/account/sign-in",
        data={"email": scene.company_person.email, "password": "correct horse battery"},
    )
    response = client.get(url(scene.sensitive))
    assert "X-Accel-Redirect" not in response.headers
    assert response.data.startswith(b"%PDF")


def test_label_offered_to_audience_when_configured(app, make_app, make):
    app = make_app(UNWATERMARKABLE_FILES_FOR="audience", DOCUMENTS_DIR=app.config["DOCUMENTS_DIR"])
    scene = build_scene(make)
    client = app.test_client()
    client.post(
        "/account/sign-in",
        data={"email": scene.company_person.email, "password": "correct horse battery"},
    )
    assert client.get(url(scene.sensitive_word)).status_code == 200


TEAM_PAGES = (
    "/documents/{id}",
    "/documents/{id}/edit",
    "/documents/{id}/replace",
    "/documents/{id}/receipts",
    "/document-versions/{version}/download",
)


@pytest.mark.parametrize("page", TEAM_PAGES)
def test_team_page_of_a_document_hidden_from_a_participant_is_not_found(client, auth, scene, page):
    auth.sign_in(scene.company_person)

    def status(document_id: int, version_id: int) -> int:
        return client.get(page.format(id=document_id, version=version_id)).status_code

    # Hidden documents answer exactly as ids that do not exist, so none can be counted.
    for hidden in ("team_only", "agency_only", "embargoed", "deleted"):
        assert status(scene[hidden].id, scene[hidden].latest.id) == 404, hidden
    assert status(999_999, 999_999) == 404
    # A document the participant receives is known to them: the team's page is refused.
    assert status(scene.everyone.id, scene.everyone.latest.id) == 403


@pytest.mark.parametrize("action", ["delete", "restore"])
def test_change_to_a_document_hidden_from_a_participant_is_not_found(client, auth, scene, action):
    auth.sign_in(scene.company_person)
    hidden = client.post(f"/documents/{scene.team_only.id}/{action}", data={"version": "1"})
    known = client.post(f"/documents/{scene.everyone.id}/{action}", data={"version": "1"})
    assert (hidden.status_code, known.status_code) == (404, 403)
