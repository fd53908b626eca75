"""Download receipts: recorded for each download, and shown to the team per document and per
organisation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from coordination.models import DownloadChannel, DownloadReceipt, InvitationStatus

from ..invitations.rsvp_helpers import text_of
from .test_downloads import Scene, build_scene, open_link, receipts, url


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


def document_page(scene: Scene, document) -> str:
    return f"/documents/{document.id}/receipts"


def organisation_page(scene: Scene, organisation) -> str:
    return f"/convenings/{scene.convening.id}/receipts/{organisation.id}"


def row_of(page: str, name: str) -> str:
    """The text of the table row whose header names ``name``."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if name in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"no row for {name}")


def test_download_records_who_for_which_organisation_and_version(client, auth, scene, db):
    auth.sign_in(scene.company_person)
    client.get(url(scene.everyone))
    (receipt,) = receipts(db)
    assert receipt.user_id == scene.company_person.id
    assert receipt.organisation_id == scene.company.id
    assert receipt.recipient_name == "Casey Apple"
    assert receipt.document_version_id == scene.everyone.latest.id
    assert receipt.convening_id == scene.convening.id
    assert receipt.channel == DownloadChannel.FILE
    assert datetime.now(UTC) - receipt.downloaded_at < timedelta(minutes=1)


def test_team_download_is_recorded_without_organisation(client, auth, scene, db):
    auth.sign_in(scene.coordinator)
    client.get(url(scene.everyone))
    (receipt,) = receipts(db)
    assert receipt.organisation_id is None
    assert receipt.recipient_name == "Cole Coordinator"


def test_link_holder_download_is_recorded_for_the_invited_organisation(client, scene, db):
    open_link(client, scene)
    client.get(url(scene.agency_only))
    (receipt,) = receipts(db)
    assert receipt.user_id is None
    assert receipt.organisation_id == scene.agency.id
    assert receipt.recipient_name == "Avery Agency (invitation link)"


def test_person_of_two_organisations_is_recorded_for_the_one_the_audience_admits(
    client, auth, scene, make, db
):
    # The company's participant is also the focal point reached by the agency's link.
    auth.sign_in(scene.company_person)
    open_link(client, scene)
    client.get(url(scene.agency_only))
    client.get(url(scene.company_only))
    first, second = receipts(db)
    assert first.organisation_id == scene.agency.id
    assert second.organisation_id == scene.company.id


def test_document_receipts_show_who_has_and_has_not_downloaded(app, client, auth, scene):
    auth.sign_in(scene.company_person)
    client.get(url(scene.everyone))
    auth.sign_out()
    auth.sign_in(scene.organiser)
    response = client.get(document_page(scene, scene.everyone))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    apple = row_of(page, "Apple")
    assert "Yes" in apple and "Casey Apple" in apple
    state = row_of(page, "State Department")
    assert "Not yet" in state
    assert "1 downloaded · 1 not yet" in text_of(response)
    assert "Invited Elsewhere" not in page


def test_document_receipts_list_only_organisations_in_the_audience(client, auth, scene):
    auth.sign_in(scene.coordinator)
    page = client.get(document_page(scene, scene.agency_only)).get_data(as_text=True)
    assert "State Department" in page
    assert "Apple" not in page


def test_document_receipts_say_when_the_embargo_lifts(client, auth, scene):
    auth.sign_in(scene.coordinator)
    response = client.get(document_page(scene, scene.embargoed))
    assert "Under embargo: participants can download it from" in text_of(response)


def test_organisation_receipts_show_what_it_has_and_has_not_received(client, auth, scene):
    auth.sign_in(scene.company_person)
    client.get(url(scene.everyone))
    client.get(f"/convenings/{scene.convening.id}/briefing-pack.zip")
    auth.sign_out()
    auth.sign_in(scene.coordinator)
    response = client.get(organisation_page(scene, scene.company))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    overview = row_of(page, "Threat overview")
    assert "Yes" in overview and "v1" in overview and "Casey Apple" in overview
    assert "Single file" in overview and "Briefing pack (ZIP)" in overview
    assert "Yes" in row_of(page, "Platform takedowns")
    embargoed = row_of(page, "Embargoed")
    assert "Not yet" in embargoed and "Embargoed until" in embargoed
    assert "Agency channels" not in page
    assert "Team notes" not in page


