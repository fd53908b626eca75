from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.models import AuditEvent, Contact, Organisation, OrganisationKind, utcnow
from coordination.service import CHANGED_MEANWHILE

from .helpers import form_values, organisation_count, text_of

# --- List ------------------------------------------------------------------------------------


def test_list_shows_kind_country_sectors_and_contact_count(client, auth, make, admin):
    organisation = make.organisation(
        "British Embassy", kind=OrganisationKind.EMBASSY, country="GB", sectors=("Diplomacy",)
    )
    make.contact(organisation)
    make.contact(organisation)
    auth.sign_in(admin)

    page = text_of(client.get("/directory/"))

    assert "British Embassy" in page
    assert "Embassy / foreign mission" in page
    assert "United Kingdom" in page
    assert "Diplomacy" in page
    assert '<td class="numeric">2</td>' in page


def test_list_search_and_filters_narrow_rows(client, auth, make, admin):
    make.organisation("Apple", kind=OrganisationKind.COMPANY, country="US", sectors=("Tech",))
    make.organisation("Snap", kind=OrganisationKind.COMPANY, country="US", sectors=("Social",))
    make.organisation("Home Office", kind=OrganisationKind.GOVERNMENT_AGENCY, country="GB")
    auth.sign_in(admin)

    searched = text_of(client.get("/directory/?q=APP"))
    by_kind = text_of(client.get("/directory/?kind=government_agency"))
    by_sector = text_of(client.get("/directory/?sector=social"))
    by_country = text_of(client.get("/directory/?country=GB"))

    assert "Apple" in searched and "Snap" not in searched
    assert "Home Office" in by_kind and "Apple" not in by_kind
    assert "Snap" in by_sector and "Apple" not in by_sector
    assert "Home Office" in by_country and "Snap" not in by_country


def test_list_odd_filter_values_are_ignored(client, auth, make, admin):
    make.organisation("Apple")
    auth.sign_in(admin)

    response = client.get("/directory/?kind=bank&country=ZZ&page=abc")

    assert response.status_code == 200
    assert "Apple" in text_of(response)


def test_list_paginates_sorted_by_name(client, auth, make, admin):
    for number in range(27, 0, -1):
        make.organisation(f"Org {number:02d}", commit=False)
    make.commit()
    auth.sign_in(admin)

    first = text_of(client.get("/directory/"))
    second = text_of(client.get("/directory/?page=2"))

    assert "Org 01" in first and "Org 25" in first and "Org 26" not in first
    assert "Org 26" in second and "Org 27" in second and "Org 25" not in second
    assert "Showing 26\u201327 of 27" in second


def test_list_hides_archived_unless_included(client, auth, make, admin):
    make.organisation("Still Here")
    make.organisation("Long Gone", archived_at=utcnow())
    auth.sign_in(admin)

    default = text_of(client.get("/directory/"))
    everything = text_of(client.get("/directory/?archived=y"))

    assert "Still Here" in default and "Long Gone" not in default
    assert "Long Gone" in everything


def test_list_query_count_does_not_grow_with_rows(client, auth, make, admin, count_queries):
    auth.sign_in(admin)

    def queries_for_list() -> int:
        with count_queries() as counter:
            assert client.get("/directory/").status_code == 200
        return counter.count

    for number in range(3):
        organisation = make.organisation(f"Small {number}", sectors=("A", "B"))
        make.contact(organisation)
    with_three = queries_for_list()
    for number in range(27):
        organisation = make.organisation(f"Large {number}", sectors=("C",))
        make.contact(organisation)
    with_thirty = queries_for_list()

    assert with_three == with_thirty


# --- Detail ----------------------------------------------------------------------------------


