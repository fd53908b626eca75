"""Fixtures: a real receiver, an application allowed to send to it, a convening's team."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coordination.models import Convening, ConveningStatus, User
from tests.conftest import AuthActions

from .receiver import Receiver

# What the webhook tests change: the receiver listens on 127.0.0.1, and waits are short.
HOOKS_SETTINGS = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": True,
    "WEBHOOK_RETRY_SECONDS": 1,
    "WEBHOOK_TIMEOUT_SECONDS": 2,
}


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def hooks_app(make_app):
    return make_app(**HOOKS_SETTINGS)


@dataclass
class Team:
    organiser: User
    other_organiser: User
    coordinator: User
    admin: User
    convening: Convening


@pytest.fixture
def team(make) -> Team:
    organiser = make.user(name="Olivia Organiser")
    other = make.user(name="Otto Organiser")
    coordinator = make.user(name="Colin Coordinator")
    admin = make.user(name="Alex Admin", is_admin=True)
    convening = make.convening(
        "Madison Valleywood",
        status=ConveningStatus.DRAFT,
        venue_name="Great Hall",
        organisers=(organiser, other),
        coordinators=(coordinator,),
    )
    return Team(organiser, other, coordinator, admin, convening)


def signed_in(app, user: User):
    """A browser of ``app`` with ``user`` signed in."""
    client = app.test_client()
    response = AuthActions(client).sign_in(user)
    assert response.status_code == 302, f"{user.email} could not sign in"
    return client