def test_organisation_receipts_show_an_older_version_as_such(client, auth, scene, make):
    auth.sign_in(scene.company_person)
    client.get(url(scene.everyone))
    make.document_version(scene.everyone, b"%PDF-1.4 second", filename="v2.pdf")
    auth.sign_out()
    auth.sign_in(scene.coordinator)
    page = client.get(organisation_page(scene, scene.company)).get_data(as_text=True)
    assert "An older version" in row_of(page, "Threat overview")


def test_organisation_receipts_of_an_organisation_not_invited_is_404(client, auth, scene, make):
    stranger = make.organisation("Never Invited")
    auth.sign_in(scene.coordinator)
    assert client.get(organisation_page(scene, stranger)).status_code == 404


@pytest.mark.parametrize("who", ["company_person", "agency_person", "outsider"])
def test_receipt_pages_are_the_teams_only(client, auth, scene, who):
    auth.sign_in(scene[who])
    assert client.get(document_page(scene, scene.everyone)).status_code in (403, 404)
    assert client.get(organisation_page(scene, scene.company)).status_code in (403, 404)


def test_receipts_page_paginates_organisations(app, client, auth, scene, make):
    for number in range(app.config["PER_PAGE"] + 3):
        make.invitation(scene.convening, make.organisation(f"Zeta Org {number:02d}"), commit=False)
    make.commit()
    auth.sign_in(scene.coordinator)
    first = client.get(document_page(scene, scene.everyone)).get_data(as_text=True)
    second = client.get(document_page(scene, scene.everyone) + "?page=2").get_data(as_text=True)
    assert "Zeta Org 26" not in first and "Zeta Org 26" in second
    assert 'rel="next"' in first


def _grow(make, db, scene: Scene, organisations: int) -> None:
    """Invite more organisations, each having downloaded every document twice."""
    documents = [scene.everyone, scene.company_only, scene.sensitive]
    for number in range(organisations):
        organisation = make.organisation(f"Grown {organisations}-{number}")
        make.invitation(scene.convening, organisation, status=InvitationStatus.ACCEPTED)
        # The company reads more too, and more briefings are written for it.
        make.document(scene.convening, f"Extra {organisations}-{number}", content=b"%PDF-1.4 x")
        for receiver in (organisation, scene.company):
            db.add(
                DownloadReceipt(
                    convening_id=scene.convening.id,
                    document_id=scene.everyone.id,
                    document_version_id=scene.everyone.latest.id,
                    organisation_id=receiver.id,
                    recipient_name=f"Reader {number}",
                    channel=DownloadChannel.PACK,
                )
            )
        for document in documents:
            for _ in range(2):
                db.add(
                    DownloadReceipt(
                        convening_id=scene.convening.id,
                        document_id=document.id,
                        document_version_id=document.latest.id,
                        organisation_id=organisation.id,
                        recipient_name=f"Reader {number}",
                        channel=DownloadChannel.FILE,
                    )
                )
    db.commit()


def _count(app, count_queries, scene: Scene, path: str) -> int:
    client = app.test_client()
    client.post(
        "/account/sign-in",
        data={"email": scene.coordinator.email, "password": "correct horse battery"},
    )
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter.count


def test_receipt_pages_query_count_does_not_grow_with_data(app, make, db, scene, count_queries):
    _grow(make, db, scene, 2)
    small = (
        _count(app, count_queries, scene, document_page(scene, scene.everyone)),
        _count(app, count_queries, scene, organisation_page(scene, scene.company)),
    )
    _grow(make, db, scene, 40)
    large = (
        _count(app, count_queries, scene, document_page(scene, scene.everyone)),
        _count(app, count_queries, scene, organisation_page(scene, scene.company)),
    )
    assert small == large
