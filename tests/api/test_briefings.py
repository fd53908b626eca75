"""Briefing documents through the API: the same audience, embargo, receipts and watermark as
the pages' list and download."""

from __future__ import annotations

import hashlib

import pytest

from coordination import storage
from coordination.api.representations import represent
from coordination.models import (
    AudienceKind,
    Convening,
    ConveningStatus,
    DownloadChannel,
    OrganisationKind,
)
from tests.agenda.helpers import add_item
from tests.briefings.test_downloads import Scene, build_scene, make_pdf, receipts
from tests.briefings.test_watermark import pages_text
from tests.factories import principal

# What each reader receives of the scene's briefings, by title.
FOR_COMPANY = ["Platform takedowns", "Résumé", "Sensitive assessment", "Threat overview"]
FOR_AGENCY = ["Agency channels", "Résumé", "Sensitive assessment", "Threat overview"]
FOR_TEAM = sorted(
    [
        "Agency channels",
        "Embargoed",
        "Platform takedowns",
        "Résumé",
        "Sensitive assessment",
        "Sensitive memo",
        "Team notes",
        "Threat overview",
    ]
)


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


def list_url(scene: Scene) -> str:
    return f"/api/v1/convenings/{scene.convening.id}/documents"


def titles(body: dict) -> list[str]:
    return [document["title"] for document in body["items"]]


def stored_bytes(app, document) -> bytes:
    with app.app_context():
        return storage.path_for(document.latest.storage_key).read_bytes()


# What each caller receives.


def test_documents_government_only_briefing_never_reaches_a_company(scene, api_as, db):
    hidden = scene.agency_only
    company = api_as(scene.company_person)
    agency = api_as(scene.agency_person)

    listed = company.get(list_url(scene)).get_json()
    read = company.get(f"/api/v1/documents/{hidden.id}")
    downloaded = company.get(f"/api/v1/documents/{hidden.id}/file")
    nothing_here = company.get("/api/v1/documents/999999")

    assert "Agency channels" not in titles(listed)
    assert read.status_code == downloaded.status_code == nothing_here.status_code == 404
    assert read.get_json()["detail"] == nothing_here.get_json()["detail"]
    assert "Agency channels" not in read.get_data(as_text=True)
    assert b"%PDF" not in downloaded.data
    assert receipts(db) == []
    assert "Agency channels" in titles(agency.get(list_url(scene)).get_json())
    assert agency.get(f"/api/v1/documents/{hidden.id}").status_code == 200
    assert agency.get(f"/api/v1/documents/{hidden.id}/file").status_code == 200


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("company_person", FOR_COMPANY),
        ("agency_person", FOR_AGENCY),
        ("coordinator", FOR_TEAM),
        ("organiser", FOR_TEAM),
    ],
)
def test_documents_list_follows_audience_embargo_and_deletion(scene, api_as, who, expected):
    response = api_as(scene[who]).get(list_url(scene))

    assert response.status_code == 200
    assert titles(response.get_json()) == expected


@pytest.mark.parametrize(
    "name", ["team_only", "embargoed", "deleted", "sensitive_word", "company_only"]
)
def test_documents_withheld_from_an_agency_are_not_found(scene, api_as, db, name):
    api = api_as(scene.agency_person)

    read = api.get(f"/api/v1/documents/{scene[name].id}")
    downloaded = api.get(f"/api/v1/documents/{scene[name].id}/file")

    assert read.status_code == downloaded.status_code == 404
    assert receipts(db) == []


def test_documents_are_not_found_for_an_outsider(scene, api_as):
    api = api_as(scene.outsider)

    listed = api.get(list_url(scene))
    read = api.get(f"/api/v1/documents/{scene.everyone.id}")

    assert listed.status_code == read.status_code == 404


def test_documents_of_a_draft_convening_are_the_teams(scene, api_as, db):
    convening = db.get(Convening, scene.convening.id)
    convening.status = ConveningStatus.DRAFT
    db.commit()

    refused = api_as(scene.company_person).get(f"/api/v1/documents/{scene.everyone.id}/file")
    team = api_as(scene.organiser).get(f"/api/v1/documents/{scene.everyone.id}/file")

    assert refused.status_code == 404
    assert team.status_code == 200


