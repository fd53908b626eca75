"""Invitation services called with no request at all, as the worker or an API would call them.

Only an application context and a plain session: no request, no signed-in user, no ``g``
session. The caller commits (or, after a refusal, rolls back), as the service contract says.
"""

from __future__ import annotations

import pytest
from flask import has_request_context
from sqlalchemy import select

from coordination.db import get_database
from coordination.invitations import links
from coordination.invitations.answering import answers
from coordination.invitations.manage import inviting
from coordination.models import AuditEvent, Convening, Invitation, InvitationStatus, User
from coordination.principal import Principal, load_principal
from coordination.service import InputError, NotPermitted


@pytest.fixture
def arranged(make):
    organiser = make.user(name="Olive Organiser")
    convening = make.convening("Madison Valleywood", organisers=(organiser,))
    organisation = make.organisation("Apple")
    contact = make.contact(organisation, name="Fiona Focal", email="fiona@apple.example.org")
    return organiser.id, convening.id, organisation.id, contact.id


def _invite(session, organiser_id: int, convening_id: int, organisation_id: int, contact_id):
    organiser = session.get(User, organiser_id)
    return inviting.invite_organisation(
        session,
        load_principal(session, organiser),
        session.get(Convening, convening_id),
        organisation_id=organisation_id,
        seat_quota=3,
        focal_point_id=contact_id,
        note="We hope you can join us.",
    )


def test_inviting_without_a_request_stores_a_draft_and_its_audit_event(app, arranged):
    organiser_id, convening_id, organisation_id, contact_id = arranged

    with app.app_context(), get_database(app).session() as session:
        assert not has_request_context()
        invitation_id = _invite(session, *arranged).id
        session.commit()

    with get_database(app).session(write=False) as session:
        stored = session.get(Invitation, invitation_id)
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invitation.created")
        ).one()
        assert (
            stored.convening_id,
            stored.organisation_id,
            stored.focal_point_id,
            stored.status,
            stored.seat_quota,
            stored.note,
        ) == (
            convening_id,
            organisation_id,
            contact_id,
            InvitationStatus.DRAFT,
            3,
            "We hope you can join us.",
        )
        assert (event.actor_id, event.object_id, event.remote_address) == (
            organiser_id,
            invitation_id,
            None,
        )


def test_inviting_twice_without_a_request_is_refused_beside_the_organisation(app, arranged):
    with app.app_context(), get_database(app).session() as session:
        _invite(session, *arranged)
        session.commit()

        with pytest.raises(InputError) as refused:
            _invite(session, *arranged)
        session.rollback()

    assert refused.value.field == "organisation_id"
    assert refused.value.errors == {"organisation_id": "Apple is already invited (draft)."}
    with get_database(app).session(write=False) as session:
        assert len(session.scalars(select(Invitation)).all()) == 1


def test_answering_without_a_request_acts_for_the_holder_of_the_link(app, make, arranged):
    _organiser_id, convening_id, organisation_id, contact_id = arranged
    invitation = Invitation(
        convening_id=convening_id,
        organisation_id=organisation_id,
        focal_point_id=contact_id,
        status=InvitationStatus.SENT,
        seat_quota=2,
    )
    make.session.add(invitation)
    links.issue_link(invitation)
    make.session.commit()
    holder = Principal(user=None, link_grants={invitation.id: invitation.token_hash})
    stranger = Principal(user=None)

    with app.app_context(), get_database(app).session() as session:
        with pytest.raises(NotPermitted) as refused:
            answers.answer(
                session, stranger, session.get(Invitation, invitation.id), InvitationStatus.DECLINED
            )
        session.rollback()
        changed = answers.answer(
            session, holder, session.get(Invitation, invitation.id), InvitationStatus.ACCEPTED
        )
        session.commit()

    assert refused.value.status == 403
    assert refused.value.field == ""
    assert changed is True
    with get_database(app).session(write=False) as session:
        assert session.get(Invitation, invitation.id).status == InvitationStatus.ACCEPTED
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "invitation.answered")
        ).one()
        assert event.changes == {
            "status": ["sent", "accepted"],
            "on_behalf": False,
            "by": "Holder of the invitation link",
        }
