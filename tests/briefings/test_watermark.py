"""Watermarks: PDFs under a watermark label name their recipient on every page."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, landscape, letter

from coordination.briefings.watermark import Stamp

from .test_downloads import Scene, build_scene, make_pdf, open_link, receipts, url


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


def pages_text(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def rotated_pdf() -> bytes:
    """Three pages: A4, US letter, and a landscape page turned by 90 degrees."""
    source = make_pdf(
        "First page body",
        "Second page body",
        "Third page body",
        sizes=(A4, letter, landscape(A4)),
    )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(source)))
    writer.pages[2].rotate(90)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_watermark_names_recipient_organisation_and_label_on_every_page(client, auth, scene):
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.sensitive))
    assert response.status_code == 200
    texts = pages_text(response.data)
    assert len(texts) == 2
    for text in texts:
        assert "Casey Apple" in text
        assert "Apple" in text
        assert "Official-Sensitive" in text
    assert "Sensitive assessment page one" in texts[0]


def test_watermark_on_pages_of_other_sizes_and_rotation(client, auth, scene, make):
    document = make.document(
        scene.convening,
        "Mixed pages",
        sensitivity="Official-Sensitive",
        content=rotated_pdf(),
        filename="mixed.pdf",
    )
    auth.sign_in(scene.agency_person)
    response = client.get(url(document))
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 3
    for page in reader.pages:
        text = " ".join(page.extract_text().split())
        assert "Issued to Avery Agency, State Department" in text
        # The stamp is drawn upright as the page is shown: no rotation is left on the page.
        assert page.rotation == 0
    assert float(reader.pages[1].mediabox.width) == pytest.approx(letter[0])


def test_watermark_date_is_in_the_convenings_zone():
    late_evening_in_new_york = datetime(2030, 1, 16, 3, 30, tzinfo=UTC)
    stamp = Stamp.of(
        "Casey", "Apple", "Official-Sensitive", late_evening_in_new_york, "America/New_York"
    )
    assert stamp.date == "15 Jan 2030"
    assert stamp.line == "Official-Sensitive · Issued to Casey, Apple · 15 Jan 2030"


def test_unlabelled_pdf_is_sent_as_stored(client, auth, scene):
    auth.sign_in(scene.company_person)
    response = client.get(url(scene.everyone))
    assert all("Casey Apple" not in text for text in pages_text(response.data))


def test_team_download_is_stamped_with_the_team_members_name(client, auth, scene):
    auth.sign_in(scene.coordinator)
    texts = pages_text(client.get(url(scene.sensitive)).data)
    assert all("Issued to Cole Coordinator, Convening team" in text for text in texts)


def test_link_holder_copy_names_the_focal_point(client, scene):
    open_link(client, scene)
    texts = pages_text(client.get(url(scene.sensitive)).data)
    assert all("Avery Agency (invitation link), State Department" in text for text in texts)


def test_stamped_copy_etag_differs_per_recipient(app, scene):
    etags = []
    for person in (scene.company_person, scene.agency_person):
        client = app.test_client()
        client.post(
            "/account/sign-in", data={"email": person.email, "password": "correct horse battery"}
        )
        etags.append(client.get(url(scene.sensitive)).headers["ETag"])
    assert etags[0] != etags[1]
    assert scene.sensitive.latest.sha256 not in etags[0]


def test_unreadable_pdf_under_watermark_label_gets_a_clear_page_never_the_file(
    client, auth, scene, make, db
):
    broken = make.document(
        scene.convening,
        "Broken scan",
        sensitivity="Official-Sensitive",
        content=b"%PDF-1.4 this is not really a PDF",
        filename="broken.pdf",
    )
    auth.sign_in(scene.company_person)
    response = client.get(url(broken))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "could not be read" in page
    assert "Broken scan" in page
    assert "this is not really a PDF" not in page
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    assert receipts(db) == []


def test_password_protected_pdf_under_watermark_label_is_refused(client, auth, scene, make):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Locked"))))
    writer.encrypt("secret-password")
    buffer = io.BytesIO()
    writer.write(buffer)
    locked = make.document(
        scene.convening,
        "Locked",
        sensitivity="Official-Sensitive",
        content=buffer.getvalue(),
        filename="locked.pdf",
    )
    auth.sign_in(scene.company_person)
    response = client.get(url(locked))
    assert response.status_code == 422
    assert not response.data.startswith(b"%PDF")
