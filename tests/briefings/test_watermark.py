"""Watermarks: PDFs under a watermark label name their recipient on every page."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.lib.pagesizes import A4, landscape, letter

from coordination.briefings.watermark import Stamp
from coordination.models import User

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


def placed_lines(page) -> list[tuple[float, float, str]]:
    """Each piece of text on the page with where it starts, in page coordinates."""
    found = []

    def visit(text, matrix, text_matrix, _font, _size):
        if text.strip():
            x = text_matrix[4] * matrix[0] + text_matrix[5] * matrix[2] + matrix[4]
            y = text_matrix[4] * matrix[1] + text_matrix[5] * matrix[3] + matrix[5]
            found.append((x, y, " ".join(text.split())))

    page.extract_text(visitor_text=visit)
    return found


def stamped(client, auth, scene, make, content: bytes, who: str = "company_person"):
    document = make.document(
        scene.convening,
        "Stamped briefing",
        sensitivity="Official-Sensitive",
        content=content,
        filename="stamped.pdf",
    )
    auth.sign_in(scene[who])
    response = client.get(url(document))
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data))


def test_watermark_on_a_cropped_page_is_drawn_where_the_page_is_seen(client, auth, scene, make):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("Scanned page"))))
    writer.pages[0].cropbox = RectangleObject([150, 300, 450, 600])
    buffer = io.BytesIO()
    writer.write(buffer)

    page = stamped(client, auth, scene, make, buffer.getvalue()).pages[0]

    lines = [(x, y) for x, y, text in placed_lines(page) if "Issued to Casey Apple" in text]
    assert len(lines) == 2
    for x, y in lines:
        assert 150 <= x <= 450 and 300 <= y <= 600


def test_watermark_of_a_very_long_name_stays_on_the_page(client, auth, scene, make, db):
    person = db.get(User, scene.company_person.id)
    # As long as an account's name may be (200 characters): far wider than one stamped line.
    person.name = ("Casey " + "Longname-Hyphenated " * 12)[:194] + " Apple"
    assert len(person.name) == 200
    db.commit()

    page = stamped(client, auth, scene, make, make_pdf("Body")).pages[0]

    width, height = float(page.mediabox.width), float(page.mediabox.height)
    upright = [(x, y) for x, y, text in placed_lines(page) if "Longname" in text and y > 700]
    assert upright, "the top line names the recipient"
    assert all(0 <= x <= width and 0 <= y <= height for x, y in upright)
    text = " ".join(page.extract_text().split())
    assert "Apple · 0" in text or "Apple, Apple" in text  # the whole name, to its last word


def test_watermark_drops_direction_marks_and_draws_markup_characters_as_written(
    client, auth, scene, make, db
):
    person = db.get(User, scene.company_person.id)
    person.name = "Casey \u202eelppA\u202c <b>& Co</b>"
    db.commit()

    text = " ".join(
        stamped(client, auth, scene, make, make_pdf("Body")).pages[0].extract_text().split()
    )

    assert "Issued to Casey elppA <b>& Co</b>, Apple" in text
    assert "\u202e" not in text and "&amp;" not in text