def test_documents_list_pages_with_a_cursor(scene, api_as):
    api = api_as(scene.organiser)

    seen, cursor, pages = [], None, 0
    while True:
        url = f"{list_url(scene)}?limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url).get_json()
        seen += titles(body)
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == FOR_TEAM


def test_documents_list_refuses_a_cursor_it_did_not_give(scene, api_as):
    response = api_as(scene.organiser).get(f"{list_url(scene)}?cursor=not-a-cursor")

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["parameter"] == "cursor"


# Metadata.


def test_document_metadata_for_a_participant(scene, api_as):
    document = scene.everyone

    body = api_as(scene.company_person).get(f"/api/v1/documents/{document.id}").get_json()

    assert body["title"] == "Threat overview"
    assert body["sensitivity"] == "Official"
    assert body["watermarked"] is False
    assert body["file"]["filename"] == "threat-overview.pdf"
    assert body["file"]["sha256"] == document.latest.sha256
    assert body["file"]["media_type"] == "application/pdf"
    assert body["download_url"] == f"/api/v1/documents/{document.id}/file"
    # Who else a document is for is the team's to know.
    assert body["audience"] is None and body["deleted_at"] is None


def test_document_metadata_for_the_team_says_who_receives_it(scene, api_as):
    body = api_as(scene.coordinator).get(f"/api/v1/documents/{scene.agency_only.id}").get_json()

    assert body["audience"] == "Only: Government agency"


def test_document_stamped_for_each_reader_gives_no_hash(scene, api_as):
    body = api_as(scene.company_person).get(f"/api/v1/documents/{scene.sensitive.id}").get_json()

    assert body["watermarked"] is True
    assert body["file"]["sha256"] is None


def test_document_names_its_agenda_item_only_to_those_who_see_it(make, scene, api_as, db):
    item = add_item(
        db,
        scene.convening,
        "Classified threat briefing",
        audience=AudienceKind.KINDS,
        organisation_kinds=(OrganisationKind.GOVERNMENT_AGENCY.value,),
    )
    document = make.document(scene.convening, "Read-ahead", agenda_item_id=item.id)

    for_company = api_as(scene.company_person).get(f"/api/v1/documents/{document.id}")
    for_agency = api_as(scene.agency_person).get(f"/api/v1/documents/{document.id}")

    assert for_company.get_json()["agenda_item"] is None
    assert "Classified" not in for_company.get_data(as_text=True)
    assert for_agency.get_json()["agenda_item"] == {
        "id": item.id,
        "title": "Classified threat briefing",
    }


def test_document_representation_follows_the_owners_audience(app, scene, db):
    with app.test_request_context():
        as_company = represent(db, principal(scene.company_person), scene.agency_only)
        as_agency = represent(db, principal(scene.agency_person), scene.agency_only)
        as_outsider = represent(db, principal(scene.outsider), scene.everyone)
        embargoed = represent(db, principal(scene.agency_person), scene.embargoed)
        as_team = represent(db, principal(scene.coordinator), scene.embargoed)

    assert as_company is None and as_outsider is None and embargoed is None
    assert as_agency[0] == "document"
    assert as_agency[1]["title"] == "Agency channels"
    assert as_team[1]["title"] == "Embargoed"


# The download.


def test_document_download_records_a_receipt(app, scene, api_as, db):
    document = scene.everyone

    response = api_as(scene.company_person).get(f"/api/v1/documents/{document.id}/file")

    assert response.status_code == 200
    assert response.data == stored_bytes(app, document)
    [receipt] = receipts(db)
    assert receipt.document_id == document.id
    assert receipt.document_version_id == document.latest.id
    assert receipt.user_id == scene.company_person.id
    assert receipt.organisation_id == scene.company.id
    assert receipt.recipient_name == "Casey Apple"
    assert receipt.channel == DownloadChannel.FILE


def test_document_download_by_a_read_token_is_allowed(scene, api_as, db):
    api = api_as(scene.agency_person, scope="read")

    response = api.get(f"/api/v1/documents/{scene.agency_only.id}/file")

    assert response.status_code == 200
    assert len(receipts(db)) == 1


def test_document_download_is_an_inert_attachment(scene, api_as):
    response = api_as(scene.company_person).get(f"/api/v1/documents/{scene.everyone.id}/file")

    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"threat-overview.pdf\"; filename*=UTF-8''threat-overview.pdf"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["ETag"] == f'"{scene.everyone.latest.sha256}"'


