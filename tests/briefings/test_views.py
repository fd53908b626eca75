"""The documents pages: uploading through the form, refusals, versions, deletion, the lists."""

from __future__ import annotations

import hashlib
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.test import encode_multipart

from coordination import storage
from coordination.models import (
    AudienceKind,
    AuditEvent,
    ConveningStatus,
    Document,
    DocumentVersion,
    OrganisationKind,
)
from coordination.service import CHANGED_MEANWHILE
from tests.factories import PASSWORD

from . import build_setting, counts, docx_bytes, own_documents_dir, pdf_bytes, stored_files


@pytest.fixture
def setting(make):
    return build_setting(make)


@pytest.fixture
def root(app, monkeypatch, tmp_path):
    return own_documents_dir(app, monkeypatch, tmp_path)


@pytest.fixture
def document(make, setting, root):
    return make.document(
        setting.convening,
        "Takedown process overview",
        content=pdf_bytes("v1"),
        filename="takedowns-v1.pdf",
    )


@pytest.fixture
def organiser(setting, auth):
    auth.sign_in(setting.organiser)
    return setting.organiser


def form(content: bytes | None = None, filename: str = "threat-briefing.pdf", **overrides):
    data = {
        "title": "Threat briefing: online propaganda trends",
        "description": "",
        "sensitivity": "Official",
        "audience_kind": "everyone",
        "embargo": "",
        "agenda_item_id": "",
        "version": "",
        "file": (io.BytesIO(pdf_bytes() if content is None else content), filename),
    }
    data.update(overrides)
    return data


def new_url(setting) -> str:
    return f"/convenings/{setting.convening.id}/documents/new"


def list_url(setting) -> str:
    return f"/convenings/{setting.convening.id}/documents"


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def only_document(db) -> Document:
    db.expire_all()
    return db.scalar(select(Document))


# Uploading.


def test_upload_stores_the_document_and_shows_it_in_the_list(client, db, setting, organiser, root):
    content = pdf_bytes("Propaganda trends")

    response = client.post(new_url(setting), data=form(content))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(list_url(setting))
    document = only_document(db)
    version = document.versions[0]
    assert document.title == "Threat briefing: online propaganda trends"
    assert document.sensitivity == "Official"
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size_bytes == len(content)
    assert version.media_type == "application/pdf"
    with client.application.app_context():
        path = storage.path_for(version.storage_key)
    assert stored_files(root) == [path]
    page = text_of(client.get(list_url(setting)))
    assert "Threat briefing: online propaganda trends" in page
    assert "Everyone invited" in page


def test_upload_form_offers_the_convening_sensitivity_and_the_limits(client, setting, organiser):
    page = text_of(client.get(new_url(setting)))

    assert '<option selected value="Official">' in page or 'value="Official" selected' in page
    assert "at most 200 MB" in page
    assert ".pdf, .doc, .docx" in page
    assert 'enctype="multipart/form-data"' in page
    assert "js/upload-progress.js" in page
    assert "<progress" in page


def test_upload_without_title_takes_the_file_name(client, db, setting, organiser, root):
    client.post(new_url(setting), data=form(filename="Counter-narrative toolkit.pdf", title=""))

    assert only_document(db).title == "Counter-narrative toolkit"


def test_upload_refuses_a_pdf_that_is_html(client, db, setting, organiser, root):
    before = counts(db)

    response = client.post(
        new_url(setting), data=form(b"<!doctype html><script>alert(1)</script>", "brief.pdf")
    )

    assert response.status_code == 400
    assert "is not a PDF file, whatever its name says" in text_of(response)
    assert counts(db) == before
    assert stored_files(root) == []


def test_upload_refuses_an_extension_not_allowed(client, db, setting, organiser, root):
    response = client.post(new_url(setting), data=form(b"<svg/>", "drawing.svg"))

    assert response.status_code == 400
    assert "not a type of file accepted here" in text_of(response)
    assert counts(db)[0] == 0
    assert stored_files(root) == []


def test_upload_without_a_file_says_so(client, db, setting, organiser, root):
    data = form()
    del data["file"]

    response = client.post(new_url(setting), data=data)

    assert response.status_code == 400
    assert "Choose the file to upload." in text_of(response)
    assert counts(db)[0] == 0


