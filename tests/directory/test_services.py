from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.db import get_database
from coordination.directory import queries, rules, services
from coordination.models import AuditEvent, Contact, Organisation, OrganisationKind, User, utcnow
from coordination.principal import load_principal
from coordination.service import CHANGED_MEANWHILE, InputError, StaleError
from tests.factories import principal


def organisation_values(**overrides):
    values = {
        "name": "Acme Studios",
        "kind": "company",
        "country": "US",
        "sectors": "Film, Television",
        "website": "https://acme.example",
        "notes": "",
    }
    values.update(overrides)
    return values


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


# --- Cleaning rules ------------------------------------------------------------------------


def test_clean_sectors_trims_and_drops_repeats_ignoring_case():
    assert rules.clean_sectors(" Film ,film,  Social   media,, FILM ") == ["Film", "Social media"]


def test_clean_sectors_over_long_sector_refused():
    with pytest.raises(rules.InvalidValue, match="80 characters"):
        rules.clean_sectors("x" * 81)


def test_clean_sectors_more_than_twenty_refused():
    with pytest.raises(rules.InvalidValue, match="at most 20"):
        rules.clean_sectors(",".join(f"Sector {n}" for n in range(21)))


def test_clean_country_accepts_code_or_english_name():
    assert rules.clean_country("gb") == "GB"
    assert rules.clean_country("United Kingdom") == "GB"
    assert rules.clean_country("south korea") == "KR"
    assert rules.clean_country("") is None


def test_clean_country_unknown_refused():
    with pytest.raises(rules.InvalidValue, match="'Atlantis' is not a country"):
        rules.clean_country("Atlantis")


def test_clean_kind_accepts_value_or_label_ignoring_case():
    assert rules.clean_kind("EMBASSY") is OrganisationKind.EMBASSY
    assert rules.clean_kind("government agency") is OrganisationKind.GOVERNMENT_AGENCY


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://example.org", "example.org", "https://", "http://a b.org"],
)
def test_clean_website_only_http_addresses_accepted(website):
    with pytest.raises(rules.InvalidValue):
        rules.clean_website(website)


# --- Organisations ---------------------------------------------------------------------------