def test_show_organisation_lists_current_and_archived_contacts(client, auth, make, coordinator):
    organisation = make.organisation("Acme", notes="Prefers email.")
    make.contact(organisation, name="Current Person")
    make.contact(organisation, name="Former Person", archived_at=utcnow())
    auth.sign_in(coordinator)

    page = text_of(client.get(f"/directory/{organisation.id}"))

    assert "Prefers email." in page
    assert (
        page.index("Current Person") < page.index("Archived contacts") < page.index("Former Person")
    )


def test_show_organisation_links_only_web_addresses(client, auth, make, admin):
    safe = make.organisation("Safe", website="https://safe.example")
    unsafe = make.organisation("Unsafe", website="javascript:alert(1)")
    auth.sign_in(admin)

    safe_page = text_of(client.get(f"/directory/{safe.id}"))
    unsafe_page = text_of(client.get(f"/directory/{unsafe.id}"))

    assert '<a href="https://safe.example" rel="noopener noreferrer">' in safe_page
    assert 'href="javascript:' not in unsafe_page
    assert "javascript:alert(1)" in unsafe_page


def test_show_organisation_unknown_id_is_404(client, auth, admin):
    auth.sign_in(admin)

    assert client.get("/directory/999999").status_code == 404


# --- Create and edit -------------------------------------------------------------------------


def test_create_organisation_stores_and_redirects(client, auth, db, organiser):
    auth.sign_in(organiser)

    response = client.post("/directory/new", data=form_values(sectors="Film, film , TV"))

    stored = db.scalar(select(Organisation))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/directory/{stored.id}")
    assert (stored.name, stored.country, stored.sectors) == ("Acme Studios", "US", ["Film", "TV"])
    assert db.scalar(select(AuditEvent.actor_id)) == organiser.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": "ACME studios"}, "An organisation called Acme Studios already exists."),
        ({"website": "javascript:alert(1)"}, "Enter a full web address starting with https://"),
        ({"name": "x" * 201}, "Use at most 200 characters."),
        ({"country": "ZZ"}, "Choose a country from the list."),
        ({"kind": "bank"}, "Choose a kind from the list."),
        ({"sectors": "y" * 81}, "Keep each sector to 80 characters"),
    ],
)
def test_create_organisation_bad_input_refused_beside_field(
    client, auth, db, make, admin, overrides, message
):
    make.organisation("Acme Studios")
    auth.sign_in(admin)

    response = client.post("/directory/new", data=form_values(**overrides))

    page = text_of(response)
    assert response.status_code == 400
    assert message in page
    assert 'class="field__error"' in page
    assert organisation_count(db) == 1


def test_edit_organisation_saves_changes(client, auth, db, make, organiser):
    organisation = make.organisation("Acme", sectors=("Film",))
    auth.sign_in(organiser)

    form = client.get(f"/directory/{organisation.id}/edit")
    response = client.post(
        f"/directory/{organisation.id}/edit",
        data=form_values(name="Acme Pictures", version=organisation.version),
    )

    db.expire_all()
    stored = db.get(Organisation, organisation.id)
    assert 'name="version" type="hidden" value="1"' in text_of(form)
    assert response.status_code == 302
    assert stored.name == "Acme Pictures"
    assert stored.sectors == ["Film", "Television"]


def test_edit_organisation_stale_version_refused(client, auth, db, make, admin):
    organisation = make.organisation("Acme")
    organisation.notes = "Someone else's change."
    make.commit()  # version is now 2
    auth.sign_in(admin)

    response = client.post(
        f"/directory/{organisation.id}/edit", data=form_values(name="Mine", version=1)
    )

    db.expire_all()
    assert response.status_code == 409
    assert CHANGED_MEANWHILE in text_of(response)
    assert db.get(Organisation, organisation.id).name == "Acme"


def test_edit_organisation_without_version_refused(client, auth, db, make, admin):
    organisation = make.organisation("Acme")
    auth.sign_in(admin)

    response = client.post(f"/directory/{organisation.id}/edit", data=form_values(name="Mine"))

    db.expire_all()
    assert response.status_code == 409
    assert db.get(Organisation, organisation.id).name == "Acme"