def test_upload_shows_every_problem_at_once(client, db, setting, organiser, root):
    response = client.post(
        new_url(setting),
        data=form(b"MZ", "tool.exe", sensitivity="Top Secret", audience_kind="kinds"),
    )

    page = text_of(response)
    assert response.status_code == 400
    assert "not a type of file accepted here" in page
    assert "Choose a sensitivity label from the list." in page
    assert "Choose at least one kind of organisation." in page
    assert stored_files(root) == []


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("../../../etc/briefing.pdf", "briefing.pdf"),
        ("..\\..\\briefing.pdf", "briefing.pdf"),
        ("invoice\u202efdp.pdf", "invoicefdp.pdf"),
        ("\u200fnotes\u200e.pdf", "notes.pdf"),
        ("brief\x01\x1fing.pdf", "briefing.pdf"),
        ("Réunion \u2013 会議資料 ملخص.pdf", "Réunion \u2013 会議資料 ملخص.pdf"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_upload_names_are_cleaned_for_display_and_never_touch_the_disk(
    client, db, setting, organiser, root, sent, shown
):
    response = client.post(new_url(setting), data=form(filename=sent, title="Named"))

    assert response.status_code == 302
    version = only_document(db).versions[0]
    assert version.filename == shown
    with client.application.app_context():
        path = storage.path_for(version.storage_key)
    assert path.name == version.storage_key
    assert stored_files(root) == [path]


def test_upload_records_an_embargo_in_the_convening_zone(client, db, setting, organiser, root):
    client.post(new_url(setting), data=form(embargo="2030-01-15T09:00"))

    assert only_document(db).embargo_until == datetime(2030, 1, 15, 14, 0, tzinfo=UTC)
    page = text_of(client.get(list_url(setting)))
    assert "Tue 15 Jan 2030, 09:00 EST" in page


# Size limits: a small limit in the application's configuration.


@pytest.fixture
def small_app(make_app, tmp_path):
    return make_app(DOCUMENT_MAX_BYTES=2048)


def _sign_in(app, user):
    client = app.test_client()
    from tests.factories import PASSWORD

    client.post("/account/sign-in", data={"email": user.email, "password": PASSWORD})
    return client


def _token_of(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def _sign_in_with_token(app, user):
    """Sign in where CSRF tokens are checked, as production checks them."""
    client = app.test_client()
    token = _token_of(client, "/account/sign-in")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/account/sign-in", data=data).status_code == 302
    return client


def test_upload_larger_than_the_request_limit_gets_the_413_page(small_app, db, setting):
    client = _sign_in(small_app, setting.organiser)
    before = counts(db)

    # Well past the document limit plus the room for the form: refused before reading.
    response = client.post(
        new_url(setting), data=form(pdf_bytes() + b"0" * (3 * 1024 * 1024), "big.pdf")
    )

    assert response.status_code == 413
    page = text_of(response)
    assert "Too large" in page
    assert "larger than the 2 KB a briefing document may be" in page
    assert counts(db) == before
    assert stored_files(small_app.config["DOCUMENTS_DIR"]) == []


def test_upload_larger_than_the_document_limit_gets_the_413_page(small_app, db, setting):
    client = _sign_in(small_app, setting.organiser)

    # Within the request's room for the form, but over the limit for the file itself.
    response = client.post(new_url(setting), data=form(pdf_bytes() + b"0" * 5000, "big.pdf"))

    assert response.status_code == 413
    assert "a briefing document may be" in text_of(response)
    assert counts(db)[0] == 0
    assert stored_files(small_app.config["DOCUMENTS_DIR"]) == []


def test_upload_just_within_the_limit_is_accepted(small_app, db, setting):
    client = _sign_in(small_app, setting.organiser)
    content = pdf_bytes() + b"0" * (2048 - len(pdf_bytes()))

    response = client.post(new_url(setting), data=form(content, "exact.pdf"))

    assert response.status_code == 302
    assert only_document(db).versions[0].size_bytes == 2048


def test_upload_limit_is_raised_only_for_those_who_may_upload(make_app, db, setting):
    # Checked the way production checks: the CSRF token is read before the view runs.
    app = make_app(MAX_CONTENT_LENGTH=4096, DOCUMENT_MAX_BYTES=1024 * 1024, WTF_CSRF_ENABLED=True)
    client = _sign_in_with_token(app, setting.coordinator)
    token = _token_of(client, list_url(setting))

    response = client.post(
        new_url(setting), data=form(pdf_bytes() + b"0" * 10_000, "a.pdf", csrf_token=token)
    )

    # The usual limit applies to a coordinator, who may not upload at all.
    assert response.status_code == 413
    assert "a briefing document may be" not in text_of(response)
    assert stored_files(app.config["DOCUMENTS_DIR"]) == []


def test_upload_limit_is_the_document_limit_for_organisers(make_app, db, setting):
    app = make_app(MAX_CONTENT_LENGTH=4096, DOCUMENT_MAX_BYTES=1024 * 1024)
    client = _sign_in(app, setting.organiser)

    response = client.post(new_url(setting), data=form(pdf_bytes() + b"0" * 10_000, "a.pdf"))

    assert response.status_code == 302
    assert len(stored_files(app.config["DOCUMENTS_DIR"])) == 1


def test_upload_token_is_checked_by_csrf_protect_while_the_file_streams(make_app, db, setting):
    app = make_app(MAX_CONTENT_LENGTH=4096, DOCUMENT_MAX_BYTES=1024 * 1024, WTF_CSRF_ENABLED=True)
    client = _sign_in_with_token(app, setting.organiser)
    token = _token_of(client, new_url(setting))
    content = pdf_bytes() + b"0" * 10_000

    forged = client.post(new_url(setting), data=form(content, "a.pdf"))
    accepted = client.post(new_url(setting), data=form(content, "a.pdf", csrf_token=token))

    assert forged.status_code == 400
    assert accepted.status_code == 302
    assert counts(db)[0] == 1
    assert len(stored_files(app.config["DOCUMENTS_DIR"])) == 1


# An upload cut short: the request body ends before its announced length.


def _cut_short(client, url: str, stream, content: bytes):
    """Post a multipart upload whose body is read from ``stream`` but announced in full."""
    boundary, body = encode_multipart(form(content))
    # Set in the environment directly: the test client would measure the stream instead.
    return client.post(
        url,
        environ_overrides={
            "wsgi.input": stream(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        },
    )


def test_interrupted_upload_leaves_no_file_and_no_row(client, db, setting, organiser, root):
    before = counts(db)

    response = _cut_short(
        client,
        new_url(setting),
        lambda body: io.BytesIO(body[: len(body) // 2]),
        pdf_bytes() + b"1" * 300_000,
    )

    assert response.status_code == 400
    assert counts(db) == before
    assert stored_files(root) == []


class BrokenStream(io.RawIOBase):
    """A connection that resets after sending part of the body."""

    def __init__(self, data: bytes, fail_after: int):
        self.data = io.BytesIO(data)
        self.fail_after = fail_after

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.data.tell() >= self.fail_after:
            raise ConnectionResetError("connection reset by peer")
        chunk = self.data.read(min(len(buffer), self.fail_after - self.data.tell()))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_upload_whose_connection_resets_leaves_no_file_and_no_row(
    client, db, setting, organiser, root
):
    response = _cut_short(
        client,
        new_url(setting),
        lambda body: BrokenStream(body, len(body) - 1000),
        pdf_bytes() + b"2" * 300_000,
    )

    assert response.status_code == 400
    assert counts(db)[0] == 0
    assert stored_files(root) == []


def test_interrupted_replacement_leaves_the_document_as_it_was(
    client, db, setting, organiser, document, root
):
    files_before = stored_files(root)

    response = _cut_short(
        client,
        f"/documents/{document.id}/replace",
        lambda body: io.BytesIO(body[:-100]),
        pdf_bytes() + b"3" * 300_000,
    )

    assert response.status_code == 400
    assert counts(db)[1] == 1
    assert stored_files(root) == files_before


# Replacing, editing, deleting.


def test_replace_adds_a_version_that_participants_then_receive(
    client, auth, db, setting, organiser, document, root
):
    response = client.post(
        f"/documents/{document.id}/replace",
        data={
            "file": (io.BytesIO(docx_bytes()), "takedowns-v2.docx"),
            "version": str(document.version),
        },
    )

    assert response.status_code == 302
    db.expire_all()
    numbers = db.scalars(
        select(DocumentVersion.number).where(DocumentVersion.document_id == document.id)
    ).all()
    assert sorted(numbers) == [1, 2]
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "takedowns-v1.pdf" in page and "takedowns-v2.docx" in page
    assert page.count("/download") >= 2
    auth.sign_out()
    auth.sign_in(setting.company_person)
    listing = text_of(client.get(list_url(setting)))
    assert "takedowns-v2.docx" in listing
    assert "takedowns-v1.pdf" not in listing


def test_replace_refused_by_content_keeps_the_old_version_only(
    client, db, setting, organiser, document, root
):
    files_before = stored_files(root)

    response = client.post(
        f"/documents/{document.id}/replace",
        data={"file": (io.BytesIO(b"<html>"), "v2.pdf"), "version": str(document.version)},
    )

    assert response.status_code == 400
    assert "is not a PDF file" in text_of(response)
    assert stored_files(root) == files_before
    assert counts(db)[1] == 1


def test_document_page_lists_every_version_with_its_sha256(client, setting, organiser, document):
    page = text_of(client.get(f"/documents/{document.id}"))

    version = document.latest
    assert version.sha256 in page
    assert f"/document-versions/{version.id}/download" in page
    assert "Olive Organiser" not in page or "by" in page
    assert "Everyone invited" in page


def test_edit_changes_the_details_and_audits_them(client, db, setting, organiser, document):
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "title": "Takedown process overview (revised)",
            "description": "**Read before** the session.",
            "sensitivity": "Official-Sensitive",
            "audience_kind": "kinds",
            "audience_kinds": ["government_agency"],
            "embargo": "",
            "agenda_item_id": "",
            "version": str(document.version),
        },
    )

    assert response.status_code == 302
    db.expire_all()
    changed = db.get(Document, document.id)
    assert changed.title == "Takedown process overview (revised)"
    assert changed.audience.kind is AudienceKind.KINDS
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "document.updated"))
    assert set(event.changes) == {"title", "description", "sensitivity", "audience"}
    page = text_of(client.get(f"/documents/{document.id}"))
    assert "<strong>Read before</strong>" in page
    assert "Only: Government agency" in page


def test_edit_made_on_a_changed_document_says_so(client, db, setting, organiser, document):
    stale_version = document.version
    client.get(f"/documents/{document.id}/edit")
    # Someone else saves the document meanwhile.
    db.execute(
        update(Document)
        .where(Document.id == document.id)
        .values(title="Changed elsewhere", version=Document.version + 1)
    )

    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "title": "Mine",
            "sensitivity": "Official",
            "audience_kind": "everyone",
            "version": str(stale_version),
        },
    )

    assert response.status_code == 409
    assert CHANGED_MEANWHILE in text_of(response)
    db.expire_all()
    assert db.get(Document, document.id).title == "Changed elsewhere"


