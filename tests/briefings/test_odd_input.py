"""Odd input on the documents pages and downloads: a clear answer, never a server error."""

from __future__ import annotations

import io

import pytest

from coordination.briefings.details import EMBARGO_RANGE_MESSAGE

from . import build_setting, counts, own_documents_dir, pdf_bytes, stored_files

TOO_BIG = "9" * 25  # more than any database integer holds


@pytest.fixture
def setting(make):
    return build_setting(make)


@pytest.fixture
def root(app, monkeypatch, tmp_path):
    return own_documents_dir(app, monkeypatch, tmp_path)


@pytest.fixture
def document(make, setting, root):
    return make.document(setting.convening, "Takedowns", content=pdf_bytes(), filename="t.pdf")


def routes(convening_id: int, document_id: int) -> list[tuple[str, str]]:
    """Every briefing address with one of its ids replaced by a number too large to exist."""
    return [
        ("GET", f"/convenings/{TOO_BIG}/documents"),
        ("GET", f"/convenings/{TOO_BIG}/documents/new"),
        ("POST", f"/convenings/{TOO_BIG}/documents/new"),
        ("GET", f"/documents/{TOO_BIG}"),
        ("GET", f"/documents/{TOO_BIG}/edit"),
        ("POST", f"/documents/{TOO_BIG}/edit"),
        ("GET", f"/documents/{TOO_BIG}/replace"),
        ("POST", f"/documents/{TOO_BIG}/replace"),
        ("POST", f"/documents/{TOO_BIG}/delete"),
        ("POST", f"/documents/{TOO_BIG}/restore"),
        ("GET", f"/documents/{TOO_BIG}/download"),
        ("GET", f"/document-versions/{TOO_BIG}/download"),
        ("GET", f"/convenings/{TOO_BIG}/briefing-pack.zip"),
        ("GET", f"/convenings/{TOO_BIG}/briefing-book.pdf"),
        ("GET", f"/documents/{TOO_BIG}/receipts"),
        ("GET", f"/convenings/{TOO_BIG}/receipts/1"),
        ("GET", f"/convenings/{convening_id}/receipts/{TOO_BIG}"),
    ]


@pytest.mark.parametrize("who", ["organiser", "company_person"])
def test_id_too_large_for_the_database_is_not_found(client, auth, setting, document, who):
    auth.sign_in(getattr(setting, who))
    for method, path in routes(setting.convening.id, document.id):
        response = client.open(path, method=method, data={})
        assert response.status_code == 404, (method, path, response.status_code)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("agenda_item_id", TOO_BIG, "Choose an item of this convening's agenda, or none."),
        ("agenda_item_id", "\u00b2", "Choose an item of this convening's agenda, or none."),
        ("audience_organisations", "\u00b2", "Choose organisations among those invited."),
        ("audience_organisations", TOO_BIG, "Choose organisations among those invited."),
        ("embargo", "9999-12-31T23:59", EMBARGO_RANGE_MESSAGE),
    ],
)
def test_odd_field_value_is_refused_with_a_message_on_upload_and_edit(
    client, auth, db, setting, document, root, field, value, message
):
    auth.sign_in(setting.organiser)
    details = {
        "title": "Changed",
        "sensitivity": "Official",
        "audience_kind": "organisations" if field == "audience_organisations" else "everyone",
        "version": str(document.version),
        field: value,
    }
    before, files = counts(db), stored_files(root)

    edited = client.post(f"/documents/{document.id}/edit", data=details)
    uploaded = client.post(
        f"/convenings/{setting.convening.id}/documents/new",
        data={**details, "file": (io.BytesIO(pdf_bytes()), "new.pdf")},
    )

    for response in (edited, uploaded):
        assert response.status_code == 400
        assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert counts(db) == before
    assert stored_files(root) == files
