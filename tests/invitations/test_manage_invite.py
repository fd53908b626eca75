"""Inviting organisations: one, in bulk, or new on the spot; editing an invitation."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.models import (
    AuditEvent,
    Contact,
    ConveningStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    utcnow,
)
from coordination.service import CHANGED_MEANWHILE

from .manage_helpers import Scene, audit_actions, error_beside, outbox_count, reload, text_of


@pytest.fixture
def scene(make, auth) -> Scene:
    return Scene(make, auth)


def invitations(db) -> list[Invitation]:
    db.expire_all()
    return list(db.scalars(select(Invitation).order_by(Invitation.id)))


def row_counts(db) -> tuple[int, int, int, int]:
    db.expire_all()
    return tuple(
        db.scalar(select(func.count()).select_from(model))
        for model in (Invitation, Organisation, Contact, AuditEvent)
    )


# --- One organisation -------------------------------------------------------------------------


def test_invite_one_creates_a_draft_with_quota_focal_point_and_note(client, db, scene):
    organisation, contact = scene.organisation("Apple")
    url = f"/convenings/{scene.convening.id}/invitations/new"

    form = client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={
            "organisation_id": organisation.id,
            "seat_quota": "3",
            "focal_point_id": contact.id,
            "note": "We hope Tim can come.",
        },
    )

    assert 'label="Apple"' in form and "Focal Apple" in form
    assert response.status_code == 302
    (invitation,) = invitations(db)
    assert (invitation.organisation_id, invitation.status, invitation.seat_quota) == (
        organisation.id,
        InvitationStatus.DRAFT,
        3,
    )
    assert invitation.focal_point_id == contact.id
    assert invitation.note == "We hope Tim can come."
    assert audit_actions(db, scene.convening.id) == ["invitation.created"]
    assert outbox_count(db) == 0


def test_invite_one_without_focal_point_is_a_draft_with_two_seats(client, db, scene):
    organisation, _contact = scene.organisation("Twitter")

    client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={"organisation_id": organisation.id, "seat_quota": "2", "focal_point_id": ""},
    )

    (invitation,) = invitations(db)
    assert (invitation.focal_point_id, invitation.seat_quota) == (None, 2)


def test_invite_form_offers_only_organisations_not_invited_nor_archived(client, scene, make):
    invited, _ = scene.organisation("Already Invited")
    make.invitation(scene.convening, invited, status=InvitationStatus.SENT)
    scene.organisation("Archived Org", archived_at=utcnow())
    scene.organisation("Snapchat")

    page = client.get(f"/convenings/{scene.convening.id}/invitations/new").get_data(as_text=True)

    assert "Snapchat" in page
    assert "Already Invited" not in page
    assert "Archived Org" not in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation_id": "999999"}, "organisation_id", "Choose an organisation"),
        ({"organisation_id": ""}, "organisation_id", "Choose an organisation"),
        ({"seat_quota": "0"}, "seat_quota", "Offer between 1 and 500 seats."),
        ({"seat_quota": "two"}, "seat_quota", "Enter a whole number of seats"),
        ({"seat_quota": ""}, "seat_quota", "Enter the number of seats"),
        ({"note": "x" * 2001}, "note", "Keep the note to 2,000 characters"),
        ({"focal_point_id": "other"}, "focal_point_id", "Choose one of Apple's contacts."),
    ],
)
def test_invite_one_refuses_bad_input_beside_the_field(client, db, scene, change, field, message):
    organisation, contact = scene.organisation("Apple")
    _other, stranger = scene.organisation("Facebook")
    data = {"organisation_id": organisation.id, "seat_quota": "2", "focal_point_id": contact.id}
    data.update(change)
    if data["focal_point_id"] == "other":
        data["focal_point_id"] = stranger.id
    before = row_counts(db)

    response = client.post(f"/convenings/{scene.convening.id}/invitations/new", data=data)

    assert response.status_code == 400
    assert message in error_beside(response.get_data(as_text=True), field)
    assert row_counts(db) == before


def test_invite_one_refuses_a_duplicate_invitation(client, db, scene, make):
    organisation, _ = scene.organisation("Apple")
    make.invitation(scene.convening, organisation, status=InvitationStatus.SENT)
    before = row_counts(db)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={"organisation_id": organisation.id, "seat_quota": "2"},
    )

    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "organisation_id") == (
        "Apple is already invited (sent)."
    )
    assert row_counts(db) == before


def test_invite_one_refuses_an_archived_organisation(client, db, scene):
    organisation, _ = scene.organisation("Gone Ltd", archived_at=utcnow())

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={"organisation_id": organisation.id, "seat_quota": "2"},
    )

    assert response.status_code == 400
    assert invitations(db) == []


def test_invite_one_refused_for_a_cancelled_convening(client, db, make, auth):
    scene = Scene(make, auth, status=ConveningStatus.CANCELLED)
    organisation, _ = scene.organisation("Apple")

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={"organisation_id": organisation.id, "seat_quota": "2"},
    )

    assert response.status_code == 400
    assert "cancelled: it takes no new invitations" in text_of(response)
    assert invitations(db) == []


def test_inviting_a_withdrawn_organisation_again_reopens_it_as_a_draft(client, db, scene):
    invitation = scene.invitation("MTV", InvitationStatus.WITHDRAWN, calendar_sequence=1)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new",
        data={"organisation_id": invitation.organisation_id, "seat_quota": "4"},
    )

    assert response.status_code == 302
    reopened = reload(db, invitation)
    assert (reopened.status, reopened.seat_quota) == (InvitationStatus.DRAFT, 4)
    assert reopened.calendar_sequence == 1  # the next calendar file replaces the cancelled one
    assert len(invitations(db)) == 1
    assert audit_actions(db, scene.convening.id) == ["invitation.reopened"]


# --- In bulk ----------------------------------------------------------------------------------


def test_bulk_preview_counts_matching_organisations(client, db, scene, make):
    scene.organisation("Apple", sectors=("Technology",))
    scene.organisation("Facebook", sectors=("Technology", "Social media"))
    invited, _ = scene.organisation("Twitter", sectors=("technology",))
    make.invitation(scene.convening, invited)
    scene.organisation("State Department", kind=OrganisationKind.GOVERNMENT_AGENCY)

    response = client.get(
        f"/convenings/{scene.convening.id}/invitations/bulk?sector=Technology&kind=company"
    )

    text = text_of(response)
    assert response.status_code == 200
    assert "3 organisations match" in text
    assert "1 already invited; 2 to invite." in text
    assert "State Department" not in text
    assert row_counts(db)[0] == 1


def test_bulk_invite_creates_drafts_with_first_contact_and_default_quota(client, db, scene, make):
    apple, _ = scene.organisation("Apple", country="US")
    make.contact(apple, name="Aaron Adams", email="aaron@apple.example.org")
    embassy, embassy_contact = scene.organisation(
        "British Embassy", kind=OrganisationKind.EMBASSY, country="GB"
    )
    scene.organisation("Facebook", country="US")
    invited, _ = scene.organisation("Twitter", country="US")
    make.invitation(scene.convening, invited, status=InvitationStatus.SENT)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/bulk",
        data={"kind": "", "sector": "", "country": "US", "seat_quota": "2"},
    )

    assert response.status_code == 302
    drafts = [i for i in invitations(db) if i.status == InvitationStatus.DRAFT]
    by_name = {i.organisation.name: i for i in drafts}
    assert sorted(by_name) == ["Apple", "Facebook"]
    assert by_name["Apple"].focal_point.name == "Aaron Adams"  # first contact by name
    assert {i.seat_quota for i in drafts} == {2}
    assert embassy.id not in {i.organisation_id for i in drafts}
    assert embassy_contact.id not in {i.focal_point_id for i in drafts}
    assert audit_actions(db, scene.convening.id).count("invitation.created") == 2


def test_bulk_invite_refuses_without_any_filter_and_writes_nothing(client, db, scene):
    scene.organisation("Apple")
    before = row_counts(db)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/bulk",
        data={"kind": "", "sector": "", "country": "", "seat_quota": "2"},
    )

    assert response.status_code == 400
    assert "Choose a kind, a sector or a country." in text_of(response)
    assert row_counts(db) == before


def test_bulk_invite_refuses_quota_zero(client, db, scene):
    scene.organisation("Apple")
    before = row_counts(db)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/bulk",
        data={"kind": "company", "seat_quota": "0"},
    )

    assert response.status_code == 400
    assert "Offer between 1 and 500 seats." in error_beside(
        response.get_data(as_text=True), "seat_quota"
    )
    assert row_counts(db) == before


# --- A new organisation on the spot -----------------------------------------------------------

NEW = {
    "organisation_name": "Hollywood Studios Guild",
    "organisation_kind": "community_group",
    "organisation_country": "US",
    "organisation_sectors": "Film, Entertainment",
    "contact_name": "Greta Guild",
    "contact_email": "greta@guild.example.org",
    "contact_title": "Director",
    "seat_quota": "3",
    "note": "",
}


def test_invite_new_organisation_adds_it_its_contact_and_a_draft(client, db, scene):
    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new-organisation", data=NEW
    )

    assert response.status_code == 302
    (invitation,) = invitations(db)
    organisation = invitation.organisation
    assert (organisation.name, organisation.kind, organisation.country) == (
        "Hollywood Studios Guild",
        OrganisationKind.COMMUNITY_GROUP,
        "US",
    )
    assert sorted(organisation.sectors) == ["Entertainment", "Film"]
    assert (invitation.focal_point.name, invitation.focal_point.email) == (
        "Greta Guild",
        "greta@guild.example.org",
    )
    assert (invitation.status, invitation.seat_quota) == (InvitationStatus.DRAFT, 3)
    db.expire_all()
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"organisation.created", "contact.created", "invitation.created"} <= actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"organisation_name": "Apple"}, "organisation_name", "already exists"),
        ({"contact_email": "not an address"}, "contact_email", "not an email address"),
        ({"contact_email": ""}, "contact_email", "Give the focal point's email address"),
        ({"seat_quota": "0"}, "seat_quota", "Offer between 1 and 500 seats."),
        ({"note": "y" * 2001}, "note", "Keep the note to 2,000 characters"),
    ],
)
def test_invite_new_organisation_refuses_bad_input_and_writes_nothing(
    client, db, scene, change, field, message
):
    scene.organisation("Apple")
    before = row_counts(db)

    response = client.post(
        f"/convenings/{scene.convening.id}/invitations/new-organisation", data={**NEW, **change}
    )

    assert response.status_code == 400
    assert message in error_beside(response.get_data(as_text=True), field)
    assert row_counts(db) == before


# --- Editing ----------------------------------------------------------------------------------


def edit_data(invitation: Invitation, **changes) -> dict:
    data = {
        "seat_quota": str(invitation.seat_quota),
        "focal_point_id": str(invitation.focal_point_id or ""),
        "note": invitation.note,
        "version": str(invitation.version),
    }
    data.update(changes)
    return data


def test_edit_invitation_changes_quota_focal_point_and_note(client, db, scene, make):
    invitation = scene.invitation("Apple")
    other = make.contact(invitation.organisation, name="Second Contact", email="two@apple.example")

    page = client.get(f"/invitations/{invitation.id}/edit").get_data(as_text=True)
    response = client.post(
        f"/invitations/{invitation.id}/edit",
        data=edit_data(invitation, seat_quota="5", focal_point_id=str(other.id), note="Hello"),
    )

    assert "Second Contact" in page
    assert response.status_code == 302
    changed = reload(db, invitation)
    assert (changed.seat_quota, changed.focal_point_id, changed.note) == (5, other.id, "Hello")
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "invitation.updated"))
    assert event.convening_id == scene.convening.id
    assert event.changes["seat_quota"] == [2, 5]


def test_edit_invitation_refuses_quota_below_delegates_named(client, db, scene):
    from .board_helpers import add_delegate

    invitation = scene.invitation("Apple", InvitationStatus.ACCEPTED, seat_quota=3)
    for name in ("One", "Two", "Three"):
        add_delegate(db, invitation, name)

    response = client.post(
        f"/invitations/{invitation.id}/edit", data=edit_data(invitation, seat_quota="2")
    )

    assert response.status_code == 400
    assert "3 delegates are already named" in error_beside(
        response.get_data(as_text=True), "seat_quota"
    )
    assert reload(db, invitation).seat_quota == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [({"seat_quota": "0"}, "seat_quota"), ({"note": "z" * 2001}, "note")],
)
def test_edit_invitation_refuses_bad_input(client, db, scene, change, field):
    invitation = scene.invitation("Apple")

    response = client.post(
        f"/invitations/{invitation.id}/edit", data=edit_data(invitation, **change)
    )

    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field)
    assert reload(db, invitation).version == invitation.version


def test_edit_invitation_refuses_a_stale_version(client, db, scene):
    invitation = scene.invitation("Apple")

    response = client.post(
        f"/invitations/{invitation.id}/edit",
        data=edit_data(invitation, seat_quota="9", version=str(invitation.version - 1)),
    )

    assert response.status_code == 409
    assert CHANGED_MEANWHILE in text_of(response)
    assert reload(db, invitation).seat_quota == 2
