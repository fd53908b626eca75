from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from coordination.directory import csv_io, importer
from coordination.models import AuditEvent, Contact, Organisation, OrganisationKind, utcnow

from .helpers import payload_of, text_of, upload

HEADER = ",".join(csv_io.COLUMNS)


def csv_text(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


GOOD = csv_text(
    "Apple,company,US,Technology; Devices,https://www.apple.com,,Jane Roe,jane@apple.example,"
    "Head of policy,+1 408 555 0100",
    "Apple,company,US,Technology; Devices,https://www.apple.com,,John Doe,john@apple.example,,",
    "British Embassy,Embassy / foreign mission,United Kingdom,Diplomacy,,,,,,",
    "Home Office,GOVERNMENT AGENCY,gb,,,Hosts the series.,,,,",
)


def counts(db) -> tuple[int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count()).select_from(Organisation)),
        db.scalar(select(func.count()).select_from(Contact)),
    )


def import_file(client, content) -> object:
    """Upload, then confirm the preview; the confirmation's response."""
    preview = upload(client, content)
    assert preview.status_code == 200, text_of(preview)
    return client.post("/directory/import/confirm", data={"payload": payload_of(preview)})


# --- Preview ---------------------------------------------------------------------------------


def test_preview_shows_what_would_happen_and_writes_nothing(client, auth, db, make, admin):
    make.organisation("Home Office", kind=OrganisationKind.GOVERNMENT_AGENCY, country="GB")
    auth.sign_in(admin)

    response = upload(client, GOOD)

    page = text_of(response)
    assert response.status_code == 200
    assert "2 organisations to add" in page
    assert "1 to update" in page  # the Home Office gains its notes
    assert "Same as line 2" in page
    assert "Import 4 rows" in page
    assert counts(db) == (1, 0)


def test_preview_lists_row_errors_with_line_numbers(client, auth, db, admin):
    auth.sign_in(admin)
    content = csv_text(
        "Apple,company,US,,,,,,,",
        "Bank of Nowhere,bank,US,,,,,,,",
        ",company,Atlantis,,ftp://x.example,,,,,",
        "Snap,company,US,,,,,not-an-email,,",
    )

    response = upload(client, content)

    page = text_of(response)
    assert response.status_code == 400
    assert "line 3: kind: &#39;bank&#39; is not one of company, government_agency" in page
    assert "line 4: name: Give the organisation&#39;s name." in page
    assert "line 4: country: &#39;Atlantis&#39; is not a country we know" in page
    assert "line 4: website: Enter a full web address" in page
    assert "line 5: contact_email: &#39;not-an-email&#39; is not an email address" in page
    assert "line 5: contact_name: Give the contact&#39;s name." in page
    assert 'name="payload"' not in page
    assert counts(db) == (0, 0)


def test_preview_missing_columns_is_a_whole_file_error(client, auth, db, admin):
    auth.sign_in(admin)

    response = upload(client, "name,kind,website\r\nApple,company,\r\n")

    page = text_of(response)
    assert response.status_code == 400
    assert "The header row lacks the columns country, sectors, notes, contact_name" in page
    assert counts(db) == (0, 0)


def test_preview_refuses_undecodable_and_binary_files(client, auth, admin):
    auth.sign_in(admin)

    latin1 = upload(client, csv_text("Café Society,company,FR,,,,,,,").encode("latin-1"))
    binary = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    empty = upload(client, b"")

    assert latin1.status_code == 400
    assert "not UTF-8 text: line 2 has bytes that cannot be read" in text_of(latin1)
    assert binary.status_code == 400
    assert "not a CSV text file" in text_of(binary)
    assert "Choose a CSV file" in text_of(empty) or "The file is empty." in text_of(empty)


