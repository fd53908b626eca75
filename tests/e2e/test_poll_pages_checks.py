"""axe-core and the Nu Html Checker over the date poll's pages: the team's grid and the voter's
ballot, with and without form errors, on a draft convening whose poll Apple votes in."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from coordination.models import Convening, InvitationStatus, PollChoice, PollVoter
from tests.polls.helpers import cast, make_poll

from .briefing_action_world import Spec, assert_valid, check_accessible, check_markup, params
from .world import Arrange, World

pytestmark = pytest.mark.shared_world


@dataclass
class PollWorld:
    world: World
    draft: Convening
    apple_invitation_id: int


def _bad_slot(page: Page) -> None:
    page.get_by_label("Starts").fill("2031-03-10T12:00")
    page.get_by_label("Ends").fill("2031-03-10T11:00")
    page.get_by_role("button", name="Propose the slot").click()


def _team(w: PollWorld) -> str:
    return f"/convenings/{w.draft.id}/poll"


def _ballot(w: PollWorld, query: str = "") -> str:
    return f"/poll/invitations/{w.apple_invitation_id}{query}"


PAGES = [
    Spec("poll-grid-organiser", "organiser", _team, shows="Slots every must-attend"),
    Spec("poll-grid-slot-errors", "organiser", _team, 400, _bad_slot, "must end after it starts"),
    Spec("poll-ballot-voter", "participant", _ballot, shows="Save my answers"),
    Spec(
        "poll-ballot-voter-zone",
        "participant",
        lambda w: _ballot(w, "?zone=Europe/London"),
        shows="your time:",
    ),
    Spec(
        "poll-ballot-errors",
        "participant",
        _ballot,
        400,
        lambda page: page.get_by_role("button", name="Save my answers").click(),
        "Choose yes, if need be or no.",
    ),
]


@pytest.fixture(scope="module")
def world(shared_world, local_app, inspection_engine) -> PollWorld:
    with local_app.app_context(), Session(inspection_engine, expire_on_commit=False) as session:
        arrange = Arrange(session, local_app)
        draft = session.get(Convening, shared_world.draft.id)
        apple = arrange.invitation(
            draft,
            shared_world.invited,
            status=InvitationStatus.DRAFT,
            focal_point_id=shared_world.participant.contact_id,
        )
        embassy = arrange.invitation(
            draft, arrange.organisation("Embassy of France"), status=InvitationStatus.DRAFT
        )
        poll = make_poll(session, draft, (apple, embassy), must_attend=(apple,))
        voter = session.get(PollVoter, poll.voters[1].id)
        cast(session, voter, PollChoice.YES, PollChoice.IF_NEED_BE)
        return PollWorld(shared_world, draft, apple.id)


@pytest.mark.parametrize("spec", params(PAGES))
def test_poll_page_has_no_accessibility_violations(page_as, world, spec):
    check_accessible(page_as(spec.role), spec, world)


@pytest.fixture(scope="module")
def checked_pages(role_pages, world, tmp_path_factory):
    return check_markup(role_pages, PAGES, world, tmp_path_factory.mktemp("poll-html"))


@pytest.mark.parametrize("spec", params(PAGES))
def test_poll_page_is_valid_html(checked_pages, spec):
    assert_valid(checked_pages[spec.name], spec)
