"""A draft convening with two invited organisations, and a session to call services in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from coordination.db import get_database
from coordination.models import Convening, ConveningStatus, Invitation, InvitationStatus, User


@dataclass
class Draft:
    organiser: User
    convening: Convening
    apple: Invitation
    embassy: Invitation
    # Invited, but never chosen to vote.
    other: Invitation
    apple_user: User
    embassy_user: User


@pytest.fixture
def draft(make) -> Draft:
    organiser = make.user(name="Olive Organiser")
    convening = make.convening(
        "Madison Valleywood",
        status=ConveningStatus.DRAFT,
        timezone="America/New_York",
        starts_at=datetime(2031, 3, 1, 15, 0, tzinfo=UTC),
        organisers=(organiser,),
    )
    invitations, users = [], []
    for name in ("Apple", "British Embassy", "Snapchat"):
        organisation = make.organisation(name)
        user = make.participant(organisation, name=f"Focal point of {name}")
        invitation = make.invitation(
            convening, organisation, status=InvitationStatus.DRAFT, focal_point=user.contact
        )
        invitations.append(invitation)
        users.append(user)
    return Draft(organiser, convening, *invitations, users[0], users[1])


@pytest.fixture
def service_session(app):
    """A session inside an application context, as a view's request or the worker has."""
    with app.app_context(), get_database(app).session() as session:
        yield session