def test_create_organisation_stores_clean_values_and_audit(db, make):
    admin = make.user(is_admin=True)

    organisation = services.create_organisation(
        db,
        principal(admin),
        organisation_values(name="  Acme   Studios ", sectors="Film, film, TV"),
    )
    db.commit()

    stored = db.get(Organisation, organisation.id)
    assert (stored.name, stored.name_normalized) == ("Acme Studios", "acme studios")
    assert stored.sectors == ["Film", "TV"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.created"))
    assert event.object_id == organisation.id
    assert event.changes["sectors"] == ["Film", "TV"]


def test_create_organisation_duplicate_name_ignoring_case_refused(db, make):
    make.organisation("Acme Studios")

    with pytest.raises(InputError) as caught:
        services.create_organisation(db, principal(None), organisation_values(name="ACME studios"))

    assert caught.value.errors == {"name": "An organisation called Acme Studios already exists."}


def test_create_organisation_reports_every_bad_field(db):
    with pytest.raises(InputError) as caught:
        services.create_organisation(
            db, principal(None), organisation_values(name="", country="ZZ", website="javascript:x")
        )

    assert set(caught.value.errors) == {"name", "country", "website"}


def test_update_organisation_records_before_and_after(db, make):
    organisation = make.organisation("Acme", sectors=("Film",), website="https://old.example")

    changes = services.update_organisation(
        db,
        principal(None),
        organisation,
        organisation_values(name="Acme", sectors="Film, Music", website="https://new.example"),
        expected_version=organisation.version,
    )
    db.commit()

    assert changes["sectors"] == [["Film"], ["Film", "Music"]]
    assert changes["website"] == ["https://old.example", "https://new.example"]
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.updated"))
    assert event.changes["website"] == ["https://old.example", "https://new.example"]


def test_update_organisation_sector_change_alone_moves_version(db, make):
    organisation = make.organisation("Acme", sectors=("Film",), website="https://acme.example")
    version = organisation.version

    services.update_organisation(
        db,
        principal(None),
        organisation,
        organisation_values(name="Acme", sectors="Film, Music"),
        version,
    )
    db.commit()

    assert organisation.version == version + 1


def test_update_organisation_stale_version_refused(db, make):
    organisation = make.organisation("Acme")

    with pytest.raises(StaleError) as caught:
        services.update_organisation(
            db,
            principal(None),
            organisation,
            organisation_values(name="Renamed"),
            organisation.version - 1,
        )

    assert str(caught.value) == CHANGED_MEANWHILE
    assert organisation.name == "Acme"


def test_set_organisation_archived_keeps_row_and_records(db, make):
    organisation = make.organisation("Acme")

    changed = services.set_organisation_archived(db, principal(None), organisation, True)
    db.commit()

    assert changed is True
    assert db.get(Organisation, organisation.id).archived_at is not None
    assert db.scalar(select(AuditEvent.action)) == "organisation.archived"
    assert services.set_organisation_archived(db, principal(None), organisation, True) is False


# --- Contacts ----------------------------------------------------------------------------------


def test_add_contact_duplicate_email_in_organisation_refused(db, make):
    organisation = make.organisation("Acme")
    make.contact(organisation, name="Jo", email="jo@acme.example")

    with pytest.raises(InputError) as caught:
        services.add_contact(
            db, principal(None), organisation, {"name": "Jo Two", "email": "JO@acme.example"}
        )

    assert "Jo already has this email address" in caught.value.errors["email"]


def test_add_contact_same_email_at_another_organisation_allowed(db, make):
    make.contact(make.organisation("Acme"), email="jo@example.org")
    other = make.organisation("Other")

    contact = services.add_contact(
        db, principal(None), other, {"name": "Jo", "email": "jo@example.org"}
    )
    db.commit()

    assert contact.email_normalized == "jo@example.org"
    assert count(db, Contact) == 2


def test_add_contact_invalid_email_refused(db, make):
    organisation = make.organisation("Acme")

    with pytest.raises(InputError) as caught:
        services.add_contact(
            db, principal(None), organisation, {"name": "Jo", "email": "not-an-address"}
        )

    assert "not an email address" in caught.value.errors["email"]


def test_update_contact_records_changes(db, make):
    contact = make.contact(make.organisation("Acme"), name="Jo", email="jo@acme.example")

    changes = services.update_contact(
        db,
        principal(None),
        contact,
        {"name": "Jo Bloggs", "email": "jo@acme.example", "phone": "+1 555"},
    )
    db.commit()

    assert changes == {"name": ["Jo", "Jo Bloggs"], "phone": [None, "+1 555"]}
    assert db.scalar(select(AuditEvent.action)) == "contact.updated"


def test_create_organisation_outside_any_request_stores_it_and_refuses_by_field(app, db, make):
    admin_id = make.user(is_admin=True).id

    with app.app_context(), get_database(app).session() as session:
        actor = load_principal(session, session.get(User, admin_id))
        created_id = services.create_organisation(session, actor, organisation_values()).id
        session.commit()
        with pytest.raises(InputError) as raised:
            services.create_organisation(session, actor, organisation_values(name="ACME studios"))
        session.rollback()

    stored = db.get(Organisation, created_id)
    assert (stored.name, stored.country, stored.sectors) == (
        "Acme Studios",
        "US",
        ["Film", "Television"],
    )
    assert count(db, Organisation) == 1
    assert raised.value.field == "name"
    assert raised.value.errors == {"name": "An organisation called Acme Studios already exists."}


# --- Listing ---------------------------------------------------------------------------------


def names(page) -> list[str]:
    return [row.organisation.name for row in page.items]


def test_list_page_search_is_case_insensitive_substring(db, make):
    make.organisation("Apple")
    make.organisation("Pineapple Films")
    make.organisation("Banana 100%")

    page = queries.list_page(db, queries.DirectoryFilters(search="APPLE"), 1, 25)
    literal = queries.list_page(db, queries.DirectoryFilters(search="100%"), 1, 25)

    assert names(page) == ["Apple", "Pineapple Films"]
    assert names(literal) == ["Banana 100%"]


def test_list_page_filters_by_kind_sector_and_country(db, make):
    make.organisation("Studio", kind=OrganisationKind.COMPANY, country="US", sectors=("Film",))
    make.organisation("Embassy", kind=OrganisationKind.EMBASSY, country="GB", sectors=("Film",))
    make.organisation("Network", kind=OrganisationKind.COMPANY, country="GB", sectors=("TV",))

    def only(**filters):
        return names(queries.list_page(db, queries.DirectoryFilters(**filters), 1, 25))

    assert only(kind=OrganisationKind.COMPANY) == ["Network", "Studio"]
    assert only(sector="film") == ["Embassy", "Studio"]
    assert only(country="GB", sector="FILM") == ["Embassy"]


def test_list_page_hides_archived_unless_asked(db, make):
    make.organisation("Current")
    archived = make.organisation("Gone")
    services.set_organisation_archived(db, principal(None), archived, True)
    db.commit()

    assert names(queries.list_page(db, queries.DirectoryFilters(), 1, 25)) == ["Current"]
    everything = queries.list_page(db, queries.DirectoryFilters(include_archived=True), 1, 25)
    assert names(everything) == ["Current", "Gone"]


def test_list_page_counts_current_contacts(db, make):
    organisation = make.organisation("Acme")
    make.contact(organisation)
    make.contact(organisation)
    make.contact(organisation, archived_at=utcnow())

    page = queries.list_page(db, queries.DirectoryFilters(), 1, 25)

    assert [row.contact_count for row in page.items] == [2]


def test_list_page_paginates_by_name(db, make):
    for number in (3, 1, 2, 5, 4):
        make.organisation(f"Org {number}")

    second = queries.list_page(db, queries.DirectoryFilters(), 2, 2)
    beyond = queries.list_page(db, queries.DirectoryFilters(), 9, 2)

    assert names(second) == ["Org 3", "Org 4"]
    assert (second.total, second.pages) == (5, 3)
    assert (beyond.number, names(beyond)) == (3, ["Org 5"])
