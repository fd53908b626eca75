"""Who administers whom: an organiser's power over accounts and contacts ends at their convenings.

Each test is an attack tried through the pages by the organiser of one convening against an
organisation invited only to another team's convening, or the everyday use that stays open.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from coordination.models import (
    Contact,
    ConveningStatus,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OutboxMessage,
    User,
)
from tests.auth.helpers import error_summary, messages_to, sign_in


@dataclass
class TwoTeams:
    organiser: User
    ours: Organisation
    theirs: Organisation
    their_convening_id: int
    their_focal_point: User
    their_invitation: Invitation


@pytest.fixture
def teams(make) -> TwoTeams:
    """One organiser's convening with its invited company; another team's with the embassy."""
    organiser = make.user(name="Olu Organiser", email="olu@example.org")
    ours = make.organisation("Invited Here")
    theirs = make.organisation("British Embassy")
    our_convening = make.convening("Ours", organisers=(organiser,))
    their_convening = make.convening("Madison Valleywood", organisers=(make.user(),))
    make.invitation(our_convening, ours, status=InvitationStatus.SENT)
    their_invitation = make.invitation(their_convening, theirs, status=InvitationStatus.SENT)
    focal_point = make.participant(theirs, email="focal.embassy@example.org", name="Focal")
    their_invitation.focal_point = focal_point.contact
    make.commit()
    return TwoTeams(
        organiser=organiser,
        ours=ours,
        theirs=theirs,
        their_convening_id=their_convening.id,
        their_focal_point=focal_point,
        their_invitation=their_invitation,
    )


def _as(app, user: User):
    browser = app.test_client()
    assert sign_in(browser, user.email).status_code == 302
    return browser


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_organiser_cannot_mint_an_account_for_another_teams_focal_point(app, teams, db):
    browser = _as(app, teams.organiser)
    # The focal point's own contact already has an account; a second contact at the embassy
    # would serve as well, so both ways in are tried.
    spare = Contact(
        organisation_id=teams.theirs.id,
        name="Spare",
        email="spare@example.org",
        email_normalized="spare@example.org",
    )
    db.add(spare)
    db.commit()
    accounts_before = _count(db, User)
    contacts_before = _count(db, Contact)

    by_contact = browser.post(
        "/admin/users/new",
        data={"name": "Me Again", "email": "olu+embassy@example.org", "contact": spare.id},
    )
    by_organisation = browser.post(
        "/admin/users/new",
        data={
            "name": "Me Again",
            "email": "olu+embassy@example.org",
            "organisation": teams.theirs.id,
        },
    )
    form = browser.get("/admin/users/new").get_data(as_text=True)

    assert by_contact.status_code == 400
    assert by_organisation.status_code == 400
    assert "Organisation contact" in error_summary(by_contact)
    assert "Or add them as a new contact of" in error_summary(by_organisation)
    assert (_count(db, User), _count(db, Contact)) == (accounts_before, contacts_before)
    assert "spare@example.org" not in form and "focal.embassy@example.org" not in form
    assert "British Embassy" not in form


def test_organiser_cannot_change_another_teams_focal_point_email_or_reach_their_convening(
    app, teams, db
):
    browser = _as(app, teams.organiser)
    account = teams.their_focal_point

    refused = [
        browser.get(f"/admin/users/{account.id}").status_code,
        browser.get(f"/admin/users/{account.id}/edit").status_code,
        browser.post(
            f"/admin/users/{account.id}/edit",
            data={"name": "Focal", "email": "olu+taken@example.org"},
        ).status_code,
        browser.post(f"/admin/users/{account.id}/deactivate").status_code,
        browser.post(f"/admin/users/{account.id}/setup-link").status_code,
        browser.get(f"/convenings/{teams.their_convening_id}").status_code,
        browser.get(f"/rsvp/invitations/{teams.their_invitation.id}").status_code,
    ]
    listed = browser.get("/admin/users").get_data(as_text=True)

    assert set(refused) <= {403, 404}
    db.refresh(account)
    assert (account.email, account.pending_email, account.active) == (
        "focal.embassy@example.org",
        None,
        True,
    )
    assert "focal.embassy@example.org" not in listed
    assert messages_to(db, "olu+taken@example.org") == []


def test_organiser_cannot_edit_another_teams_contacts_or_organisation(app, teams, db):
    browser = _as(app, teams.organiser)
    contact = teams.their_focal_point.contact

    responses = [
        browser.get(f"/directory/contacts/{contact.id}/edit").status_code,
        browser.post(
            f"/directory/contacts/{contact.id}/edit",
            data={"name": "Focal", "email": "olu+focal@example.org"},
        ).status_code,
        browser.get(f"/directory/{teams.theirs.id}/contacts/new").status_code,
        browser.post(
            f"/directory/{teams.theirs.id}/contacts/new",
            data={"name": "Plant", "email": "olu+plant@example.org"},
        ).status_code,
        browser.get(f"/directory/{teams.theirs.id}/edit").status_code,
        browser.post(
            f"/directory/{teams.theirs.id}/edit", data={"name": "British Embassy", "kind": "agency"}
        ).status_code,
    ]
    page = browser.get(f"/directory/{teams.theirs.id}").get_data(as_text=True)

    assert responses == [403] * 6
    db.refresh(contact)
    assert contact.email == "focal.embassy@example.org"
    assert _count(db, Contact) == 1
    assert f"/directory/{teams.theirs.id}/edit" not in page
    assert f"/directory/contacts/{contact.id}/edit" not in page


def test_organiser_looks_after_the_accounts_and_contacts_of_their_own_invited_organisation(
    app, teams, make, db
):
    person = make.participant(teams.ours, name="Our Person")
    browser = _as(app, teams.organiser)

    created = browser.post(
        "/admin/users/new",
        data={"name": "New Delegate", "email": "new@example.org", "organisation": teams.ours.id},
    )
    renamed = browser.post(
        f"/admin/users/{person.id}/edit",
        data={"name": "Renamed", "email": person.email, "contact": person.contact_id},
    )
    contact_added = browser.post(
        f"/directory/{teams.ours.id}/contacts/new",
        data={"name": "Another", "email": "another@example.org"},
    )
    listed = browser.get("/admin/users").get_data(as_text=True)

    assert (created.status_code, renamed.status_code, contact_added.status_code) == (302, 302, 302)
    new = db.scalar(select(User).where(User.email_normalized == "new@example.org"))
    assert new.contact.organisation_id == teams.ours.id
    db.refresh(person)
    assert person.name == "Renamed"
    assert "new@example.org" in listed and person.email in listed


def test_organiser_creating_an_account_must_choose_its_organisation(app, teams, db):
    accounts_before = _count(db, User)

    response = _as(app, teams.organiser).post(
        "/admin/users/new", data={"name": "Floating", "email": "floating@example.org"}
    )

    assert response.status_code == 400
    assert "Choose the person's organisation" in error_summary(response)
    assert _count(db, User) == accounts_before


def test_organiser_cannot_manage_an_account_named_as_another_teams_delegate(app, teams, make, db):
    # Linked to our organisation, but also a delegate of the embassy elsewhere: changing it
    # would reach the other team's convening.
    person = make.participant(teams.ours, email="double@example.org")
    db.add(
        Delegate(
            invitation_id=teams.their_invitation.id,
            name="Double",
            email="double@example.org",
            email_normalized="double@example.org",
            status=DelegateStatus.CONFIRMED,
        )
    )
    db.commit()
    browser = _as(app, teams.organiser)

    assert browser.get(f"/admin/users/{person.id}").status_code == 404
    assert browser.post(f"/admin/users/{person.id}/deactivate").status_code == 404
    db.refresh(person)
    assert person.active


def test_organiser_sees_no_team_membership_of_a_draft_they_cannot_see(app, teams, make, db):
    colleague = make.user(name="Cora", email="cora@example.org")
    make.convening("Secret Draft Codename", status=ConveningStatus.DRAFT, coordinators=(colleague,))
    browser = _as(app, teams.organiser)

    detail = browser.get(f"/admin/users/{colleague.id}")
    listing = browser.get("/admin/users?q=cora").get_data(as_text=True)

    assert detail.status_code == 404
    assert "Secret Draft Codename" not in detail.get_data(as_text=True)
    assert "cora@example.org" not in listing


def test_administrator_sees_every_team_membership(app, make):
    admin = make.user(is_admin=True)
    colleague = make.user(name="Cora")
    make.convening("Secret Draft Codename", status=ConveningStatus.DRAFT, coordinators=(colleague,))

    page = _as(app, admin).get(f"/admin/users/{colleague.id}").get_data(as_text=True)

    assert "Secret Draft Codename" in page


def test_withdrawn_invitation_elsewhere_still_keeps_the_organisation_out_of_scope(
    app, teams, make, db
):
    teams.their_invitation.status = InvitationStatus.WITHDRAWN
    make.commit()
    contact = teams.their_focal_point.contact

    response = _as(app, teams.organiser).get(f"/directory/contacts/{contact.id}/edit")

    assert response.status_code == 403


def test_no_mail_leaves_for_a_refused_account_change(app, teams, db):
    before = _count(db, OutboxMessage)

    _as(app, teams.organiser).post(
        f"/admin/users/{teams.their_focal_point.id}/edit",
        data={"name": "Focal", "email": "olu+x@example.org"},
    )

    assert _count(db, OutboxMessage) == before


def test_organiser_cannot_mint_an_account_at_the_host_of_another_teams_convening(
    app, teams, make, db
):
    # People of a convening's host may own its actions, so the host is guarded like a guest.
    department = make.organisation("Justice Department")
    make.convening("Hosted elsewhere", organisers=(make.user(),), host_organisation=department)
    accounts_before = _count(db, User)

    response = _as(app, teams.organiser).post(
        "/admin/users/new",
        data={"name": "Plant", "email": "olu+doj@example.org", "organisation": department.id},
    )

    assert response.status_code == 400
    assert _count(db, User) == accounts_before
