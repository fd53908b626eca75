"""Who may use the directory: the rules of permissions.py as each role meets them."""

from __future__ import annotations

from coordination.models import Organisation

from .helpers import form_values, organisation_count, text_of


def test_organiser_cannot_archive_or_import(client, auth, db, make, organiser):
    organisation = make.organisation("Acme")
    contact = make.contact(organisation)
    auth.sign_in(organiser)

    assert client.post(f"/directory/{organisation.id}/archive").status_code == 403
    assert client.post(f"/directory/contacts/{contact.id}/archive").status_code == 403
    assert client.get("/directory/import").status_code == 403
    assert client.post("/directory/import/confirm", data={"payload": "x"}).status_code == 403
    db.expire_all()
    assert db.get(Organisation, organisation.id).archived_at is None


def test_coordinator_can_view_but_not_edit(client, auth, db, make, coordinator):
    organisation = make.organisation("Acme")
    contact = make.contact(organisation)
    auth.sign_in(coordinator)

    assert client.get("/directory/").status_code == 200
    assert client.get(f"/directory/{organisation.id}").status_code == 200
    assert client.get("/directory/export.csv").status_code == 200
    assert client.get("/directory/new").status_code == 403
    assert client.post("/directory/new", data=form_values(name="Other")).status_code == 403
    edit = client.post(f"/directory/{organisation.id}/edit", data=form_values(version=1))
    assert edit.status_code == 403
    assert client.get(f"/directory/{organisation.id}/contacts/new").status_code == 403
    assert client.get(f"/directory/contacts/{contact.id}/edit").status_code == 403
    assert organisation_count(db) == 1


def test_coordinator_sees_no_edit_buttons(client, auth, make, coordinator):
    organisation = make.organisation("Acme")
    auth.sign_in(coordinator)

    listing = text_of(client.get("/directory/"))
    detail = text_of(client.get(f"/directory/{organisation.id}"))

    assert "Add an organisation" not in listing and "Import CSV" not in listing
    assert "/edit" not in detail and "/archive" not in detail


def test_participant_is_refused_the_directory(client, auth, make, participant):
    organisation = make.organisation("Acme")
    auth.sign_in(participant)

    assert client.get("/directory/").status_code == 403
    assert client.get("/directory/export.csv").status_code == 403
    assert client.get(f"/directory/{organisation.id}").status_code == 404
    assert client.get("/directory/new").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, make):
    organisation = make.organisation("Acme")

    response = client.get(f"/directory/{organisation.id}")

    assert response.status_code == 302
    assert "/account/sign-in" in response.headers["Location"]