def test_document_stored_as_html_is_still_never_shown_inline(make, scene, api_as):
    page = make.document(
        scene.convening,
        "Page",
        content=b"<script>alert(document.cookie)</script>",
        filename="page.html",
        media_type="text/html",
    )

    response = api_as(scene.company_person).get(f"/api/v1/documents/{page.id}/file")

    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_document_watermarked_pdf_carries_the_readers_name(scene, api_as, db):
    response = api_as(scene.company_person).get(f"/api/v1/documents/{scene.sensitive.id}/file")

    assert response.status_code == 200
    texts = pages_text(response.data)
    assert len(texts) == 2
    for text in texts:
        assert "Casey Apple" in text
        assert "Official-Sensitive" in text
    assert "Sensitive assessment page one" in texts[0]
    assert hashlib.sha256(response.data).hexdigest() != scene.sensitive.latest.sha256
    assert [receipt.recipient_name for receipt in receipts(db)] == ["Casey Apple"]


def test_document_download_answers_a_range_and_records_one_receipt(app, scene, api_as, db):
    api = api_as(scene.company_person)
    url = f"/api/v1/documents/{scene.everyone.id}/file"
    whole = stored_bytes(app, scene.everyone)

    first = api.get(url, headers={"Range": "bytes=0-9"})
    rest = api.get(url, headers={"Range": f"bytes=10-{len(whole) - 1}"})

    assert first.status_code == rest.status_code == 206
    assert first.data + rest.data == whole
    assert first.headers["Content-Range"] == f"bytes 0-9/{len(whole)}"
    # The later range continues the same download: one receipt.
    assert len(receipts(db)) == 1


def test_document_download_answers_conditions_without_a_receipt(scene, api_as, db):
    api = api_as(scene.company_person)
    url = f"/api/v1/documents/{scene.everyone.id}/file"
    etag = api.get(url).headers["ETag"]

    unchanged = api.get(url, headers={"If-None-Match": etag})
    other = api.get(url, headers={"If-Match": '"not-this-one"'})

    assert unchanged.status_code == 304 and unchanged.data == b""
    assert other.status_code == 412
    assert len(receipts(db)) == 1


def test_document_download_of_a_missing_file_is_a_problem(app, scene, api_as, db):
    with app.app_context():
        storage.path_for(scene.everyone.latest.storage_key).unlink()

    response = api_as(scene.company_person).get(f"/api/v1/documents/{scene.everyone.id}/file")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "missing" in response.get_json()["detail"]
    assert receipts(db) == []


def test_document_unreadable_pdf_under_a_watermark_label_is_never_sent(make, scene, api_as, db):
    broken = make.document(
        scene.convening, "Broken", sensitivity="Official-Sensitive", content=b"%PDF-1.4 broken"
    )

    response = api_as(scene.company_person).get(f"/api/v1/documents/{broken.id}/file")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "Broken" in response.get_json()["detail"]
    assert receipts(db) == []


def test_document_download_describes_the_types_it_may_answer(client):
    document = client.get("/api/v1/openapi.json").get_json()

    content = document["paths"]["/api/v1/documents/{document_id}/file"]["get"]["responses"]["200"][
        "content"
    ]

    assert "application/pdf" in content
    assert "text/html" not in content


# Query counts: the same whatever the number of documents.


def add_documents(make, scene: Scene, count: int) -> None:
    for number in range(count):
        make.document(
            scene.convening,
            f"Extra {count}-{number}",
            audience=make.audience(
                AudienceKind.ORGANISATIONS, organisations=(scene.company, scene.agency)
            ),
            content=make_pdf(f"Extra {number}"),
            commit=False,
        )
    make.commit()


@pytest.mark.parametrize("who", ["organiser", "company_person"])
def test_documents_list_costs_the_same_queries_whatever_their_number(
    make, scene, api_as, count_queries, who
):
    api = api_as(scene[who])
    add_documents(make, scene, 2)
    with count_queries() as small:
        assert api.get(list_url(scene)).status_code == 200
    add_documents(make, scene, 15)

    with count_queries() as large:
        body = api.get(list_url(scene)).get_json()

    assert len(body["items"]) > 20
    assert large.count == small.count
