"""The briefing book: cover, the viewer's agenda, then the PDF briefings meant for them."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from coordination.models import AudienceKind, Convening, ConveningStatus, DownloadChannel

from ..agenda.helpers import add_item
from .test_downloads import Scene, build_scene, open_link, receipts, refused


@pytest.fixture
def scene(make, db, client, auth) -> Scene:
    """The scene with a published agenda: an item for everyone and one for agencies only."""
    built = build_scene(make)
    add_item(db, built.convening, "Opening remarks")
    add_item(
        db,
        built.convening,
        "Agency-only channel review",
        audience=AudienceKind.KINDS,
        organisation_kinds=("government_agency",),
    )
    auth.sign_in(built.organiser)
    published = client.post(f"/convenings/{built.convening.id}/agenda/publish", data={})
    assert published.status_code == 302
    auth.sign_out()
    return built


def book_url(scene: Scene) -> str:
    return f"/convenings/{scene.convening.id}/briefing-book.pdf"


def read(response) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(response.data))
    return reader, [" ".join(page.extract_text().split()) for page in reader.pages]


def test_book_has_cover_contents_agenda_and_every_pdf_meant_for_the_agency(client, auth, scene):
    auth.sign_in(scene.agency_person)
    response = client.get(book_url(scene))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="briefing-book-mv.pdf"'
    )
    reader, texts = read(response)
    # Cover, contents, one agenda page, then three two-page PDFs.
    assert len(reader.pages) == 9
    cover, contents, agenda = texts[0], texts[1], texts[2]
    assert "Briefing book" in cover and "Madison Valleywood" in cover and "MV" in cover
    assert "Prepared for Avery Agency, State Department" in cover
    assert "Official" in cover
    assert "Threat overview" in contents
    assert "Résumé" in contents and "not included (download separately)" in contents
    assert "Agency-only channel review" in agenda and "Opening remarks" in agenda
    body = " ".join(texts[3:])
    for title in ("Threat overview", "Agency channels", "Sensitive assessment"):
        assert f"{title} page one" in body and f"{title} page two" in body
    assert "Platform takedowns" not in " ".join(texts)


def test_book_for_the_company_leaves_out_the_agencys_briefing_and_agenda_item(client, auth, scene):
    auth.sign_in(scene.company_person)
    _reader, texts = read(client.get(book_url(scene)))
    everything = " ".join(texts)
    assert "Agency channels" not in everything
    assert "Agency-only channel review" not in everything
    assert "Platform takedowns page one" in everything
    for hidden in ("Team notes", "Embargoed", "Withdrawn paper", "Sensitive memo"):
        assert hidden not in everything


def test_book_stamps_labelled_briefings_on_every_page(client, auth, scene):
    auth.sign_in(scene.company_person)
    _reader, texts = read(client.get(book_url(scene)))
    stamped = [text for text in texts if "Sensitive assessment page" in text]
    assert len(stamped) == 2
    for text in stamped:
        assert "Official-Sensitive · Issued to Casey Apple, Apple" in text
    unstamped = [text for text in texts if "Threat overview page" in text]
    assert all("Issued to" not in text for text in unstamped)


def test_book_contents_gives_the_page_each_briefing_starts_on(client, auth, scene):
    auth.sign_in(scene.agency_person)
    _reader, texts = read(client.get(book_url(scene)))
    contents = texts[1]
    start = contents.index("Agency channels")
    page = int(contents[start:].split("page ", 1)[1].split()[0])
    assert "Agency channels page one" in texts[page - 1]


def test_book_records_receipts_for_the_pdfs_it_contains(client, auth, scene, db):
    auth.sign_in(scene.agency_person)
    client.get(book_url(scene))
    recorded = receipts(db)
    assert {r.document_id for r in recorded} == {
        scene.everyone.id,
        scene.agency_only.id,
        scene.sensitive.id,
    }
    assert {r.channel for r in recorded} == {DownloadChannel.BOOK}


def test_book_lists_an_unreadable_pdf_instead_of_failing(client, auth, scene, make):
    make.document(scene.convening, "Broken scan", content=b"%PDF-1.4 broken", filename="b.pdf")
    auth.sign_in(scene.company_person)
    response = client.get(book_url(scene))
    assert response.status_code == 200
    _reader, texts = read(response)
    assert "Broken scan" in texts[1]
    assert "could not be read" in texts[1]


def test_book_for_an_invitation_link_holder(client, scene):
    open_link(client, scene)
    _reader, texts = read(client.get(book_url(scene)))
    assert "Prepared for Avery Agency (invitation link), State Department" in texts[0]
    assert "Agency channels page one" in " ".join(texts)


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_book_refused_to_outsiders_and_anonymous(client, auth, scene, who, db):
    if who != "anonymous":
        auth.sign_in(scene[who])
    response = client.get(book_url(scene))
    assert refused(response)
    assert not response.data.startswith(b"%PDF")
    assert receipts(db) == []


def test_book_of_a_draft_convening_is_refused_to_participants(client, auth, scene, db):
    convening = db.get(Convening, scene.convening.id)
    convening.status = ConveningStatus.DRAFT
    db.commit()
    auth.sign_in(scene.agency_person)
    assert refused(client.get(book_url(scene)))
