"""axe-core and the Nu Html Checker over the follow-up report, series dashboard and
stakeholder history, as each member of the team who sees them (see briefing_action_world)."""

from __future__ import annotations

import pytest

from .briefing_action_world import (
    EMBASSY_ACTION,
    BriefingActionWorld,
    Spec,
    arranged,
    assert_valid,
    check_accessible,
    check_markup,
    params,
)

pytestmark = pytest.mark.shared_world


def _report(w: BriefingActionWorld) -> str:
    return f"/convenings/{w.world.convening.id}/follow-up"


def _dashboard(w: BriefingActionWorld) -> str:
    return f"/series/{w.world.series.id}/dashboard"


def _history(w: BriefingActionWorld) -> str:
    return f"/organisations/{w.world.invited.id}/history"


PAGES = [
    Spec("follow-up-report-organiser", "organiser", _report, shows=EMBASSY_ACTION),
    Spec(
        "follow-up-report-coordinator", "coordinator", _report, shows="Attendance by organisation"
    ),
    Spec("series-dashboard-organiser", "organiser", _dashboard, shows="Convenings in order"),
    Spec("series-dashboard-coordinator", "coordinator", _dashboard, shows="Participation"),
    Spec("stakeholder-history-admin", "admin", _history, shows="Apple: history"),
    Spec("stakeholder-history-coordinator", "coordinator", _history, shows="Timeline"),
    Spec(
        "stakeholder-history-embassy",
        "organiser",
        lambda w: f"/organisations/{w.embassy.id}/history",
        shows="British Embassy: history",
    ),
]


@pytest.fixture(scope="module")
def world(shared_world, local_app, inspection_engine) -> BriefingActionWorld:
    return arranged(shared_world, local_app, inspection_engine)


@pytest.mark.parametrize("spec", params(PAGES))
def test_followup_page_has_no_accessibility_violations(page_as, world, spec):
    check_accessible(page_as(spec.role), spec, world)


@pytest.fixture(scope="module")
def checked_pages(role_pages, world, tmp_path_factory):
    return check_markup(role_pages, PAGES, world, tmp_path_factory.mktemp("followup-html"))


@pytest.mark.parametrize("spec", params(PAGES))
def test_followup_page_is_valid_html(checked_pages, spec):
    assert_valid(checked_pages[spec.name], spec)