def test_preview_accepts_byte_order_mark_and_skips_empty_lines(client, auth, admin):
    auth.sign_in(admin)
    content = "\ufeff" + csv_text(
        "Apple,company,US,,,,,,,", "", ",,,,,,,,,", "Snap,company,US,,,,,,,"
    )

    response = upload(client, content)

    page = text_of(response)
    assert response.status_code == 200
    assert "Empty lines 3, 4 will be skipped." in page
    assert "2 organisations to add" in page


def test_preview_same_name_with_different_details_refused(client, auth, db, admin):
    auth.sign_in(admin)
    content = csv_text("Apple,company,US,,,,,,,", "APPLE,company,GB,,,,,,,")

    response = upload(client, content)

    assert response.status_code == 400
    assert "line 3: &#39;APPLE&#39; is also on line 2 with a different name, country" in text_of(
        response
    )


def test_read_rows_refuses_more_rows_than_allowed():
    plan = importer.read_rows(csv_text(*[f"Org {n},company,,,,,,,," for n in range(4)]), 3)

    assert plan.file_errors == ["The file has more than 3 rows; split it into smaller files."]


def test_read_rows_reports_rows_with_wrong_number_of_values():
    plan = importer.read_rows(csv_text("Apple,company,US"), 10)

    assert plan.errors == [
        "line 2: has 3 values where the header has 10; check for a stray comma or quote."
    ]


def test_preview_same_contact_twice_for_one_organisation_refused(client, auth, admin):
    auth.sign_in(admin)
    content = csv_text(
        "Apple,company,US,,,,Jane Roe,jane@apple.example,,",
        "Apple,company,US,,,,Jane R.,JANE@apple.example,,",
    )

    response = upload(client, content)

    assert response.status_code == 400
    assert "line 3: the contact JANE@apple.example is also on line 2" in text_of(response)


def test_read_rows_header_without_rows_refused():
    plan = importer.read_rows(HEADER + "\r\n", 10)

    assert plan.file_errors == ["The file has no organisations below its header row."]


# --- Confirm ---------------------------------------------------------------------------------


def test_confirm_applies_every_row(client, auth, db, admin):
    auth.sign_in(admin)

    response = import_file(client, GOOD)

    assert response.status_code == 302
    assert counts(db) == (3, 2)
    apple = db.scalar(select(Organisation).where(Organisation.name == "Apple"))
    embassy = db.scalar(select(Organisation).where(Organisation.name == "British Embassy"))
    assert apple.sectors == ["Devices", "Technology"]
    assert [(contact.name, contact.phone) for contact in apple.contacts] == [
        ("Jane Roe", "+1 408 555 0100"),
        ("John Doe", None),
    ]
    assert (embassy.kind, embassy.country) == (OrganisationKind.EMBASSY, "GB")
    actions = db.scalars(select(AuditEvent.action)).all()
    assert sorted(actions) == ["contact.created"] * 2 + ["organisation.created"] * 3


def test_reimport_updates_instead_of_duplicating(client, auth, db, admin):
    auth.sign_in(admin)
    import_file(client, GOOD)
    changed = GOOD.replace("Head of policy", "Director").replace(
        "https://www.apple.com", "https://apple.example"
    )

    preview = upload(client, changed)
    response = client.post("/directory/import/confirm", data={"payload": payload_of(preview)})

    assert "1 to update" in text_of(preview)
    assert response.status_code == 302
    assert counts(db) == (3, 2)
    apple = db.scalar(select(Organisation).where(Organisation.name == "Apple"))
    assert apple.website == "https://apple.example"
    assert {contact.title for contact in apple.contacts} == {"Director", None}


