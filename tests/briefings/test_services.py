"""Rules for briefing documents: checks, versions, deletion, lists, and files kept in step."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from coordination import storage
from coordination.audiences import Viewer
from coordination.briefings import details as document_details
from coordination.briefings import queries, services, uploads
from coordination.briefings.details import DocumentInput
from coordination.briefings.uploads import Upload
from coordination.db import get_database, get_session
from coordination.models import (
    AgendaItem,
    Audience,
    AudienceKind,
    AuditEvent,
    Convening,
    Document,
    DocumentVersion,
    Invitation,
    InvitationStatus,
    OrganisationKind,
    User,
)
from coordination.principal import load_principal
from coordination.service import InputError, StaleError
from coordination.storage import Staging
from tests.factories import principal

from . import build_setting, counts, docx_bytes, own_documents_dir, pdf_bytes, stored_files


@pytest.fixture
def setting(make):
    return build_setting(make)


@pytest.fixture
def root(app, monkeypatch, tmp_path, app_context):
    return own_documents_dir(app, monkeypatch, tmp_path)


def details(**changes) -> DocumentInput:
    return replace(DocumentInput(title="Threat briefing", sensitivity="Official"), **changes)


def upload(content: bytes | None = None, filename: str = "threat-briefing.pdf") -> Upload:
    return Upload(stream=io.BytesIO(pdf_bytes() if content is None else content), filename=filename)


def create(db, setting, data=None, file=None):
    """Create a document as the views do: staged, flushed, committed, then kept."""
    with Staging(uploads.max_bytes()) as staging:
        document = services.create_document(
            db,
            principal(setting.organiser),
            setting.convening,
            data or details(),
            file or upload(),
            staging,
        )
        db.commit()
        staging.keep()
    return document


def errors_of(call) -> dict[str, str]:
    with pytest.raises(InputError) as raised:
        call()
    return raised.value.errors


def test_create_stores_the_file_with_its_size_sha256_and_checked_type(db, setting, root):
    content = pdf_bytes("Propaganda trends")

    document = create(db, setting, file=upload(content, "Threat briefing.PDF"))

    version = document.latest
    assert version.number == 1
    assert version.size_bytes == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.media_type == "application/pdf"
    assert version.filename == "Threat briefing.PDF"
    assert version.uploaded_by_id == setting.organiser.id
    path = storage.path_for(version.storage_key)
    assert path.read_bytes() == content
    assert stored_files(root) == [path]


def test_create_takes_the_title_from_the_file_name_when_none_is_given(db, setting, root):
    document = create(
        db, setting, details(title="  "), upload(filename="Counter-narrative toolkit.pdf")
    )

    assert document.title == "Counter-narrative toolkit"


def test_create_records_the_details_and_the_file_in_the_audit_trail(db, setting, root):
    document = create(db, setting)

    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "document.created"))
    assert event.object_id == document.id
    assert event.convening_id == setting.convening.id
    assert event.changes["title"] == "Threat briefing"
    assert event.changes["filename"] == "threat-briefing.pdf"
    assert event.changes["sha256"] == document.latest.sha256


def test_create_refuses_a_pdf_that_is_html_and_leaves_nothing(db, setting, root):
    before = counts(db)

    errors = errors_of(
        lambda: create(db, setting, file=upload(b"<html><script>x</script></html>", "brief.pdf"))
    )
    db.rollback()

    assert "is not a PDF file" in errors["file"]
    assert counts(db) == before
    assert stored_files(root) == []


def test_create_refuses_an_extension_not_allowed(db, setting, root):
    errors = errors_of(lambda: create(db, setting, file=upload(pdf_bytes(), "brief.html")))
    db.rollback()

    assert "not a type of file accepted here" in errors["file"]
    assert stored_files(root) == []


def test_create_refuses_an_empty_file(db, setting, root):
    errors = errors_of(lambda: create(db, setting, file=upload(b"", "empty.pdf")))
    db.rollback()

    assert errors["file"] == uploads.EMPTY_FILE_MESSAGE


def test_create_reports_every_problem_at_once(db, setting, root, make):
    other = make.convening("Elsewhere")
    foreign_item = AgendaItem(
        convening_id=other.id, position=0, title="Not ours", duration_minutes=5, audience=Audience()
    )
    db.add(foreign_item)
    db.commit()

    errors = errors_of(
        lambda: create(
            db,
            setting,
            details(
                title="x" * 201,
                sensitivity="Top Secret",
                audience_kind="organisations",
                audience_organisation_ids=[setting.outsider.contact.organisation_id],
                embargo_local=datetime(2030, 3, 10, 2, 30),  # skipped in New York
                agenda_item_id=foreign_item.id,
            ),
            upload(b"MZ", "tool.exe"),
        )
    )
    db.rollback()

    assert set(errors) == {
        "file",
        "title",
        "sensitivity",
        "audience_organisations",
        "embargo",
        "agenda_item_id",
    }
    assert stored_files(root) == []


def test_create_places_the_embargo_in_the_convening_zone(db, setting, root):
    document = create(db, setting, details(embargo_local=datetime(2030, 1, 15, 9, 0)))

    assert document.embargo_until == datetime(2030, 1, 15, 14, 0, tzinfo=UTC)
    assert document_details.input_from(document).embargo_local == datetime(2030, 1, 15, 9, 0)


def test_create_ties_the_document_to_an_agenda_item_and_an_audience(db, setting, root):
    item = AgendaItem(
        convening_id=setting.convening.id,
        position=0,
        title="Takedowns",
        duration_minutes=30,
        audience=Audience(),
    )
    db.add(item)
    db.commit()

    document = create(
        db,
        setting,
        details(
            agenda_item_id=item.id,
            audience_kind="kinds",
            audience_kinds=[OrganisationKind.GOVERNMENT_AGENCY.value],
        ),
    )

    assert document.agenda_item_id == item.id
    assert document.audience.kind is AudienceKind.KINDS
    assert document.audience.organisation_kinds == ["government_agency"]


def test_a_database_failure_after_placing_removes_the_file(db, setting, root):
    # The application's own session, which holds a transaction open until commit.
    session = get_session()
    organiser = session.get(User, setting.organiser.id)
    convening = session.get(Convening, setting.convening.id)
    with Staging() as staging:
        document = services.create_document(
            session, principal(organiser), convening, details(), upload(), staging
        )
        assert storage.path_for(document.latest.storage_key).exists()
        session.rollback()  # the commit failed: the staging is left without keep()

    assert stored_files(root) == []
    assert counts(db)[0] == 0


def test_replace_adds_a_version_and_the_latest_is_the_new_one(db, setting, root):
    document = create(db, setting)
    first = document.latest

    with Staging() as staging:
        version = services.replace_file(
            db,
            principal(setting.organiser),
            document,
            upload(docx_bytes(), "threat-briefing-v2.docx"),
            staging,
            document.version,
        )
        db.commit()
        staging.keep()

    assert version.number == 2
    assert document.latest.id == version.id
    assert [v.number for v in queries.versions_of(db, document)] == [2, 1]
    assert storage.path_for(first.storage_key).exists()
    assert storage.path_for(version.storage_key).exists()
    assert version.media_type.endswith("wordprocessingml.document")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "document.version_added"))
    assert event.changes["version_number"] == 2


def test_replace_refuses_a_stale_version_and_stores_nothing(db, setting, root):
    document = create(db, setting)
    files_before = stored_files(root)

    with pytest.raises(StaleError), Staging() as staging:
        services.replace_file(
            db, principal(setting.organiser), document, upload(), staging, document.version - 1
        )
    db.rollback()

    assert stored_files(root) == files_before
    assert db.scalar(select(DocumentVersion.number).order_by(DocumentVersion.number.desc())) == 1


def test_update_audits_the_changed_fields_and_moves_the_version_on(db, setting, root):
    document = create(db, setting)
    version_before = document.version

    changes = services.update_document(
        db,
        principal(setting.organiser),
        document,
        details(audience_kind="organisations", audience_organisation_ids=[setting.company.id]),
        version_before,
    )
    db.commit()

    assert changes == {"audience": ["Everyone invited", "Only: Apple"]}
    assert document.version == version_before + 1


def test_update_without_changes_records_nothing(db, setting, root):
    document = create(db, setting)

    changes = services.update_document(
        db,
        principal(setting.organiser),
        document,
        document_details.input_from(document),
        document.version,
    )

    assert changes == {}
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "document.updated")) is None


def test_update_made_on_an_old_version_is_refused(db, setting, root):
    document = create(db, setting)

    with pytest.raises(StaleError):
        services.update_document(
            db, principal(setting.organiser), document, details(title="New"), document.version + 1
        )


def test_update_keeps_an_organisation_whose_invitation_was_withdrawn(db, setting, root):
    document = create(
        db,
        setting,
        details(audience_kind="organisations", audience_organisation_ids=[setting.company.id]),
    )
    invitation = db.scalar(
        select(Invitation).where(Invitation.organisation_id == setting.company.id)
    )
    invitation.status = InvitationStatus.WITHDRAWN
    db.commit()

    changes = services.update_document(
        db,
        principal(setting.organiser),
        document,
        details(
            title="Renamed",
            audience_kind="organisations",
            audience_organisation_ids=[setting.company.id],
        ),
        document.version,
    )

    assert changes == {"title": ["Threat briefing", "Renamed"]}


def test_delete_hides_from_participants_and_restore_brings_back(db, setting, root):
    document = create(db, setting)
    company = Viewer.for_organisation(setting.company)

    services.delete_document(db, principal(setting.organiser), document, document.version)
    db.commit()

    assert document.deleted_by_id == setting.organiser.id
    assert queries.released_documents(db, setting.convening, company, 1, 25).items == []
    assert queries.team_documents(db, setting.convening, 1, 25).items == []
    assert queries.team_documents(db, setting.convening, 1, 25, deleted=True).items == [document]
    assert storage.path_for(document.latest.storage_key).exists()

    services.restore_document(db, principal(setting.organiser), document, document.version)
    db.commit()

    assert queries.released_documents(db, setting.convening, company, 1, 25).items == [document]
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["document.deleted", "document.restored"]


def test_delete_twice_is_refused_with_a_message(db, setting, root):
    document = create(db, setting)
    services.delete_document(db, principal(setting.organiser), document, document.version)
    db.commit()

    errors = errors_of(
        lambda: services.delete_document(
            db, principal(setting.organiser), document, document.version
        )
    )

    assert errors == {"": "This document is already deleted."}


def test_released_documents_follow_audience_and_embargo(db, setting, root):
    everyone = create(db, setting, details(title="For everyone"))
    agencies = create(
        db,
        setting,
        details(
            title="For agencies",
            audience_kind="kinds",
            audience_kinds=[OrganisationKind.GOVERNMENT_AGENCY.value],
        ),
    )
    later = (datetime.now(UTC) + timedelta(days=2)).astimezone(setting.convening.zone)
    create(db, setting, details(title="Embargoed", embargo_local=later.replace(tzinfo=None)))
    create(db, setting, details(title="Team only", audience_kind="team"))

    def titles(viewer):
        page = queries.released_documents(db, setting.convening, viewer, 1, 25)
        return sorted(document.title for document in page.items)

    assert titles(Viewer.for_organisation(setting.company)) == [everyone.title]
    assert titles(Viewer.for_organisation(setting.agency)) == sorted(
        [everyone.title, agencies.title]
    )
    assert titles(Viewer()) == []
    assert len(titles(Viewer.team())) == 4


def test_released_documents_paginate(db, setting, root):
    for number in range(5):
        create(db, setting, details(title=f"Document {number}"))

    page = queries.released_documents(
        db, setting.convening, Viewer.for_organisation(setting.company), 2, 2
    )

    assert page.total == 5
    assert [document.title for document in page.items] == ["Document 2", "Document 3"]


def test_demo_uploads_real_pdfs_with_audiences_labels_and_versions(runner, db, app, root):
    result = runner.invoke(args=["seed-demo", "--password", "demo password 1"])
    assert result.exit_code == 0, result.output
    documents = {document.title: document for document in db.scalars(select(Document))}

    threat = documents["Threat briefing: online propaganda trends"]
    assert threat.sensitivity == "Official-Sensitive"
    assert threat.audience.kind is AudienceKind.KINDS
    assert threat.audience.organisation_kinds == ["government_agency"]
    toolkit = documents["Counter-narrative toolkit"]
    assert [version.number for version in toolkit.versions] == [2, 1]
    assert toolkit.audience.kind is AudienceKind.EVERYONE
    assert documents["Takedown process overview"].agenda_item.title.startswith("Faster takedowns")
    data_pack = documents["Meeting-day data pack"]
    assert data_pack.embargo_until == data_pack.convening.starts_at
    with app.app_context():
        for document in documents.values():
            for version in document.versions:
                content = storage.path_for(version.storage_key).read_bytes()
                assert content.startswith(b"%PDF-")
                assert hashlib.sha256(content).hexdigest() == version.sha256

    files = stored_files(root)
    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0
    assert db.scalar(select(func.count(Document.id))) == len(documents)
    assert stored_files(root) == files


def test_create_document_needs_no_request(app, setting, monkeypatch, tmp_path):
    # Any front may call the service: here only an application context and a plain session.
    root = own_documents_dir(app, monkeypatch, tmp_path)
    with app.app_context(), get_database(app).session() as session:
        organiser = session.get(User, setting.organiser.id)
        convening = session.get(Convening, setting.convening.id)
        acting = load_principal(session, organiser)
        with Staging(uploads.max_bytes()) as staging:
            document = services.create_document(
                session, acting, convening, details(), upload(pdf_bytes("Trends")), staging
            )
            session.commit()
            staging.keep()
        with pytest.raises(InputError) as refused, Staging() as staging:
            services.create_document(
                session, acting, convening, details(), upload(b"", "empty.pdf"), staging
            )
        session.rollback()

        stored = session.scalars(select(Document)).all()
        assert [(d.title, d.created_by_id) for d in stored] == [("Threat briefing", organiser.id)]
        path = storage.path_for(document.latest.storage_key)
        assert path.read_bytes() == pdf_bytes("Trends")
    assert stored_files(root) == [path]
    assert refused.value.field == "file"
    assert refused.value.errors == {"file": uploads.EMPTY_FILE_MESSAGE}
