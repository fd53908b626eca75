"""The briefing pack: a ZIP of exactly the briefings the viewer may receive, with an index."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from pypdf import PdfReader

from coordination.briefings.pack import UniqueNames
from coordination.models import Convening, ConveningStatus, DownloadChannel

from .test_downloads import Scene, build_scene, make_pdf, open_link, receipts, refused


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


def pack_url(scene: Scene) -> str:
    return f"/convenings/{scene.convening.id}/briefing-pack.zip"


def members(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_pack_holds_exactly_the_company_participants_briefings(client, auth, scene):
    auth.sign_in(scene.company_person)
    response = client.get(pack_url(scene))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="briefing-pack-mv.zip"'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert set(members(response)) == {
        "index.txt",
        "platform-takedowns.pdf",
        "Résumé \u2013 ملخص.txt",
        "sensitive-assessment.pdf",
        "threat-overview.pdf",
    }


def test_pack_for_the_agency_holds_agency_briefings_and_not_the_companys(client, auth, scene):
    auth.sign_in(scene.agency_person)
    names = set(members(client.get(pack_url(scene))))
    assert "agency-channels.pdf" in names
    assert "platform-takedowns.pdf" not in names
    for hidden in ("team-notes.pdf", "embargoed.pdf", "withdrawn-paper.pdf", "memo.docx"):
        assert hidden not in names


def test_pack_for_the_team_holds_every_live_document(client, auth, scene):
    auth.sign_in(scene.organiser)
    names = set(members(client.get(pack_url(scene))))
    for title in ("team-notes.pdf", "embargoed.pdf", "memo.docx", "agency-channels.pdf"):
        assert title in names
    assert "withdrawn-paper.pdf" not in names


def test_pack_index_lists_title_file_label_version_size_and_checksum(client, auth, scene):
    auth.sign_in(scene.company_person)
    files = members(client.get(pack_url(scene)))
    index = files["index.txt"].decode("utf-8")
    assert "Briefing pack: Madison Valleywood (MV)" in index
    assert "Prepared for Casey Apple, Apple" in index
    assert "4 of 4 documents included." in index
    overview = files["threat-overview.pdf"]
    assert "Threat overview" in index
    assert "File: threat-overview.pdf" in index
    assert "Label: Official" in index
    assert "Version: 1, uploaded" in index
    assert f"Size: {len(overview)} bytes" in index
    assert f"SHA-256: {hashlib.sha256(overview).hexdigest()}" in index
    assert overview_sha(scene) == hashlib.sha256(overview).hexdigest()


def overview_sha(scene: Scene) -> str:
    return scene.everyone.latest.sha256


def test_pack_stamps_labelled_pdfs_for_the_recipient(client, auth, scene):
    auth.sign_in(scene.company_person)
    files = members(client.get(pack_url(scene)))
    stamped = PdfReader(io.BytesIO(files["sensitive-assessment.pdf"]))
    for page in stamped.pages:
        assert "Issued to Casey Apple, Apple" in " ".join(page.extract_text().split())
    index = files["index.txt"].decode("utf-8")
    assert f"SHA-256: {hashlib.sha256(files['sensitive-assessment.pdf']).hexdigest()}" in index


def test_pack_records_a_receipt_per_document(client, auth, scene, db):
    auth.sign_in(scene.company_person)
    client.get(pack_url(scene))
    recorded = receipts(db)
    assert {r.document_id for r in recorded} == {
        scene.everyone.id,
        scene.company_only.id,
        scene.sensitive.id,
        scene.unicode_text.id,
    }
    assert {r.channel for r in recorded} == {DownloadChannel.PACK}
    assert {r.organisation_id for r in recorded} == {scene.company.id}


def test_pack_member_names_are_clean_and_unique(client, auth, scene, make):
    for name in ("threat-overview.pdf", "../../etc/passwd", "THREAT-OVERVIEW.PDF", "index.txt"):
        make.document(scene.convening, f"Copy {name}", content=make_pdf("copy"), filename=name)
    auth.sign_in(scene.company_person)
    files = members(client.get(pack_url(scene)))
    lowered = {name.lower() for name in files}
    assert len(lowered) == len(files)
    assert all("/" not in name and "\\" not in name for name in files)
    assert {"threat-overview.pdf", "threat-overview (2).pdf", "threat-overview (3).pdf"} <= lowered
    assert "index (2).txt" in lowered
    assert files["index.txt"].startswith(b"Briefing pack")
    assert "_.._etc_passwd" in files


def test_unique_names_number_repeats():
    names = UniqueNames(reserved=("index.txt",))
    assert [names.take(n) for n in ("a.pdf", "a.pdf", "A.pdf", "index.txt", "")] == [
        "a.pdf",
        "a (2).pdf",
        "A (3).pdf",
        "index (2).txt",
        "document",
    ]


def test_pack_leaves_out_an_unreadable_labelled_pdf_and_says_why(client, auth, scene, make, db):
    make.document(
        scene.convening,
        "Broken scan",
        sensitivity="Official-Sensitive",
        content=b"%PDF-1.4 broken",
        filename="broken.pdf",
    )
    auth.sign_in(scene.company_person)
    files = members(client.get(pack_url(scene)))
    assert "broken.pdf" not in files
    assert "Not included: its label requires your name" in files["index.txt"].decode()
    assert len(receipts(db)) == 4


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_pack_refused_to_outsiders_and_anonymous(client, auth, scene, who, db):
    if who != "anonymous":
        auth.sign_in(scene[who])
    response = client.get(pack_url(scene))
    assert refused(response)
    assert not response.data.startswith(b"PK")
    assert receipts(db) == []


def test_pack_for_an_invitation_link_holder(client, scene):
    open_link(client, scene)
    names = set(members(client.get(pack_url(scene))))
    assert "agency-channels.pdf" in names
    assert "platform-takedowns.pdf" not in names


def test_pack_of_a_draft_convening_is_refused_to_participants(client, auth, scene, db):
    convening = db.get(Convening, scene.convening.id)
    convening.status = ConveningStatus.DRAFT
    db.commit()
    auth.sign_in(scene.company_person)
    assert refused(client.get(pack_url(scene)))


def test_empty_pack_says_so(client, auth, make):
    organiser = make.user()
    convening = make.convening("Empty", organisers=(organiser,))
    auth.sign_in(organiser)
    response = client.get(f"/convenings/{convening.id}/briefing-pack.zip")
    files = members(response)
    assert list(files) == ["index.txt"]
    assert "No briefing documents are available to you yet." in files["index.txt"].decode()