def test_edit_description_is_sanitised_on_display(client, db, setting, organiser, document):
    db.execute(
        update(Document)
        .where(Document.id == document.id)
        .values(description='<script>alert(1)</script><img src=x onerror="alert(2)">')
    )

    page = client.get(f"/documents/{document.id}").get_data(as_text=True)

    assert "<script>alert(1)" not in page
    assert "onerror" not in page


def test_delete_hides_from_participants_and_restore_brings_back(
    client, auth, db, setting, document
):
    auth.sign_in(setting.organiser)
    response = client.post(f"/documents/{document.id}/delete", data={"version": "1"})
    assert response.status_code == 302
    team_page = text_of(client.get(list_url(setting)))
    assert "Deleted documents" in team_page
    auth.sign_out()

    auth.sign_in(setting.company_person)
    assert "Takedown process overview" not in text_of(client.get(list_url(setting)))
    auth.sign_out()

    auth.sign_in(setting.organiser)
    db.expire_all()
    version = db.get(Document, document.id).version
    client.post(f"/documents/{document.id}/restore", data={"version": str(version)})
    auth.sign_out()
    auth.sign_in(setting.company_person)
    assert "Takedown process overview" in text_of(client.get(list_url(setting)))
    db.expire_all()
    with client.application.app_context():
        assert storage.path_for(document.latest.storage_key).exists()


