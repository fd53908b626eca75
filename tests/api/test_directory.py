"""The directory through the API: what each role reads and may change, as on the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.models import AuditEvent, Contact, Organisation, OrganisationKind


def _names(response) -> list[str]:
    return [item["name"] for item in response.get_json()["items"]]


def _organisations(db) -> int:
    return db.scalar(select(func.count(Organisation.id)))


def _contacts(db) -> int:
    return db.scalar(select(func.count(Contact.id)))


def _organiser_of(make, *invited):
    """An organiser whose convening invites these organisations (so they administer them)."""
    organiser = make.user(name="Olu Organiser")
    convening = make.convening(organisers=(organiser,))
    for organisation in invited:
        make.invitation(convening, organisation)
    return organiser


def _coordinator(make):
    coordinator = make.user(name="Cai Coordinator")
    make.convening(coordinators=(coordinator,))
    return coordinator


# --- Reading organisations ---------------------------------------------------------------


def test_organisation_list_shows_the_team_the_directory_by_name(make, api_as):
    make.organisation("Snapchat")
    make.organisation("apple")
    make.organisation("Archived Ltd", archived_at=make.convening().starts_at)

    response = api_as(_coordinator(make)).get("/api/v1/organisations")

    assert response.status_code == 200
    assert _names(response) == ["apple", "Snapchat"]


def test_organisation_list_takes_the_directory_pages_filters(make, api_as):
    make.organisation("MTV", kind=OrganisationKind.COMPANY, sectors=("Entertainment",))
    make.organisation("British Embassy", kind=OrganisationKind.EMBASSY, country="GB")
    make.organisation("Twitter", sectors=("Social media",))
    make.organisation("Old Twitter", archived_at=make.convening().starts_at)
    api = api_as(_coordinator(make))

    assert _names(api.get("/api/v1/organisations?kind=embassy")) == ["British Embassy"]
    assert _names(api.get("/api/v1/organisations?country=United%20Kingdom")) == ["British Embassy"]
    assert _names(api.get("/api/v1/organisations?sector=social%20MEDIA")) == ["Twitter"]
    assert _names(api.get("/api/v1/organisations?q=twit")) == ["Twitter"]
    assert _names(api.get("/api/v1/organisations?q=twit&archived=true")) == [
        "Old Twitter",
        "Twitter",
    ]


def test_organisation_list_refuses_an_unknown_country_or_kind(make, api_as):
    api = api_as(_coordinator(make))

    country = api.get("/api/v1/organisations?country=Atlantis")
    kind = api.get("/api/v1/organisations?kind=cartel")

    assert country.status_code == 422
    assert country.get_json()["errors"][0]["parameter"] == "country"
    assert kind.status_code == 422
    assert kind.get_json()["errors"][0]["parameter"] == "kind"


def test_organisation_list_pages_with_a_cursor(make, api_as):
    for name in ("A1", "A2", "A3", "A4", "A5"):
        make.organisation(name)
    api = api_as(_coordinator(make))

    first = api.get("/api/v1/organisations?limit=2").get_json()
    rest = api.get(f"/api/v1/organisations?limit=10&cursor={first['next_cursor']}").get_json()

    assert [item["name"] for item in first["items"] + rest["items"]] == [
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
    ]
    assert rest["next_cursor"] is None


def test_organisation_list_costs_the_same_queries_at_any_size(make, api_as, count_queries):
    api = api_as(_coordinator(make))

    def grow(count):
        for _ in range(count):
            organisation = make.organisation(sectors=("Film", "Tech"))
            make.contact(organisation)
            make.participant(organisation)

    grow(2)
    with count_queries() as small:
        assert len(api.get("/api/v1/organisations").get_json()["items"]) == 2
    grow(10)
    with count_queries() as large:
        assert len(api.get("/api/v1/organisations").get_json()["items"]) == 12

    assert large.count == small.count


def test_organisation_shows_its_details_and_contact_count(make, api_as):
    organisation = make.organisation(
        "British Embassy",
        kind=OrganisationKind.EMBASSY,
        country="GB",
        sectors=("Diplomacy",),
        website="https://www.gov.uk",
    )
    make.contact(organisation)
    make.contact(organisation, archived_at=organisation.created_at)

    response = api_as(_coordinator(make)).get(f"/api/v1/organisations/{organisation.id}")

    body = response.get_json()
    assert (body["name"], body["kind"], body["country"], body["country_name"]) == (
        "British Embassy",
        "embassy",
        "GB",
        "United Kingdom",
    )
    assert body["sectors"] == ["Diplomacy"]
    assert body["contact_count"] == 1
    assert response.headers["ETag"] == f'"organisation-{organisation.id}-1"'


def test_organisation_is_not_found_for_someone_outside_every_team(make, api_as):
    organisation = make.organisation("Acme")
    participant = make.participant(organisation)
    make.invitation(make.convening(), organisation)

    own = api_as(participant).get(f"/api/v1/organisations/{organisation.id}")
    listing = api_as(participant).get("/api/v1/organisations")

    assert own.status_code == 404
    assert listing.status_code == 403


# --- Changing organisations ----------------------------------------------------------------


def test_organisation_created_by_an_organiser_is_stored_and_audited(make, api_as, db):
    organiser = _organiser_of(make)

    response = api_as(organiser).post(
        "/api/v1/organisations",
        json={
            "name": "  Snap   Inc ",
            "kind": "company",
            "country": "United States",
            "sectors": ["Social media", "social media", "Camera"],
            "website": "https://snap.com",
        },
    )

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/organisations/{body['id']}"
    assert response.headers["ETag"] == f'"organisation-{body["id"]}-1"'
    stored = db.get(Organisation, body["id"])
    assert (stored.name, stored.country, stored.sectors) == (
        "Snap Inc",
        "US",
        ["Camera", "Social media"],
    )
    assert db.scalar(
        select(AuditEvent.actor_id).where(AuditEvent.action == "organisation.created")
    ) == (organiser.id)


def test_organisation_creation_refuses_bad_fields_and_writes_nothing(make, api_as, db):
    organiser = _organiser_of(make)
    before = _organisations(db)

    response = api_as(organiser).post(
        "/api/v1/organisations",
        json={"name": " ", "kind": "company", "country": "Atlantis", "website": "snap.com"},
    )

    assert response.status_code == 422
    pointers = {error["pointer"] for error in response.get_json()["errors"]}
    assert pointers == {"#/name", "#/country", "#/website"}
    assert _organisations(db) == before


def test_organisation_creation_refuses_a_name_already_taken(make, api_as, db):
    make.organisation("Apple")
    organiser = _organiser_of(make)

    response = api_as(organiser).post(
        "/api/v1/organisations", json={"name": "APPLE", "kind": "company"}
    )

    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "#/name"
    assert _organisations(db) == 1


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"name": "Acme", "kind": "cartel"}, "#/kind"),
        ({"name": "Acme", "kind": "company", "sectors": "Film"}, "#/sectors"),
        ({"name": 7, "kind": "company"}, "#/name"),
        ({"name": "Acme", "kind": "company", "version": 3}, "#/version"),
        ({"kind": "company"}, "#/name"),
    ],
)
def test_organisation_body_of_the_wrong_shape_is_refused(make, api_as, db, body, pointer):
    organiser = _organiser_of(make)

    response = api_as(organiser).post("/api/v1/organisations", json=body)

    assert response.status_code == 422
    assert [error["pointer"] for error in response.get_json()["errors"]] == [pointer]
    assert _organisations(db) == 0


def test_organisation_creation_is_refused_to_a_coordinator(make, api_as, db):
    response = api_as(_coordinator(make)).post(
        "/api/v1/organisations", json={"name": "Acme", "kind": "company"}
    )

    assert response.status_code == 403
    assert _organisations(db) == 0


def test_organisation_update_changes_only_the_fields_sent(make, api_as, db):
    organisation = make.organisation("MTV", country="US", sectors=("Film",), notes="Keep")
    organiser = _organiser_of(make, organisation)

    response = api_as(organiser).patch(
        f"/api/v1/organisations/{organisation.id}",
        json={"sectors": ["Film", "Music"], "website": "https://mtv.com"},
    )

    assert response.status_code == 200
    assert response.headers["ETag"] == f'"organisation-{organisation.id}-2"'
    db.expire_all()
    stored = db.get(Organisation, organisation.id)
    assert (stored.name, stored.country, stored.notes) == ("MTV", "US", "Keep")
    assert (stored.sectors, stored.website) == (["Film", "Music"], "https://mtv.com")


def test_organisation_update_with_a_stale_etag_is_refused(make, api_as, db):
    organisation = make.organisation("Before")
    api = api_as(_organiser_of(make, organisation))
    path = f"/api/v1/organisations/{organisation.id}"
    etag = api.get(path).headers["ETag"]
    assert api.patch(path, json={"name": "First"}, headers={"If-Match": etag}).status_code == 200

    stale = api.patch(path, json={"name": "Second"}, headers={"If-Match": etag})

    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Organisation, organisation.id).name == "First"


def test_organisation_update_refuses_bad_fields_and_changes_nothing(make, api_as, db):
    organisation = make.organisation("Kept", website="https://kept.example")
    api = api_as(_organiser_of(make, organisation))

    response = api.patch(
        f"/api/v1/organisations/{organisation.id}", json={"name": None, "website": "ftp://x"}
    )

    assert response.status_code == 422
    assert {error["pointer"] for error in response.get_json()["errors"]} == {
        "#/name",
        "#/website",
    }
    db.expire_all()
    stored = db.get(Organisation, organisation.id)
    assert (stored.name, stored.website, stored.version) == ("Kept", "https://kept.example", 1)


def test_organiser_changes_only_the_organisations_they_administer(make, api_as, db):
    theirs = make.organisation("Invited by them")
    elsewhere = make.organisation("Invited by another team")
    make.invitation(make.convening(organisers=(make.user(),)), elsewhere)
    uninvited = make.organisation("Not invited anywhere")
    organiser = _organiser_of(make, theirs)
    api = api_as(organiser)

    outcomes = {
        organisation.name: api.patch(
            f"/api/v1/organisations/{organisation.id}", json={"notes": "Changed"}
        ).status_code
        for organisation in (theirs, elsewhere, uninvited)
    }
    contact = api.post(f"/api/v1/organisations/{elsewhere.id}/contacts", json={"name": "Eve"})

    assert outcomes == {
        "Invited by them": 200,
        "Invited by another team": 403,
        "Not invited anywhere": 200,
    }
    assert contact.status_code == 403
    db.expire_all()
    assert db.get(Organisation, elsewhere.id).notes == ""
    assert db.get(Organisation, elsewhere.id).contacts == []


def test_administrator_changes_any_organisation(make, api_as, db):
    elsewhere = make.organisation("Invited by another team")
    make.invitation(make.convening(organisers=(make.user(),)), elsewhere)
    admin = make.user(is_admin=True)

    response = api_as(admin).patch(
        f"/api/v1/organisations/{elsewhere.id}", json={"kind": "government_agency"}
    )

    assert response.status_code == 200
    assert response.get_json()["kind"] == "government_agency"


# --- Contacts ------------------------------------------------------------------------------


def test_contact_list_shows_current_contacts_and_archived_ones_when_asked(make, api_as):
    organisation = make.organisation("Apple")
    make.contact(organisation, name="Zed", title="CEO")
    make.user(contact=make.contact(organisation, name="Ann"))
    make.contact(organisation, name="Old", archived_at=organisation.created_at)
    api = api_as(_coordinator(make))
    path = f"/api/v1/organisations/{organisation.id}/contacts"

    current = api.get(path).get_json()["items"]
    every = api.get(f"{path}?archived=true").get_json()["items"]

    assert [(c["name"], c["title"], c["has_account"]) for c in current] == [
        ("Ann", None, True),
        ("Zed", "CEO", False),
    ]
    assert [(c["name"], c["archived"]) for c in every] == [
        ("Ann", False),
        ("Old", True),
        ("Zed", False),
    ]


def test_contact_list_costs_the_same_queries_at_any_size(make, api_as, count_queries):
    organisation = make.organisation("Apple")
    api = api_as(_coordinator(make))
    path = f"/api/v1/organisations/{organisation.id}/contacts"

    make.participant(organisation)
    with count_queries() as small:
        assert len(api.get(path).get_json()["items"]) == 1
    for _ in range(8):
        make.participant(organisation)
        make.contact(organisation)
    with count_queries() as large:
        assert len(api.get(path).get_json()["items"]) == 17

    assert large.count == small.count


def test_contact_is_read_by_the_team_and_not_found_by_others(make, api_as):
    organisation = make.organisation("Apple")
    contact = make.contact(organisation, name="Tim", phone="+1 555 0100")
    make.invitation(make.convening(), organisation)
    participant = make.participant(organisation)

    shown = api_as(_coordinator(make)).get(f"/api/v1/contacts/{contact.id}")
    hidden = api_as(participant).get(f"/api/v1/contacts/{contact.id}")

    assert shown.status_code == 200
    assert shown.get_json()["organisation"] == {"id": organisation.id, "name": "Apple"}
    assert shown.get_json()["phone"] == "+1 555 0100"
    assert shown.headers["ETag"].startswith(f'"contact-{contact.id}-')
    assert hidden.status_code == 404


def test_contact_added_by_an_organiser_is_stored(make, api_as, db):
    organisation = make.organisation("Apple")
    organiser = _organiser_of(make, organisation)

    response = api_as(organiser).post(
        f"/api/v1/organisations/{organisation.id}/contacts",
        json={"name": " Tim  Cook ", "email": "Tim@Apple.com", "title": "CEO"},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/contacts/{body['id']}"
    stored = db.get(Contact, body["id"])
    assert (stored.name, stored.email_normalized, stored.organisation_id) == (
        "Tim Cook",
        "tim@apple.com",
        organisation.id,
    )


def test_contact_creation_refuses_bad_fields_and_writes_nothing(make, api_as, db):
    organisation = make.organisation("Apple")
    make.contact(organisation, email="taken@apple.com")
    api = api_as(_organiser_of(make, organisation))
    path = f"/api/v1/organisations/{organisation.id}/contacts"

    bad = api.post(path, json={"name": "", "email": "not an address"})
    taken = api.post(path, json={"name": "Second", "email": "TAKEN@apple.com"})

    assert bad.status_code == 422
    assert {error["pointer"] for error in bad.get_json()["errors"]} == {"#/name", "#/email"}
    assert taken.status_code == 422
    assert [error["pointer"] for error in taken.get_json()["errors"]] == ["#/email"]
    assert _contacts(db) == 1


def test_contact_update_changes_only_the_fields_sent(make, api_as, db):
    organisation = make.organisation("Apple")
    contact = make.contact(organisation, name="Tim", email="tim@apple.com", title="CEO")
    api = api_as(_organiser_of(make, organisation))

    response = api.patch(f"/api/v1/contacts/{contact.id}", json={"phone": "+1 555", "title": None})

    assert response.status_code == 200
    db.expire_all()
    stored = db.get(Contact, contact.id)
    assert (stored.name, stored.email, stored.title, stored.phone) == (
        "Tim",
        "tim@apple.com",
        None,
        "+1 555",
    )


def test_contact_update_with_a_stale_etag_is_refused(make, api_as, db):
    organisation = make.organisation("Apple")
    contact = make.contact(organisation, name="Tim", title="CEO")
    api = api_as(_organiser_of(make, organisation))
    path = f"/api/v1/contacts/{contact.id}"
    read = api.get(path).headers["ETag"]
    first = api.patch(path, json={"title": "Chair"}, headers={"If-Match": read})

    stale = api.patch(path, json={"title": "Founder"}, headers={"If-Match": read})

    assert first.status_code == 200 and first.headers["ETag"] != read
    assert stale.status_code == 412
    db.expire_all()
    assert db.get(Contact, contact.id).title == "Chair"


def test_contact_update_is_refused_to_a_coordinator_and_outside_the_organiser(make, api_as, db):
    elsewhere = make.organisation("Invited by another team")
    make.invitation(make.convening(organisers=(make.user(),)), elsewhere)
    contact = make.contact(elsewhere, name="Kept")
    organiser = _organiser_of(make)

    as_coordinator = api_as(_coordinator(make)).patch(
        f"/api/v1/contacts/{contact.id}", json={"name": "Taken"}
    )
    as_organiser = api_as(organiser).patch(f"/api/v1/contacts/{contact.id}", json={"name": "Taken"})
    bad = api_as(make.user(is_admin=True)).patch(
        f"/api/v1/contacts/{contact.id}", json={"email": "nope"}
    )

    assert (as_coordinator.status_code, as_organiser.status_code) == (403, 403)
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["pointer"] == "#/email"
    db.expire_all()
    assert db.get(Contact, contact.id).name == "Kept"


# --- Tokens that may only read ---------------------------------------------------------------


def test_read_token_cannot_change_the_directory(make, api_as, db):
    organisation = make.organisation("Kept")
    contact = make.contact(organisation, name="Kept")
    api = api_as(_organiser_of(make, organisation), scope="read")

    statuses = [
        api.post("/api/v1/organisations", json={"name": "New", "kind": "company"}).status_code,
        api.patch(f"/api/v1/organisations/{organisation.id}", json={"name": "X"}).status_code,
        api.post(
            f"/api/v1/organisations/{organisation.id}/contacts", json={"name": "New"}
        ).status_code,
        api.patch(f"/api/v1/contacts/{contact.id}", json={"name": "X"}).status_code,
    ]

    assert statuses == [403, 403, 403, 403]
    assert api.get(f"/api/v1/organisations/{organisation.id}").status_code == 200
    db.expire_all()
    assert (_organisations(db), _contacts(db)) == (1, 1)
    assert (db.get(Organisation, organisation.id).name, db.get(Contact, contact.id).name) == (
        "Kept",
        "Kept",
    )
