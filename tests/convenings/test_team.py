"""Managing a convening's team: add by email, change role, remove; one organiser always stays."""

from __future__ import annotations

from sqlalchemy import select

from coordination.models import AuditEvent, OutboxMessage, TeamMembership, TeamRole


def roles(db, convening) -> dict[int, TeamRole]:
    db.expire_all()
    rows = db.execute(
        select(TeamMembership.user_id, TeamMembership.role).where(
            TeamMembership.convening_id == convening.id
        )
    ).all()
    return dict(rows)


def membership_of(db, convening, user) -> TeamMembership:
    return db.scalar(
        select(TeamMembership).where(
            TeamMembership.convening_id == convening.id, TeamMembership.user_id == user.id
        )
    )


def test_team_page_lists_members_with_their_roles(client, make, auth):
    organiser = make.user(name="Olive Organiser")
    coordinator = make.user(name="Cora Coordinator")
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)

    page = client.get(f"/convenings/{convening.id}/team").get_data(as_text=True)

    assert "Olive Organiser" in page
    assert "Cora Coordinator" in page
    assert 'for="role-' in page


def test_add_member_by_email_puts_them_on_the_team_and_tells_them(client, db, make, auth):
    organiser = make.user()
    newcomer = make.user(email="New.Person@example.org", name="New Person")
    convening = make.convening("Valleywood", organisers=(organiser,))
    auth.sign_in(organiser)

    response = client.post(
        f"/convenings/{convening.id}/team/add",
        data={"email": "new.person@EXAMPLE.org", "role": "coordinator"},
    )

    assert response.status_code == 302
    assert roles(db, convening)[newcomer.id] == TeamRole.COORDINATOR
    message = db.scalar(select(OutboxMessage))
    assert message.recipients == ["New.Person@example.org"]
    assert "Valleywood" in message.subject
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.team_member_added"))
    assert event.changes["role"] == "coordinator"
    assert event.convening_id == convening.id


def test_add_member_with_unknown_email_is_refused_beside_the_field(client, db, make, auth):
    organiser = make.user()
    convening = make.convening(organisers=(organiser,))
    auth.sign_in(organiser)

    response = client.post(
        f"/convenings/{convening.id}/team/add",
        data={"email": "nobody@example.org", "role": "organiser"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="email-error"' in page
    assert "No active account has the address nobody@example.org" in page
    assert len(roles(db, convening)) == 1


def test_add_member_already_on_the_team_is_refused(client, db, make, auth):
    organiser, coordinator = make.user(), make.user(name="Cora")
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)

    response = client.post(
        f"/convenings/{convening.id}/team/add",
        data={"email": coordinator.email, "role": "organiser"},
    )

    assert response.status_code == 400
    assert "Cora is already on the team as coordinator." in response.get_data(as_text=True)
    assert roles(db, convening)[coordinator.id] == TeamRole.COORDINATOR


def test_change_role_promotes_a_coordinator_and_audits_it(client, db, make, auth):
    organiser, coordinator = make.user(), make.user()
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)
    membership = membership_of(db, convening, coordinator)

    response = client.post(
        f"/convenings/{convening.id}/team/{membership.id}/role", data={"role": "organiser"}
    )

    assert response.status_code == 302
    assert roles(db, convening)[coordinator.id] == TeamRole.ORGANISER
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "convening.team_role_changed"))
    assert event.changes["role"] == ["coordinator", "organiser"]


def test_last_organiser_cannot_be_demoted(client, db, make, auth):
    organiser = make.user()
    convening = make.convening(organisers=(organiser,))
    auth.sign_in(organiser)
    membership = membership_of(db, convening, organiser)

    response = client.post(
        f"/convenings/{convening.id}/team/{membership.id}/role", data={"role": "coordinator"}
    )

    assert response.status_code == 400
    assert "at least one organiser" in response.get_data(as_text=True)
    assert roles(db, convening)[organiser.id] == TeamRole.ORGANISER


def test_last_organiser_cannot_be_removed(client, db, make, auth):
    organiser, coordinator = make.user(), make.user()
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)
    membership = membership_of(db, convening, organiser)

    response = client.post(f"/convenings/{convening.id}/team/{membership.id}/remove")

    assert response.status_code == 400
    assert "at least one organiser" in response.get_data(as_text=True)
    assert set(roles(db, convening)) == {organiser.id, coordinator.id}


def test_remove_member_takes_them_off_the_team(client, db, make, auth):
    organiser, coordinator = make.user(), make.user()
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)
    membership = membership_of(db, convening, coordinator)

    response = client.post(f"/convenings/{convening.id}/team/{membership.id}/remove")

    assert response.status_code == 302
    assert set(roles(db, convening)) == {organiser.id}
    event = db.scalar(
        select(AuditEvent).where(AuditEvent.action == "convening.team_member_removed")
    )
    assert event.convening_id == convening.id


def test_organiser_removing_themselves_goes_to_the_dashboard(client, db, make, auth):
    me, other = make.user(), make.user()
    convening = make.convening(organisers=(me, other))
    auth.sign_in(me)
    membership = membership_of(db, convening, me)

    response = client.post(f"/convenings/{convening.id}/team/{membership.id}/remove")

    assert response.headers["Location"].endswith("/dashboard")
    assert set(roles(db, convening)) == {other.id}
    assert client.get(f"/convenings/{convening.id}/team").status_code == 404


def test_membership_of_another_convening_is_left_alone(client, db, make, auth):
    organiser, stranger = make.user(), make.user()
    mine = make.convening(organisers=(organiser,))
    theirs = make.convening(organisers=(stranger,), coordinators=(make.user(),))
    auth.sign_in(organiser)
    membership = membership_of(db, theirs, stranger)

    removed = client.post(f"/convenings/{mine.id}/team/{membership.id}/remove")
    changed = client.post(
        f"/convenings/{mine.id}/team/{membership.id}/role", data={"role": "coordinator"}
    )

    assert removed.headers["Location"].endswith(f"/convenings/{mine.id}/team")
    assert changed.headers["Location"].endswith(f"/convenings/{mine.id}/team")
    assert roles(db, theirs)[stranger.id] == TeamRole.ORGANISER


def test_removing_someone_twice_says_they_are_gone(client, db, make, auth):
    organiser, coordinator = make.user(), make.user()
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(organiser)
    membership = membership_of(db, convening, coordinator)
    client.post(f"/convenings/{convening.id}/team/{membership.id}/remove")

    response = client.post(
        f"/convenings/{convening.id}/team/{membership.id}/remove", follow_redirects=True
    )

    assert response.status_code == 200
    assert "That person is no longer on the team." in response.get_data(as_text=True)


def test_coordinator_cannot_manage_the_team(client, db, make, auth):
    organiser, coordinator = make.user(), make.user()
    convening = make.convening(organisers=(organiser,), coordinators=(coordinator,))
    auth.sign_in(coordinator)
    membership = membership_of(db, convening, organiser)

    assert client.get(f"/convenings/{convening.id}/team").status_code == 403
    assert (
        client.post(
            f"/convenings/{convening.id}/team/add",
            data={"email": coordinator.email, "role": "organiser"},
        ).status_code
        == 403
    )
    assert client.post(f"/convenings/{convening.id}/team/{membership.id}/remove").status_code == 403
    assert roles(db, convening) == {
        organiser.id: TeamRole.ORGANISER,
        coordinator.id: TeamRole.COORDINATOR,
    }
