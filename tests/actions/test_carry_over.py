"""Carrying an action over to the series' next convening: the chain, its history, refusals."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.actions import services
from coordination.actions.carrying import carry_over
from coordination.actions.queries import details
from coordination.actions.status import update_status
from coordination.models import (
    ActionItem,
    ActionStatus,
    ActionUpdateKind,
    AuditEvent,
    ConveningStatus,
)
from coordination.service import InputError
from tests.factories import principal

from .test_services import World, build, pilot


def plain(response) -> str:
    """The page's text without tags, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(text).split()).replace(" :", ":").replace(" ;", ";")


@pytest.fixture
def world(make, db) -> World:
    return build(make, db)


def created(db, world: World) -> ActionItem:
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    update_status(
        db,
        principal(world.company_user),
        action,
        ActionStatus.IN_PROGRESS,
        "Drafting.",
        action.version,
    )
    db.commit()
    return action


def test_carry_over_continues_the_action_in_the_next_convening(app_context, db, world):
    action = created(db, world)

    successor = carry_over(db, principal(world.coordinator), action)
    db.commit()

    assert successor.convening_id == world.later.id
    assert successor.carried_from_id == action.id
    assert (successor.title, successor.owner_organisation_id, successor.due_on) == (
        action.title,
        action.owner_organisation_id,
        action.due_on,
    )
    assert successor.status == ActionStatus.IN_PROGRESS
    assert action.carried_over_at is not None
    assert not action.is_open and successor.is_open
    assert action.updates[-1].kind == ActionUpdateKind.CARRIED_OVER
    assert [u.kind for u in successor.updates] == [ActionUpdateKind.CARRIED_OVER]
    assert {e.action for e in db.scalars(select(AuditEvent))} >= {
        "action.carried_over",
        "action.carried_in",
    }


def test_carry_over_skips_cancelled_and_earlier_convenings(app_context, db, make, world):
    starts = world.convening.starts_at
    make.convening(
        "Cancelled in between",
        series=world.series,
        starts_at=starts + timedelta(days=5),
        status=ConveningStatus.CANCELLED,
    )
    make.convening("Earlier", series=world.series, starts_at=starts - timedelta(days=5))
    action = created(db, world)

    successor = carry_over(db, principal(world.coordinator), action)

    assert successor.convening_id == world.later.id


def test_history_of_the_successor_shows_the_whole_chain(app_context, db, make, world):
    third = make.convening(
        "Third meeting",
        series=world.series,
        starts_at=world.later.starts_at + timedelta(days=9),
        coordinators=(world.coordinator,),
    )
    action = created(db, world)
    second = carry_over(db, principal(world.coordinator), action)
    update_status(db, principal(world.coordinator), second, None, "Nearly there.", second.version)
    last = carry_over(db, principal(world.coordinator), second)
    db.commit()

    info = details(db, last)

    assert last.convening_id == third.id
    notes = [(entry.convening.title, entry.update.kind, entry.earlier) for entry in info.history]
    assert notes == [
        ("Valley meeting", ActionUpdateKind.CREATED, True),
        ("Valley meeting", ActionUpdateKind.STATUS, True),
        ("Valley meeting", ActionUpdateKind.CARRIED_OVER, True),
        ("Washington meeting", ActionUpdateKind.CARRIED_OVER, True),
        ("Washington meeting", ActionUpdateKind.NOTE, True),
        ("Washington meeting", ActionUpdateKind.CARRIED_OVER, True),
        ("Third meeting", ActionUpdateKind.CARRIED_OVER, False),
    ]


def test_carry_over_from_the_last_convening_is_refused(app_context, db, world):
    action = services.create_action(db, principal(world.coordinator), world.later, pilot(world))
    db.commit()

    with pytest.raises(InputError, match="no later convening"):
        carry_over(db, principal(world.coordinator), action)


def test_carry_over_outside_a_series_is_refused(app_context, db, make, world):
    alone = make.convening(organisers=(world.organiser,))
    make.invitation(alone, world.company)
    action = services.create_action(db, principal(world.coordinator), alone, pilot(world))

    with pytest.raises(InputError, match="not part of a series"):
        carry_over(db, principal(world.coordinator), action)


@pytest.mark.parametrize("status", [ActionStatus.DONE, ActionStatus.CANCELLED])
def test_carry_over_of_a_closed_action_is_refused(app_context, db, world, status):
    action = services.create_action(db, principal(world.coordinator), world.convening, pilot(world))
    update_status(db, principal(world.coordinator), action, status, "", action.version)

    with pytest.raises(InputError, match="only open actions"):
        carry_over(db, principal(world.coordinator), action)


def test_carry_over_twice_is_refused_and_the_old_one_is_frozen(app_context, db, world):
    action = created(db, world)
    carry_over(db, principal(world.coordinator), action)
    db.commit()

    with pytest.raises(InputError, match="carried over to Washington meeting"):
        carry_over(db, principal(world.coordinator), action)
    with pytest.raises(InputError, match="change it there"):
        update_status(
            db, principal(world.company_user), action, ActionStatus.DONE, "", action.version
        )


def test_carry_over_page_flow(client, auth, db, world, app):
    with app.app_context():
        action = created(db, world)
    auth.sign_in(world.coordinator)

    page = plain(client.get(f"/actions/{action.id}"))
    assert "Carry over to Washington meeting" in page
    response = client.post(f"/actions/{action.id}/carry-over", data={"version": action.version})

    successor = db.scalar(select(ActionItem).where(ActionItem.carried_from_id == action.id))
    assert response.headers["Location"].endswith(f"/actions/{successor.id}")
    page = plain(client.get(f"/actions/{successor.id}"))
    assert "Drafting." in page and "at Valley meeting" in page
    old = plain(client.get(f"/actions/{action.id}"))
    assert "Carried over to Washington meeting: it continues there" in old
    refused = client.post(f"/actions/{action.id}/carry-over", data={})
    assert refused.status_code == 302
    follow = plain(client.get(f"/actions/{action.id}"))
    assert "carried over to Washington meeting; change it there" in follow
    assert (
        db.scalar(select(ActionItem.id).where(ActionItem.carried_from_id == successor.id)) is None
    )


def test_participant_cannot_carry_over(client, auth, db, world, app):
    with app.app_context():
        action = created(db, world)
    auth.sign_in(world.company_user)

    response = client.post(f"/actions/{action.id}/carry-over", data={})

    assert response.status_code == 403
    db.expire_all()
    assert db.get(ActionItem, action.id).carried_over_at is None


def test_demo_has_actions_in_every_state_and_a_carried_chain(runner, db, client):
    assert runner.invoke(args=["seed-demo", "--password", "demo password 1"]).exit_code == 0
    again = runner.invoke(args=["seed-demo", "--password", "demo password 1"])
    assert again.exit_code == 0

    actions = db.scalars(select(ActionItem)).all()
    assert 18 <= len(actions) <= 25
    assert {action.status for action in actions} == set(ActionStatus)
    last = next(a for a in actions if a.carried_from and a.carried_from.carried_from)
    assert [
        last.carried_from.carried_from.convening.codename,
        last.carried_from.convening.codename,
        last.convening.codename,
    ] == ["Madison Valleywood: Valley", "Madison Valleywood: Hollywood", "Madison Valleywood"]
    client.post(
        "/account/sign-in",
        data={"email": "focal.apple@example.org", "password": "demo password 1"},
    )
    mine = plain(client.get("/my/actions"))
    assert "Describe the reporting channel" in mine and "Overdue" in mine
    assert "Report takedown figures" not in mine