def test_confirm_of_file_with_one_bad_row_changes_nothing(client, auth, db, make, app, admin):
    make.organisation("Apple", website="https://old.example")
    auth.sign_in(admin)
    content = csv_text(
        "Apple,company,US,,https://new.example,,,,,",
        "Broken,bank,US,,,,,,,",
    )
    with app.test_request_context():
        token = csv_io.sign_upload(content, "bad.csv", admin.id)

    response = client.post("/directory/import/confirm", data={"payload": token})

    assert response.status_code == 400
    assert "line 3: kind" in text_of(response)
    assert counts(db) == (1, 0)
    assert db.scalar(select(Organisation.website)) == "https://old.example"
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_confirm_refuses_altered_or_foreign_payload(client, auth, db, app, make, admin):
    other_admin = make.user(is_admin=True)
    auth.sign_in(admin)
    with app.test_request_context():
        foreign = csv_io.sign_upload(GOOD, "x.csv", other_admin.id)
        mine = csv_io.sign_upload(GOOD, "x.csv", admin.id)
    tampered = mine[:-4] + ("AAAA" if not mine.endswith("AAAA") else "BBBB")

    foreign_response = client.post("/directory/import/confirm", data={"payload": foreign})
    tampered_response = client.post("/directory/import/confirm", data={"payload": tampered})

    assert foreign_response.status_code == 400
    assert tampered_response.status_code == 400
    assert "could not be verified" in text_of(tampered_response)
    assert counts(db) == (0, 0)


# --- Export ----------------------------------------------------------------------------------


def exported_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_export_streams_one_row_per_contact(client, auth, make, coordinator):
    apple = make.organisation("Apple", sectors=("Devices", "Technology"))
    make.contact(apple, name="Jane Roe", email="jane@apple.example")
    make.contact(apple, name="John Doe", email="john@apple.example")
    make.organisation("Snap")
    make.organisation("Archived Co", archived_at=utcnow())
    auth.sign_in(coordinator)

    response = client.get("/directory/export.csv")

    rows = exported_rows(response)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="directory-')
    assert rows[0] == list(csv_io.COLUMNS)
    assert [row[0] for row in rows[1:]] == ["Apple", "Apple", "Snap"]
    assert rows[1][3] == "Devices; Technology"
    assert [row[6] for row in rows[1:]] == ["Jane Roe", "John Doe", ""]


def test_export_respects_filters(client, auth, make, admin):
    make.organisation("Apple", kind=OrganisationKind.COMPANY)
    make.organisation("Home Office", kind=OrganisationKind.GOVERNMENT_AGENCY)
    auth.sign_in(admin)

    rows = exported_rows(client.get("/directory/export.csv?kind=government_agency"))

    assert [row[0] for row in rows[1:]] == ["Home Office"]


def test_export_escapes_formulas_and_round_trips(client, auth, db, make, admin):
    risky = make.organisation('=HYPERLINK("http://evil.example")', notes="+SUM(A1:A9)")
    make.contact(risky, name="@Mention", email="x@risky.example", phone="+44 20 7946 0000")
    make.contact(risky, name="-Minus", email="y@risky.example")
    auth.sign_in(admin)

    exported = client.get("/directory/export.csv")
    rows = exported_rows(exported)
    preview = upload(client, exported.get_data())

    by_contact = {row[6]: row for row in rows[1:]}
    assert set(by_contact) == {"'@Mention", "'-Minus"}
    assert by_contact["'@Mention"][0] == '\'=HYPERLINK("http://evil.example")'
    assert by_contact["'@Mention"][5] == "'+SUM(A1:A9)"
    assert by_contact["'@Mention"][9] == "'+44 20 7946 0000"
    assert preview.status_code == 200
    assert "0 organisations to add" in text_of(preview)
    assert "1 unchanged" in text_of(preview)
    assert "0 contacts to add, 0 to update, 2 unchanged" in text_of(preview)


def test_export_of_imported_file_reimports_unchanged(client, auth, db, admin):
    auth.sign_in(admin)
    import_file(client, GOOD)
    before = counts(db)

    exported = client.get("/directory/export.csv").get_data()
    response = import_file(client, exported)

    assert response.status_code == 302
    assert counts(db) == before
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("%.updated"))
        )
        == 0
    )
