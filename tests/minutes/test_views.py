"""Minutes pages: recording, editing with history, deleting, publishing to audiences."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from coordination.models import AuditEvent, MinuteEntry, MinuteKind, MinuteRevision
from coordination.service import CHANGED_MEANWHILE


def url(world, suffix: str = "") -> str:
    return f"/convenings/{world.convening.id}/minutes{suffix}"


def record(client, world, body: str, item_key: str | None = None, kind: str = "note"):
    item = world.items[item_key].id if item_key else ""
    return client.post(
        url(world, "/new"), data={"kind": kind, "agenda_item_id": str(item), "body": body}
    )


def entries(db) -> list[MinuteEntry]:
    db.expire_all()
    return list(db.scalars(select(MinuteEntry).order_by(MinuteEntry.id)))


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def section(page: str, heading: str) -> str:
    """The part of the page under a section heading, up to the next section."""
    match = re.search(rf"<h2[^>]*>\s*{re.escape(heading)}\s*</h2>(.*?)(?=<section|$)", page, re.S)
    assert match, f"no section {heading}"
    return match.group(1)


def switch(auth, user) -> None:
    auth.sign_out()
    assert auth.sign_in(user).status_code == 302


@pytest.fixture
def team(auth, world):
    auth.sign_in(world.coordinator)
    return world.coordinator


def test_record_against_an_item_shows_it_under_that_item(client, db, world, team):
    response = record(client, world, "Platforms agreed to **faster takedowns**.", "opening")

    [entry] = entries(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(world) + f"#entry-{entry.id}")
    page = text_of(client.get(url(world)))
    assert "<strong>faster takedowns</strong>" in section(page, "Opening remarks")
    assert "faster takedowns" not in section(page, "General notes")
    assert db.scalar(select(AuditEvent.action)) == "minute.created"


def test_sections_follow_agenda_order_then_general_notes(client, world, team):
    record(client, world, "General point")
    record(client, world, "Workshop point", "second_day")
    record(client, world, "Opening point", "opening")

    page = text_of(client.get(url(world)))

    order = [page.index(text) for text in ("Opening point", "Workshop point", "General point")]
    assert order == sorted(order)


def test_markdown_is_sanitised(client, world, team):
    record(client, world, "<script>alert(1)</script> [x](javascript:alert(1)) ok")

    page = client.get(url(world)).get_data(as_text=True)

    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page


@pytest.mark.parametrize(
    ("body", "item", "field"),
    [
        ("", "", "body"),
        ("   ", "", "body"),
        ("Fine", "999999", "agenda_item_id"),
        ("Fine", "not-a-number", "agenda_item_id"),
    ],
)
def test_bad_input_is_refused_with_400_and_nothing_written(
    client, db, world, team, body, item, field
):
    events = db.scalar(select(func.count(AuditEvent.id)))

    response = client.post(
        url(world, "/new"), data={"kind": "note", "agenda_item_id": item, "body": body}
    )

    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert entries(db) == []
    assert db.scalar(select(func.count(AuditEvent.id))) == events


def test_unknown_kind_is_refused(client, db, world, team):
    response = client.post(url(world, "/new"), data={"kind": "gossip", "body": "Hm"})

    assert response.status_code == 400
    assert entries(db) == []


def test_item_of_another_convening_is_refused(client, db, make, world, team):
    from .world import add_item

    foreign = add_item(db, make.convening(organisers=(world.coordinator,)), "Elsewhere", position=0)

    response = client.post(
        url(world, "/new"), data={"kind": "note", "agenda_item_id": str(foreign.id), "body": "x"}
    )

    assert response.status_code == 400
    assert "Choose an item from this convening's agenda." in text_of(response)
    assert entries(db) == []


def test_edit_keeps_history_with_who_and_when(client, db, auth, world, team):
    record(client, world, "First wording", "opening")
    [entry] = entries(db)
    switch(auth, world.organiser)

    response = client.post(
        url(world, f"/{entry.id}/edit"),
        data={
            "kind": "decision",
            "agenda_item_id": str(world.items["opening"].id),
            "body": "Second wording",
            "version": str(entry.version),
        },
    )

    assert response.status_code == 302
    [entry] = entries(db)
    assert (entry.body, entry.kind) == ("Second wording", MinuteKind.DECISION)
    [revision] = db.scalars(select(MinuteRevision)).all()
    assert (revision.body, revision.edited_by_id) == ("First wording", world.organiser.id)
    history = text_of(client.get(url(world, f"/{entry.id}/history")))
    assert history.index("Second wording") < history.index("First wording")
    assert "Changed by Olive Organiser" in history
    assert "Written by Colin Coordinator" in history
    assert "edited 1 time" in text_of(client.get(url(world)))


def test_edit_with_a_stale_version_is_refused_and_changes_nothing(client, db, world, team):
    record(client, world, "Original")
    [entry] = entries(db)
    stale = entry.version
    client.post(
        url(world, f"/{entry.id}/edit"),
        data={"kind": "note", "agenda_item_id": "", "body": "Theirs", "version": str(stale)},
    )

    response = client.post(
        url(world, f"/{entry.id}/edit"),
        data={"kind": "note", "agenda_item_id": "", "body": "Mine", "version": str(stale)},
    )

    assert response.status_code == 400
    assert CHANGED_MEANWHILE in text_of(response)
    [entry] = entries(db)
    assert entry.body == "Theirs"
    assert [r.body for r in db.scalars(select(MinuteRevision))] == ["Original"]


def test_edit_with_an_empty_body_is_refused(client, db, world, team):
    record(client, world, "Original")
    [entry] = entries(db)

    response = client.post(
        url(world, f"/{entry.id}/edit"),
        data={"kind": "note", "agenda_item_id": "", "body": " ", "version": str(entry.version)},
    )

    assert response.status_code == 400
    assert entries(db)[0].body == "Original"


def test_delete_hides_the_entry_but_keeps_it_for_audit(client, db, world, team):
    record(client, world, "Regrettable remark")
    [entry] = entries(db)

    response = client.post(url(world, f"/{entry.id}/delete"), data={"version": entry.version})

    assert response.status_code == 302
    [entry] = entries(db)
    assert entry.deleted is True
    page = text_of(client.get(url(world)))
    assert "Regrettable remark" not in page
    assert "Deleted entries" in page
    assert "Regrettable remark" in text_of(client.get(url(world, f"/{entry.id}/history")))
    assert client.get(url(world, f"/{entry.id}/edit")).status_code == 404


def test_delete_with_a_stale_version_changes_nothing(client, db, world, team):
    record(client, world, "Keep me")
    [entry] = entries(db)

    client.post(url(world, f"/{entry.id}/delete"), data={"version": entry.version + 1})

    assert entries(db)[0].deleted is False


def test_entry_of_another_convening_is_not_found(client, db, make, world, team):
    other = make.convening(coordinators=(world.coordinator,))
    record(client, world, "Here")
    [entry] = entries(db)

    response = client.get(f"/convenings/{other.id}/minutes/{entry.id}/edit")

    assert response.status_code == 404


def test_participant_sees_nothing_until_published(client, auth, world, team):
    record(client, world, "Secret until shared")
    switch(auth, world.company_user)

    response = client.get(url(world))

    assert response.status_code == 200
    assert "have not been published yet" in text_of(response)
    assert "Secret until shared" not in text_of(response)


@pytest.fixture
def published_minutes(client, auth, world, team):
    record(client, world, "General note for all")
    record(client, world, "Opening note for all", "opening")
    record(client, world, "Government-only note", "government")
    record(client, world, "Team-only note", "team")
    switch(auth, world.organiser)
    assert client.post(url(world, "/publish")).status_code == 302
    return world


def test_company_sees_general_and_its_items_only(client, auth, published_minutes):
    world = published_minutes
    switch(auth, world.company_user)

    page = text_of(client.get(url(world)))

    assert "General note for all" in page
    assert "Opening note for all" in page
    assert "Government-only note" not in page
    assert "Classified threat briefing" not in page
    assert "Team-only note" not in page
    assert "Team debrief" not in page


def test_agency_sees_the_government_item(client, auth, published_minutes):
    world = published_minutes
    switch(auth, world.agency_user)

    page = text_of(client.get(url(world)))

    assert "Government-only note" in page
    assert "Classified threat briefing" in page
    assert "Team-only note" not in page


def test_unpublish_hides_the_minutes_again(client, db, auth, published_minutes):
    world = published_minutes
    client.post(url(world, "/unpublish"))
    switch(auth, world.company_user)

    page = text_of(client.get(url(world)))

    assert "General note for all" not in page
    assert "have not been published yet" in page
    db.expire_all()
    actions = list(db.scalars(select(AuditEvent.action).where(AuditEvent.action.like("minutes.%"))))
    assert actions == ["minutes.published", "minutes.unpublished"]


def test_coordinator_may_not_publish(client, db, world, team):
    response = client.post(url(world, "/publish"))

    assert response.status_code == 403
    db.expire_all()
    assert db.get(type(world.convening), world.convening.id).minutes_published_at is None


def test_participant_may_not_write(client, auth, db, world):
    auth.sign_in(world.company_user)

    response = record(client, world, "Sneaky")

    assert response.status_code == 403
    assert entries(db) == []


def _add_entries(db, world, count: int) -> None:
    keys = list(world.items)
    for number in range(count):
        item = world.items[keys[number % len(keys)]] if number % 5 else None
        db.add(
            MinuteEntry(
                convening_id=world.convening.id,
                agenda_item_id=item.id if item else None,
                body=f"Entry {number}",
                created_by_id=world.coordinator.id,
            )
        )
    db.commit()


@pytest.mark.parametrize("viewer", ["coordinator", "company_user"])
def test_minutes_page_queries_do_not_grow_with_entries(
    client, auth, db, world, count_queries, viewer
):
    world.convening.minutes_published_at = world.convening.starts_at
    db.commit()
    auth.sign_in(getattr(world, viewer))
    counts = []
    for total in (5, 45):
        _add_entries(db, world, total)
        with count_queries() as queries:
            response = client.get(url(world))
        assert response.status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