def test_delete_of_a_changed_document_is_refused_with_a_message(
    client, db, setting, organiser, document
):
    response = client.post(
        f"/documents/{document.id}/delete", data={"version": "99"}, follow_redirects=True
    )

    assert CHANGED_MEANWHILE in text_of(response)
    db.expire_all()
    assert db.get(Document, document.id).deleted_at is None


# The lists.


def test_participant_list_shows_what_they_receive_with_download_links(
    client, auth, make, setting, root
):
    everyone = make.document(setting.convening, "Counter-narrative toolkit")
    make.document(
        setting.convening,
        "Threat briefing",
        audience=make.audience(
            AudienceKind.KINDS, organisation_kinds=(OrganisationKind.GOVERNMENT_AGENCY,)
        ),
    )
    make.document(
        setting.convening,
        "Embargoed agenda notes",
        embargo_until=datetime.now(UTC) + timedelta(days=3),
    )
    auth.sign_in(setting.company_person)

    page = text_of(client.get(list_url(setting)))

    assert "Counter-narrative toolkit" in page
    assert f"/documents/{everyone.id}/download" in page
    assert "Threat briefing" not in page
    assert "Embargoed agenda notes" not in page
    assert f"/convenings/{setting.convening.id}/briefing-pack.zip" in page
    assert f"/convenings/{setting.convening.id}/briefing-book.pdf" in page
    assert "/receipts" not in page
    assert f"/documents/{everyone.id}/edit" not in page


