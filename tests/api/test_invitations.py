"""Invitations through the API: the board, one invitation, answering and delegates, allowed
and refused as on the pages, through the same services (seats, deadlines, delegates' email)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from coordination.db import get_database
from coordination.invitations.answering import answers
from coordination.models import (
    AttendanceMode,
    Convening,
    Delegate,
    DelegateStatus,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    User,
)
from coordination.principal import load_principal
from coordination.service import StaleError
from tests.invitations.rsvp_helpers import (
    add_delegate,
    audit_events,
    calendar_of,
    delegates_of,
    future,
    messages_to,
    past,
    reload,
)


@dataclass
class Scene:
    """A convening with its team, and one organisation invited with a focal point who has an
    account."""

    organiser: User
    coordinator: User
    convening: Convening
    organisation: Organisation
    focal_point: User
    invitation: Invitation

    @property
    def path(self) -> str:
        return f"/api/v1/invitations/{self.invitation.id}"


def _scene(make, *, status=InvitationStatus.SENT, seat_quota=3, **convening_fields) -> Scene:
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Madison Valleywood",
        organisers=(organiser,),
        coordinators=(coordinator,),
        **convening_fields,
    )
    organisation = make.organisation("Apple")
    focal_point = make.participant(organisation)
    invitation = make.invitation(
        convening,
        organisation,
        status=status,
        seat_quota=seat_quota,
        focal_point=focal_point.contact,
    )
    return Scene(organiser, coordinator, convening, organisation, focal_point, invitation)


def _invite(make, scene: Scene, name: str, status=InvitationStatus.SENT, **organisation_fields):
    organisation = make.organisation(name, **organisation_fields)
    return make.invitation(scene.convening, organisation, status=status)


def _delegate_body(**changes) -> dict:
    body = {"name": "Tim Cook", "email": "tim@example.org", "attendance": "remote"}
    body.update(changes)
    return body


def _organisations(response) -> list[str]:
    return [item["organisation"]["name"] for item in response.get_json()["items"]]


def _messages(db) -> int:
    return db.scalar(select(func.count(OutboxMessage.id)))


# --- The board ---------------------------------------------------------------------------


def test_invitation_list_shows_the_team_the_boards_rows(make, api_as):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    add_delegate(make.session, scene.invitation, "Tim Cook")
    _invite(make, scene, "Embassy", status=InvitationStatus.DECLINED)
    _invite(make, scene, "Drafted", status=InvitationStatus.DRAFT)

    response = api_as(scene.coordinator).get(f"/api/v1/convenings/{scene.convening.id}/invitations")

    assert response.status_code == 200
    assert _organisations(response) == ["Apple", "Embassy"]
    apple = response.get_json()["items"][0]
    assert (apple["status"], apple["seats"]["quota"], apple["seats"]["used"]) == ("accepted", 3, 1)
    assert apple["focal_point"]["id"] == scene.focal_point.contact_id
    assert apple["team"]["reminders_sent"] == 0


def test_invitation_list_takes_the_boards_filters(make, api_as):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    add_delegate(make.session, scene.invitation, "Émile Zola")
    _invite(make, scene, "British Embassy", kind=OrganisationKind.EMBASSY)
    _invite(make, scene, "Drafted", status=InvitationStatus.DRAFT)
    api = api_as(scene.coordinator)
    path = f"/api/v1/convenings/{scene.convening.id}/invitations"

    assert _organisations(api.get(f"{path}?status=draft")) == ["Drafted"]
    assert _organisations(api.get(f"{path}?status=accepted")) == ["Apple"]
    assert _organisations(api.get(f"{path}?kind=embassy")) == ["British Embassy"]
    assert _organisations(api.get(f"{path}?q=emile%20ZOLA")) == ["Apple"]
    assert _organisations(api.get(f"{path}?q=british")) == ["British Embassy"]
    assert _organisations(api.get(f"{path}?q=drafted")) == []
    refused = api.get(f"{path}?status=maybe")
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["parameter"] == "status"


def test_invitation_list_pages_with_a_cursor(make, api_as):
    scene = _scene(make)
    for name in ("Bravo", "Charlie", "Delta", "Echo"):
        _invite(make, scene, name)
    api = api_as(scene.organiser)
    path = f"/api/v1/convenings/{scene.convening.id}/invitations"

    first = api.get(f"{path}?limit=2").get_json()
    rest = api.get(f"{path}?limit=10&cursor={first['next_cursor']}").get_json()

    assert [item["organisation"]["name"] for item in first["items"] + rest["items"]] == [
        "Apple",
        "Bravo",
        "Charlie",
        "Delta",
        "Echo",
    ]
    assert rest["next_cursor"] is None


def test_invitation_list_costs_the_same_queries_at_any_size(make, api_as, count_queries):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    api = api_as(scene.organiser)
    path = f"/api/v1/convenings/{scene.convening.id}/invitations"

    def grow(count):
        for _ in range(count):
            organisation = make.organisation()
            invitation = make.invitation(
                scene.convening,
                organisation,
                status=InvitationStatus.ACCEPTED,
                focal_point=make.contact(organisation),
            )
            add_delegate(make.session, invitation, "Named Person")

    grow(1)
    with count_queries() as small:
        assert len(api.get(path).get_json()["items"]) == 2
    with count_queries() as small_search:
        assert len(api.get(f"{path}?q=named").get_json()["items"]) == 1
    grow(10)
    with count_queries() as large:
        assert len(api.get(path).get_json()["items"]) == 12
    with count_queries() as large_search:
        assert len(api.get(f"{path}?q=named").get_json()["items"]) == 11

    assert (large.count, large_search.count) == (small.count, small_search.count)


def test_invitation_list_is_for_the_team_alone(make, api_as):
    scene = _scene(make)
    outsider = make.participant(make.organisation("Elsewhere"))
    path = f"/api/v1/convenings/{scene.convening.id}/invitations"

    assert api_as(scene.focal_point).get(path).status_code == 403
    assert api_as(outsider).get(path).status_code == 404


# --- One invitation ----------------------------------------------------------------------------


def test_invitation_shows_its_focal_point_what_the_answer_page_shows(make, api_as):
    scene = _scene(make, status=InvitationStatus.TENTATIVE)
    scene.invitation.note = "Bring your policy lead."
    make.commit()

    response = api_as(scene.focal_point).get(scene.path)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["organisation"]["name"], body["note"]) == (
        "tentative",
        "Apple",
        "Bring your policy lead.",
    )
    assert body["team"] is None
    assert body["web_url"].endswith(f"/rsvp/invitations/{scene.invitation.id}")
    invitation = scene.invitation
    assert response.headers["ETag"] == f'"invitation-{invitation.id}-{invitation.version}"'


def test_invitation_shows_the_team_when_it_was_sent(make, api_as):
    scene = _scene(make)
    scene.invitation.sent_at = past(days=2)
    make.commit()

    as_coordinator = api_as(scene.coordinator).get(scene.path).get_json()
    as_organiser = api_as(scene.organiser).get(scene.path).get_json()

    assert as_coordinator["team"]["sent_at"] is not None
    assert f"/convenings/{scene.convening.id}/rsvp#invitation-" in as_coordinator["web_url"]
    assert as_organiser["web_url"].endswith(f"/rsvp/invitations/{scene.invitation.id}")


def test_focal_point_never_sees_another_organisations_invitation(make, api_as):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    other = _invite(make, scene, "Embassy", status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, other, "Their Delegate")
    colleague = make.participant(scene.organisation)
    api = api_as(scene.focal_point)

    statuses = [
        api.get(f"/api/v1/invitations/{other.id}").status_code,
        api.get(f"/api/v1/invitations/{other.id}/delegates").status_code,
        api.get(f"/api/v1/delegates/{delegate.id}").status_code,
        api_as(colleague).get(scene.path).status_code,
        api_as(colleague).get(f"{scene.path}/delegates").status_code,
    ]

    assert statuses == [404, 404, 404, 404, 404]


def test_withdrawn_invitation_is_not_found_for_its_focal_point(make, api_as):
    scene = _scene(make, status=InvitationStatus.WITHDRAWN)

    assert api_as(scene.focal_point).get(scene.path).status_code == 404
    assert api_as(scene.coordinator).get(scene.path).status_code == 200


# --- Delegates, read ----------------------------------------------------------------------------


def test_delegates_are_listed_head_first_without_those_removed(make, api_as):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    add_delegate(make.session, scene.invitation, "Anna")
    add_delegate(make.session, scene.invitation, "Zoe", is_head=True)
    add_delegate(make.session, scene.invitation, "Gone", status=DelegateStatus.CANCELLED)

    as_focal_point = api_as(scene.focal_point).get(f"{scene.path}/delegates").get_json()
    as_coordinator = api_as(scene.coordinator).get(f"{scene.path}/delegates").get_json()

    assert [(d["name"], d["is_head"]) for d in as_focal_point["items"]] == [
        ("Zoe", True),
        ("Anna", False),
    ]
    assert as_coordinator == as_focal_point


def test_delegates_page_with_a_cursor(make, api_as):
    scene = _scene(make, status=InvitationStatus.ACCEPTED, seat_quota=10)
    for name in ("Bea", "Cy", "Di", "Ed"):
        add_delegate(make.session, scene.invitation, name)
    add_delegate(make.session, scene.invitation, "Head", is_head=True)
    api = api_as(scene.focal_point)

    first = api.get(f"{scene.path}/delegates?limit=2").get_json()
    rest = api.get(f"{scene.path}/delegates?cursor={first['next_cursor']}").get_json()

    assert [d["name"] for d in first["items"] + rest["items"]] == ["Head", "Bea", "Cy", "Di", "Ed"]


def test_delegate_list_costs_the_same_queries_at_any_size(make, api_as, count_queries):
    scene = _scene(make, status=InvitationStatus.ACCEPTED, seat_quota=20)
    api = api_as(scene.focal_point)
    add_delegate(make.session, scene.invitation)

    with count_queries() as small:
        assert len(api.get(f"{scene.path}/delegates").get_json()["items"]) == 1
    for _ in range(12):
        add_delegate(make.session, scene.invitation)
    with count_queries() as large:
        assert len(api.get(f"{scene.path}/delegates").get_json()["items"]) == 13

    assert large.count == small.count


# --- Answering ---------------------------------------------------------------------------------


def test_focal_point_accepts_and_the_answer_is_theirs(make, api_as, db):
    scene = _scene(make)

    response = api_as(scene.focal_point).post(f"{scene.path}/answer", json={"status": "accepted"})

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["answered_on_behalf"]) == ("accepted", False)
    assert response.headers["ETag"] == f'"invitation-{scene.invitation.id}-2"'
    assert reload(db, scene.invitation).status == InvitationStatus.ACCEPTED
    (event,) = audit_events(db, "invitation.answered")
    assert (event.actor_id, event.changes["on_behalf"]) == (scene.focal_point.id, False)


def test_organiser_answers_on_the_organisations_behalf(make, api_as, db):
    scene = _scene(make)

    response = api_as(scene.organiser).post(f"{scene.path}/answer", json={"status": "tentative"})

    assert response.status_code == 200
    assert response.get_json()["answered_on_behalf"] is True
    assert reload(db, scene.invitation).status == InvitationStatus.TENTATIVE


def test_answer_is_refused_to_a_coordinator(make, api_as, db):
    scene = _scene(make)

    response = api_as(scene.coordinator).post(f"{scene.path}/answer", json={"status": "declined"})

    assert response.status_code == 404
    assert reload(db, scene.invitation).status == InvitationStatus.SENT


def test_answer_with_a_stale_etag_is_refused(make, api_as, db):
    scene = _scene(make)
    api = api_as(scene.focal_point)
    etag = api.get(scene.path).headers["ETag"]
    first = api.post(
        f"{scene.path}/answer", json={"status": "accepted"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200

    stale = api.post(
        f"{scene.path}/answer", json={"status": "tentative"}, headers={"If-Match": etag}
    )

    assert stale.status_code == 412
    assert reload(db, scene.invitation).status == InvitationStatus.ACCEPTED


def test_answer_based_on_a_version_changed_under_the_lock_is_refused(app, make, db):
    # What the API answers with 409: the invitation changed after the request read it.
    scene = _scene(make)

    with app.app_context(), get_database(app).session() as session:
        invitation = session.get(Invitation, scene.invitation.id)
        focal_point = session.get(User, scene.focal_point.id)
        with pytest.raises(StaleError):
            answers.answer(
                session,
                load_principal(session, focal_point),
                invitation,
                InvitationStatus.ACCEPTED,
                expected_version=invitation.version - 1,
            )
        session.rollback()

    assert reload(db, scene.invitation).status == InvitationStatus.SENT
    assert audit_events(db, "invitation.answered") == []


def test_answer_refuses_bad_input_and_records_nothing(make, api_as, db):
    scene = _scene(make)
    api = api_as(scene.focal_point)

    refused = [
        api.post(f"{scene.path}/answer", json=body)
        for body in (
            {"status": "maybe"},
            {"status": "withdrawn"},
            {},
            {"status": "accepted", "note": "Glad to"},
            {"status": "accepted", "confirm": "yes"},
        )
    ]

    assert [response.status_code for response in refused] == [422] * 5
    assert [response.get_json()["errors"][0]["pointer"] for response in refused] == [
        "#/status",
        "#/status",
        "#/status",
        "#/note",
        "#/confirm",
    ]
    assert reload(db, scene.invitation).status == InvitationStatus.SENT
    assert audit_events(db, "invitation.answered") == []


def test_declining_with_delegates_named_needs_a_confirmation(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, email="named@example.org")
    api = api_as(scene.focal_point)

    unconfirmed = api.post(f"{scene.path}/answer", json={"status": "declined"})

    assert unconfirmed.status_code == 422
    assert unconfirmed.get_json()["errors"][0]["pointer"] == "#/confirm"
    assert reload(db, scene.invitation).status == InvitationStatus.ACCEPTED
    assert messages_to(db, "named@example.org") == []

    confirmed = api.post(f"{scene.path}/answer", json={"status": "declined", "confirm": True})

    assert confirmed.status_code == 200
    assert confirmed.get_json()["seats"]["used"] == 0
    assert delegates_of(db, scene.invitation, DelegateStatus.CANCELLED) == [delegate]
    (message,) = messages_to(db, "named@example.org")
    assert message.attachments[0]["params"]["method"] == "CANCEL"


def test_answer_after_the_deadline_is_for_the_organisers_alone(make, api_as, db):
    scene = _scene(make, rsvp_deadline=past(days=1), starts_at=future(days=3))

    late = api_as(scene.focal_point).post(f"{scene.path}/answer", json={"status": "accepted"})
    on_behalf = api_as(scene.organiser).post(f"{scene.path}/answer", json={"status": "accepted"})

    assert late.status_code == 422
    assert "deadline" in late.get_json()["detail"]
    assert on_behalf.status_code == 200
    assert reload(db, scene.invitation).answered_on_behalf is True


# --- Delegates, changed ---------------------------------------------------------------------


def test_focal_point_names_a_delegate_who_is_sent_a_calendar_invitation(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)

    response = api_as(scene.focal_point).post(
        f"{scene.path}/delegates",
        json=_delegate_body(email="Tim@Example.org", dietary_needs="Vegetarian", is_head=True),
    )

    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/delegates/{body['id']}"
    assert (body["attendance"], body["is_head"], body["status"]) == ("remote", True, "confirmed")
    (stored,) = delegates_of(db, scene.invitation)
    assert (stored.email_normalized, stored.dietary_needs) == ("tim@example.org", "Vegetarian")
    (message,) = messages_to(db, "Tim@Example.org")
    assert message.attachments[0]["params"]["method"] == "REQUEST"
    assert len(calendar_of(message).walk("VEVENT")) == 1


def test_delegates_beyond_the_seat_quota_are_refused(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED, seat_quota=1)
    api = api_as(scene.focal_point)
    assert api.post(f"{scene.path}/delegates", json=_delegate_body()).status_code == 201

    refused = api.post(f"{scene.path}/delegates", json=_delegate_body(email="two@example.org"))

    assert refused.status_code == 422
    assert "seat" in refused.get_json()["detail"]
    assert len(delegates_of(db, scene.invitation)) == 1
    assert messages_to(db, "two@example.org") == []


def test_delegates_wait_for_the_invitation_to_be_accepted(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.SENT)

    response = api_as(scene.focal_point).post(f"{scene.path}/delegates", json=_delegate_body())

    assert response.status_code == 422
    assert delegates_of(db, scene.invitation) == []


def test_delegate_with_bad_fields_is_refused_and_nothing_is_sent(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    api = api_as(scene.focal_point)

    bad_email = api.post(f"{scene.path}/delegates", json=_delegate_body(email="not-an-address"))
    bad_mode = api.post(f"{scene.path}/delegates", json=_delegate_body(attendance="teleport"))
    no_name = api.post(f"{scene.path}/delegates", json={"email": "a@example.org"})

    assert [r.status_code for r in (bad_email, bad_mode, no_name)] == [422, 422, 422]
    assert [r.get_json()["errors"][0]["pointer"] for r in (bad_email, bad_mode, no_name)] == [
        "#/email",
        "#/attendance",
        "#/name",
    ]
    assert db.scalar(select(func.count(Delegate.id))) == 0
    assert _messages(db) == 0


def test_delegate_change_keeps_what_is_not_sent_and_tells_a_new_address(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(
        make.session, scene.invitation, "Tim", email="old@example.org", dietary_needs="Vegan"
    )

    response = api_as(scene.focal_point).patch(
        f"/api/v1/delegates/{delegate.id}", json={"email": "new@example.org", "title": "CEO"}
    )

    assert response.status_code == 200
    (stored,) = delegates_of(db, scene.invitation)
    assert (stored.name, stored.email, stored.title, stored.dietary_needs) == (
        "Tim",
        "new@example.org",
        "CEO",
        "Vegan",
    )
    assert stored.attendance == AttendanceMode.IN_PERSON
    (cancelled,) = messages_to(db, "old@example.org")
    (confirmed,) = messages_to(db, "new@example.org")
    assert cancelled.attachments[0]["params"]["method"] == "CANCEL"
    assert confirmed.attachments[0]["params"]["method"] == "REQUEST"


def test_delegate_change_or_removal_with_a_stale_etag_is_refused(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, "Tim", email="tim@example.org")
    api = api_as(scene.focal_point)
    path = f"/api/v1/delegates/{delegate.id}"
    read = api.get(path).headers["ETag"]
    assert api.patch(path, json={"title": "CEO"}, headers={"If-Match": read}).status_code == 200

    changed = api.patch(path, json={"title": "Chair"}, headers={"If-Match": read})
    removed = api.delete(path, headers={"If-Match": read})

    assert (changed.status_code, removed.status_code) == (412, 412)
    (stored,) = delegates_of(db, scene.invitation)
    assert stored.title == "CEO"


def test_delegate_change_refuses_nulls_and_bad_values(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, "Kept", email="kept@example.org")
    api = api_as(scene.focal_point)
    path = f"/api/v1/delegates/{delegate.id}"

    refused = [
        api.patch(path, json=body)
        for body in ({"name": None}, {"attendance": None}, {"is_head": None}, {"email": "x"})
    ]

    assert [r.status_code for r in refused] == [422, 422, 422, 422]
    assert [r.get_json()["errors"][0]["pointer"] for r in refused] == [
        "#/name",
        "#/attendance",
        "#/is_head",
        "#/email",
    ]
    (stored,) = delegates_of(db, scene.invitation)
    assert (stored.name, stored.email) == ("Kept", "kept@example.org")
    assert _messages(db) == 0


def test_delegate_removed_is_kept_as_cancelled_and_told(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, email="gone@example.org")
    api = api_as(scene.focal_point)

    response = api.delete(f"/api/v1/delegates/{delegate.id}")

    assert response.status_code == 204
    assert delegates_of(db, scene.invitation) == []
    assert api.get(f"/api/v1/delegates/{delegate.id}").get_json()["status"] == "cancelled"
    assert api.get(f"{scene.path}/delegates").get_json()["items"] == []
    (message,) = messages_to(db, "gone@example.org")
    assert message.attachments[0]["params"]["method"] == "CANCEL"
    again = api.delete(f"/api/v1/delegates/{delegate.id}")
    assert again.status_code == 422
    assert len(messages_to(db, "gone@example.org")) == 1


def test_focal_point_cannot_change_another_organisations_delegate(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    other = _invite(make, scene, "Embassy", status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, other, "Theirs", email="theirs@example.org")
    api = api_as(scene.focal_point)

    changed = api.patch(f"/api/v1/delegates/{delegate.id}", json={"name": "Mine"})
    removed = api.delete(f"/api/v1/delegates/{delegate.id}")
    named = api.post(f"/api/v1/invitations/{other.id}/delegates", json=_delegate_body())

    assert (changed.status_code, removed.status_code, named.status_code) == (404, 404, 404)
    (stored,) = delegates_of(db, other)
    assert (stored.name, stored.status) == ("Theirs", DelegateStatus.CONFIRMED)
    assert _messages(db) == 0


def test_coordinator_reads_delegates_but_does_not_change_them(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, "Kept")
    api = api_as(scene.coordinator)

    shown = api.get(f"/api/v1/delegates/{delegate.id}")
    changed = api.patch(f"/api/v1/delegates/{delegate.id}", json={"name": "Taken"})

    assert (shown.status_code, changed.status_code) == (200, 404)
    assert delegates_of(db, scene.invitation)[0].name == "Kept"


# --- Tokens that may only read ---------------------------------------------------------------


def test_read_token_cannot_answer_or_change_delegates(make, api_as, db):
    scene = _scene(make, status=InvitationStatus.ACCEPTED)
    delegate = add_delegate(make.session, scene.invitation, "Kept")
    api = api_as(scene.focal_point, scope="read")

    statuses = [
        api.post(f"{scene.path}/answer", json={"status": "tentative"}).status_code,
        api.post(f"{scene.path}/delegates", json=_delegate_body()).status_code,
        api.patch(f"/api/v1/delegates/{delegate.id}", json={"name": "Taken"}).status_code,
        api.delete(f"/api/v1/delegates/{delegate.id}").status_code,
    ]

    assert statuses == [403, 403, 403, 403]
    assert api.get(scene.path).status_code == 200
    assert reload(db, scene.invitation).status == InvitationStatus.ACCEPTED
    assert [d.name for d in delegates_of(db, scene.invitation)] == ["Kept"]
    assert _messages(db) == 0