# --- Archive ---------------------------------------------------------------------------------


def test_archive_hides_organisation_from_default_list(client, auth, db, make, admin):
    organisation = make.organisation("Acme")
    auth.sign_in(admin)

    response = client.post(f"/directory/{organisation.id}/archive")
    listing = text_of(client.get("/directory/"))

    db.expire_all()
    assert response.status_code == 302
    assert db.get(Organisation, organisation.id).archived_at is not None
    assert ">Acme</a>" not in listing
    assert "Archived" in text_of(client.get(f"/directory/{organisation.id}"))


def test_unarchive_brings_organisation_back(client, auth, db, make, admin):
    organisation = make.organisation("Acme", archived_at=utcnow())
    auth.sign_in(admin)

    client.post(f"/directory/{organisation.id}/unarchive")

    assert "Acme" in text_of(client.get("/directory/"))


def test_archive_by_get_not_allowed(client, auth, make, admin):
    organisation = make.organisation("Acme")
    auth.sign_in(admin)

    assert client.get(f"/directory/{organisation.id}/archive").status_code == 405


# --- Contacts --------------------------------------------------------------------------------


def test_add_contact_stores_it(client, auth, db, make, organiser, invite):
    organisation = invite(make.organisation("Acme"))
    auth.sign_in(organiser)

    response = client.post(
        f"/directory/{organisation.id}/contacts/new",
        data={"name": "Jo Bloggs", "email": "Jo@Acme.example", "title": "Director", "phone": ""},
    )

    contact = db.scalar(select(Contact))
    assert response.status_code == 302
    assert (contact.name, contact.email_normalized, contact.phone) == (
        "Jo Bloggs",
        "jo@acme.example",
        None,
    )
    assert "Jo Bloggs" in text_of(client.get(f"/directory/{organisation.id}"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "email": "new@acme.example"}, "Give the contact&#39;s name."),
        ({"name": "Jo", "email": "nope"}, "not an email address"),
        ({"name": "Jo", "email": "TAKEN@acme.example"}, "already has this email address"),
        ({"name": "Jo", "phone": "1" * 51}, "Use at most 50 characters."),
    ],
)
def test_add_contact_bad_input_refused(client, auth, db, make, admin, data, message):
    organisation = make.organisation("Acme")
    make.contact(organisation, name="Existing", email="taken@acme.example")
    auth.sign_in(admin)

    response = client.post(f"/directory/{organisation.id}/contacts/new", data=data)

    db.expire_all()
    assert response.status_code == 400
    assert message in text_of(response)
    assert db.scalar(select(func.count()).select_from(Contact)) == 1


def test_edit_contact_saves_changes(client, auth, db, make, organiser, invite):
    contact = make.contact(invite(make.organisation("Acme")), name="Jo", email="jo@acme.example")
    auth.sign_in(organiser)

    form = client.get(f"/directory/contacts/{contact.id}/edit")
    response = client.post(
        f"/directory/contacts/{contact.id}/edit",
        data={"name": "Jo Bloggs", "email": "jo@acme.example", "title": "Head of policy"},
    )

    db.expire_all()
    assert 'value="jo@acme.example"' in text_of(form)
    assert response.status_code == 302
    assert db.get(Contact, contact.id).title == "Head of policy"


def test_archive_contact_moves_it_to_archived_list(client, auth, db, make, admin):
    organisation = make.organisation("Acme")
    contact = make.contact(organisation, name="Jo Bloggs")
    auth.sign_in(admin)

    client.post(f"/directory/contacts/{contact.id}/archive")
    page = text_of(client.get(f"/directory/{organisation.id}"))
    client.post(f"/directory/contacts/{contact.id}/unarchive")

    db.expire_all()
    assert (
        page.index("No contacts yet.") < page.index("Archived contacts") < page.rindex("Jo Bloggs")
    )
    assert db.get(Contact, contact.id).archived_at is None
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["contact.archived", "contact.unarchived"]
