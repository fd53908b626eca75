"""The builder: the running clock and warnings, moving, reordering, deleting, publishing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from coordination.models import AgendaItem, AgendaVersion, OutboxMessage
from coordination.service import CHANGED_MEANWHILE

from .helpers import (
    add_item,
    audit_actions,
    text_of,
    titles,
    utc,
    versions,
)


@pytest.fixture
def organiser(setting, auth):
    auth.sign_in(setting.organiser)
    return setting.organiser


def test_builder_shows_the_running_clock_with_gaps_days_and_warnings(
    client, db, setting, organiser
):
    convening = setting.convening
    add_item(db, convening, "Welcome", 30)
    add_item(db, convening, "Keynote", 60, fixed_start=utc(2030, 1, 15, 15, 0))
    add_item(db, convening, "Panel", 300)
    add_item(db, convening, "Dinner", 240, kind="meal")

    page = text_of(client.get(f"/convenings/{convening.id}/agenda/builder").get_data(as_text=True))

    assert "Tuesday 15 January 2030" in page
    assert "09:00\N{EN DASH}09:30 EST Welcome" not in page  # duration and badges sit between
    assert "09:00\N{EN DASH}09:30 EST 30 min" in page
    assert "10:00\N{EN DASH}11:00 EST 60 min Fixed start" in page
    assert "Free time before this item: 30 minutes" in page
    assert "11:00\N{EN DASH}16:00 EST" in page
    assert "16:00\N{EN DASH}20:00 EST" in page
    assert "The agenda runs until Tue 15 Jan, 20:00 EST, 3 hours past the convening's end" in page
    assert "Nothing is published yet" in page


def test_builder_warns_of_unmeetable_fixed_starts_and_overlaps(client, db, setting, organiser):
    convening = setting.convening
    add_item(db, convening, "Long session", 120)
    add_item(db, convening, "Fixed call", 30, fixed_start=utc(2030, 1, 15, 15, 0))

    page = text_of(client.get(f"/convenings/{convening.id}/agenda/builder").get_data(as_text=True))

    assert "“Fixed call” cannot start at its fixed time, Tue 15 Jan, 10:00 EST" in page
    assert "“Long session” before it ends at Tue 15 Jan, 11:00 EST" in page


def test_move_buttons_reorder_without_javascript(client, db, setting, organiser):
    add_item(db, setting.convening, "One")
    two = add_item(db, setting.convening, "Two")
    add_item(db, setting.convening, "Three")
    builder = client.get(f"/convenings/{setting.convening.id}/agenda/builder")
    assert f'action="/agenda/items/{two.id}/move"' in builder.get_data(as_text=True)

    response = client.post(f"/agenda/items/{two.id}/move", data={"direction": "up"})
    client.post(f"/agenda/items/{two.id}/move", data={"direction": "up"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agenda/builder#item-{two.id}")
    assert titles(db, setting.convening) == ["Two", "One", "Three"]
    client.post(f"/agenda/items/{two.id}/move", data={"direction": "down"})
    assert titles(db, setting.convening) == ["One", "Two", "Three"]


def test_move_without_a_direction_is_refused(client, db, setting, organiser):
    item = add_item(db, setting.convening, "One")

    assert (
        client.post(f"/agenda/items/{item.id}/move", data={"direction": "sideways"}).status_code
        == 400
    )


def test_order_endpoint_saves_the_dragged_order(client, db, setting, organiser):
    one, two, three = (add_item(db, setting.convening, t) for t in ("One", "Two", "Three"))

    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/order",
        data={"order": f"{three.id},{one.id},{two.id}"},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.get_json() == {"saved": True, "order": [three.id, one.id, two.id]}
    assert titles(db, setting.convening) == ["Three", "One", "Two"]
    assert audit_actions(db, setting.convening) == ["agenda.reordered"]


def test_order_endpoint_refuses_an_order_that_misses_items(client, db, setting, organiser):
    add_item(db, setting.convening, "One")
    two = add_item(db, setting.convening, "Two")

    answer = client.post(
        f"/convenings/{setting.convening.id}/agenda/order",
        data={"order": str(two.id)},
        headers={"Accept": "application/json"},
    )
    garbage = client.post(
        f"/convenings/{setting.convening.id}/agenda/order",
        data={"order": "two,one"},
        headers={"Accept": "application/json"},
    )

    assert answer.status_code == 409
    assert "reload it" in answer.get_json()["error"]
    assert garbage.status_code == 400
    assert titles(db, setting.convening) == ["One", "Two"]
    assert audit_actions(db, setting.convening) == []


def test_order_endpoint_works_with_the_csrf_token_of_the_page(make_app, make, db, setting):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    one, two = add_item(db, setting.convening, "One"), add_item(db, setting.convening, "Two")
    sign_in = client.get("/account/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sign_in).group(1)
    client.post(
        "/account/sign-in",
        data={
            "email": setting.organiser.email,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    builder = client.get(f"/convenings/{setting.convening.id}/agenda/builder").get_data(
        as_text=True
    )
    order_form = re.search(r'<form[^>]*id="agenda-order-form".*?</form>', builder, re.S).group(0)
    page_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', order_form).group(1)

    refused = client.post(
        f"/convenings/{setting.convening.id}/agenda/order", data={"order": f"{two.id},{one.id}"}
    )
    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/order",
        data={"order": f"{two.id},{one.id}", "csrf_token": page_token},
        headers={"Accept": "application/json"},
    )

    assert refused.status_code == 400
    assert response.status_code == 200
    assert titles(db, setting.convening) == ["Two", "One"]


def test_duplicate_and_delete_buttons(client, db, setting, organiser):
    item = add_item(db, setting.convening, "Breakout", 40)
    item_id, version = item.id, item.version

    client.post(f"/agenda/items/{item_id}/duplicate")
    assert titles(db, setting.convening) == ["Breakout", "Breakout"]
    stale = client.post(f"/agenda/items/{item_id}/delete", data={"version": str(version + 5)})
    assert titles(db, setting.convening) == ["Breakout", "Breakout"]
    assert CHANGED_MEANWHILE in client.get(stale.headers["Location"]).get_data(as_text=True)
    client.post(f"/agenda/items/{item_id}/delete", data={"version": str(version)})

    assert titles(db, setting.convening) == ["Breakout"]
    assert db.get(AgendaItem, item_id) is None
    assert audit_actions(db, setting.convening) == ["agenda_item.duplicated", "agenda_item.deleted"]


def test_delete_without_the_version_is_refused(client, db, setting, organiser):
    item = add_item(db, setting.convening, "Breakout", 40)

    assert client.post(f"/agenda/items/{item.id}/delete", data={}).status_code == 400
    assert titles(db, setting.convening) == ["Breakout"]


def test_publish_with_notification_then_history_lists_the_changes(client, db, setting, organiser):
    add_item(db, setting.convening, "Welcome", 30)
    client.post(f"/convenings/{setting.convening.id}/agenda/publish", data={})
    retitled = add_item(db, setting.convening, "Panel", 45)
    client.post(f"/convenings/{setting.convening.id}/agenda/publish", data={})
    retitled.title = "Panel on takedowns"
    db.commit()

    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/publish", data={"notify": "y"}
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/convenings/{setting.convening.id}/agenda/history"
    )
    published = versions(db, setting.convening)
    assert [v.number for v in published] == [1, 2, 3]
    assert published[2].notified_at is not None and published[1].notified_at is None
    assert db.scalar(select(func.count(OutboxMessage.id))) == 2
    page = text_of(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Version 3" in page and "Renamed Panel → Panel on takedowns" in page
    assert "Added Panel · Tue 15 Jan, 09:30\N{EN DASH}10:15 EST (Everyone invited)" in page
    assert "everyone invited was told" in page


def test_publish_with_nothing_new_is_refused_with_a_message(client, db, setting, organiser):
    add_item(db, setting.convening, "Welcome", 30)
    client.post(f"/convenings/{setting.convening.id}/agenda/publish", data={})

    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/publish", data={}, follow_redirects=True
    )

    assert "Nothing has changed since version 1" in response.get_data(as_text=True)
    assert db.scalar(select(func.count(AgendaVersion.id))) == 1


@pytest.mark.parametrize("path", ["agenda/builder", "agenda/history"])
def test_team_pages_queries_do_not_grow_with_items(
    client, db, make, setting, organiser, count_queries, path
):
    large = make.convening(
        "Large", starts_at=utc(2030, 1, 15, 14, 0), hours=12, organisers=(setting.organiser,)
    )
    for convening, count in ((setting.convening, 5), (large, 100)):
        for number in range(count):
            add_item(db, convening, f"Item {number}", 5, organisations=(setting.company,))
        client.post(f"/convenings/{convening.id}/agenda/publish", data={})

    counts = []
    for convening in (setting.convening, large):
        with count_queries() as queries:
            assert client.get(f"/convenings/{convening.id}/{path}").status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
