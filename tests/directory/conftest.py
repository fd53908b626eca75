"""People in each directory role."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(make):
    return make.user(name="Ada Admin", is_admin=True)


@pytest.fixture
def organiser(make):
    user = make.user(name="Olu Organiser")
    make.convening(organisers=(user,))
    return user


@pytest.fixture
def invite(make, organiser):
    """Invite an organisation to the organiser's convening, putting its contacts in their care."""
    convening = make.convening(organisers=(organiser,))

    def inviting(organisation):
        make.invitation(convening, organisation)
        return organisation

    return inviting


@pytest.fixture
def coordinator(make):
    user = make.user(name="Cai Coordinator")
    make.convening(coordinators=(user,))
    return user


@pytest.fixture
def participant(make):
    organisation = make.organisation("Participant Org")
    user = make.participant(organisation)
    make.invitation(make.convening(), organisation)
    return user