def test_invitation_link_holder_sees_the_list_of_their_organisation(client, make, setting, root):
    make.document(
        setting.convening,
        "For agencies",
        audience=make.audience(
            AudienceKind.KINDS, organisation_kinds=(OrganisationKind.GOVERNMENT_AGENCY,)
        ),
    )
    make.document(
        setting.convening,
        "For Apple",
        audience=make.audience(AudienceKind.ORGANISATIONS, organisations=(setting.company,)),
    )
    client.get(f"/rsvp/{setting.agency_token}")

    page = text_of(client.get(list_url(setting)))

    assert "For agencies" in page
    assert "For Apple" not in page


def test_participant_list_of_a_draft_convening_is_refused(client, auth, db, setting, make):
    make.document(setting.convening, "Draft briefing")
    setting.convening.status = ConveningStatus.DRAFT
    make.session.commit()
    auth.sign_in(setting.company_person)

    assert client.get(list_url(setting)).status_code == 404


def test_team_list_shows_every_document_with_its_details(client, auth, make, setting, root):
    make.document(
        setting.convening,
        "Team only notes",
        audience=make.audience(AudienceKind.TEAM),
        embargo_until=datetime(2030, 1, 15, 14, 0, tzinfo=UTC),
        content=b"x" * 2048,
        filename="notes.txt",
        media_type="text/plain",
    )
    auth.sign_in(setting.coordinator)

    page = text_of(client.get(list_url(setting)))

    assert "Team only notes" in page
    assert "The team only" in page
    assert "Tue 15 Jan 2030, 09:00 EST" in page
    assert "notes.txt" in page and "2 KB" in page
    assert "/receipts" in page
    assert "Upload a document" not in page  # coordinators do not upload


def _add_documents(make, setting, first: int, number: int) -> None:
    for index in range(first, first + number):
        organisations = (setting.company,) if index % 2 else (setting.agency,)
        make.document(
            setting.convening,
            f"Briefing {index:02d}",
            audience=make.audience(AudienceKind.ORGANISATIONS, organisations=organisations),
            commit=False,
        )
    make.session.commit()


@pytest.mark.parametrize("who", ["organiser", "company_person"])
def test_list_query_count_does_not_grow_with_documents(
    client, auth, make, setting, root, count_queries, who
):
    auth.sign_in(getattr(setting, who))
    _add_documents(make, setting, 0, 2)
    with count_queries() as few:
        assert client.get(list_url(setting)).status_code == 200
    _add_documents(make, setting, 2, 12)
    with count_queries() as many:
        page = client.get(list_url(setting))
        assert page.status_code == 200

    assert "Briefing 13" in text_of(page)
    assert many.count == few.count


def test_document_page_query_count_does_not_grow_with_versions(
    client, make, setting, organiser, document, count_queries
):
    with count_queries() as few:
        client.get(f"/documents/{document.id}")
    for number in range(6):
        make.document_version(document, pdf_bytes(f"v{number}"), commit=False)
    make.session.commit()
    with count_queries() as many:
        client.get(f"/documents/{document.id}")

    assert many.count == few.count


def test_get_pages_write_nothing(client, db, setting, organiser, document):
    before = counts(db)
    for path in (
        list_url(setting),
        new_url(setting),
        f"/documents/{document.id}",
        f"/documents/{document.id}/edit",
        f"/documents/{document.id}/replace",
    ):
        assert client.get(path).status_code == 200, path
    assert counts(db) == before


def test_upload_with_a_description_past_the_form_memory_limit_says_so(make_app, db, setting):
    app = make_app(MAX_FORM_MEMORY_SIZE=10_000)
    client = _sign_in(app, setting.organiser)

    response = client.post(new_url(setting), data=form(description="x" * 20_000))

    assert response.status_code == 413
    page = text_of(response)
    assert "Shorten the title or the description" in page
    assert "The file is larger than" not in page
    assert counts(db)[0] == 0
    assert stored_files(app.config["DOCUMENTS_DIR"]) == []
