"""The item form: adding, inserting and editing items; bad input refused with nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coordination.models import AgendaItem, AuditEvent
from coordination.service import CHANGED_MEANWHILE

from .helpers import (
    add_item,
    audit_actions,
    error_beside,
    titles,
    utc,
)


@pytest.fixture
def organiser(setting, auth):
    auth.sign_in(setting.organiser)
    return setting.organiser


def form(**overrides) -> dict:
    data = {
        "kind": "session",
        "title": "Opening remarks",
        "description": "",
        "duration_minutes": "30",
        "fixed_start": "",
        "presenters_text": "",
        "audience_kind": "everyone",
        "version": "",
    }
    data.update(overrides)
    return data


def row_counts(db) -> tuple[int, int]:
    db.expire_all()
    return (
        db.scalar(select(func.count(AgendaItem.id))),
        db.scalar(select(func.count(AuditEvent.id))),
    )


def test_create_item_from_the_form_is_stored_and_audited(client, db, setting, organiser):
    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/items/new",
        data=form(
            title="Threat briefing",
            duration_minutes="45",
            fixed_start="2030-01-15T10:30",
            audience_kind="kinds",
            audience_kinds=["government_agency", "embassy"],
            presenter_organisations=[str(setting.agency.id)],
        ),
    )

    assert response.status_code == 302
    db.expire_all()
    item = db.scalar(select(AgendaItem))
    assert response.headers["Location"].endswith(f"/agenda/builder#item-{item.id}")
    assert item.fixed_start == utc(2030, 1, 15, 15, 30)
    assert sorted(item.audience.organisation_kinds) == ["embassy", "government_agency"]
    assert audit_actions(db, setting.convening) == ["agenda_item.created"]


def test_insert_after_an_item_through_the_form(client, db, setting, organiser):
    first = add_item(db, setting.convening, "First")
    add_item(db, setting.convening, "Last")

    page = client.get(f"/convenings/{setting.convening.id}/agenda/items/new?after={first.id}")
    assert f'name="after" value="{first.id}"' in page.get_data(as_text=True)
    client.post(
        f"/convenings/{setting.convening.id}/agenda/items/new",
        data=form(title="Middle", after=str(first.id)),
    )

    assert titles(db, setting.convening) == ["First", "Middle", "Last"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"duration_minutes": "0"}, "duration_minutes", "The duration must be at least 1 minute."),
        (
            {"duration_minutes": "-30"},
            "duration_minutes",
            "The duration must be at least 1 minute.",
        ),
        (
            {"duration_minutes": "half an hour"},
            "duration_minutes",
            "Enter the duration in whole minutes, such as 45.",
        ),
        (
            {"fixed_start": "2030-01-16T10:00"},
            "fixed_start",
            "A fixed start must lie within the convening, from Tue 15 Jan 2030, 09:00 EST to "
            "Tue 15 Jan 2030, 17:00 EST.",
        ),
        ({"fixed_start": "tomorrow"}, "fixed_start", "Enter a date and time"),
        (
            {"audience_kind": "companies_only"},
            "audience_kind",
            "Choose who the item is for from the list.",
        ),
        ({"title": ""}, "title", "Enter a title."),
        ({"title": "x" * 201}, "title", "200 characters"),
    ],
)
def test_create_item_with_bad_input_is_refused_and_writes_nothing(
    client, db, setting, organiser, overrides, field, message
):
    before = row_counts(db)

    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/items/new", data=form(**overrides)
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in error_beside(page, field)
    assert "There is a problem" in page
    assert row_counts(db) == before


def test_create_item_for_an_organisation_not_invited_is_refused(
    client, db, make, setting, organiser
):
    stranger = make.organisation("Not Invited")
    before = row_counts(db)

    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/items/new",
        data=form(audience_kind="organisations", audience_organisations=[str(stranger.id)]),
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert error_beside(page, "audience_organisations") == (
        "Choose organisations among those invited."
    )
    assert "Not Invited" not in page
    assert row_counts(db) == before


def test_create_item_reports_every_problem_at_once(client, db, setting, organiser):
    response = client.post(
        f"/convenings/{setting.convening.id}/agenda/items/new",
        data=form(title="", duration_minutes="0", audience_kind="kinds"),
    )

    page = response.get_data(as_text=True)
    assert error_beside(page, "title") == "Enter a title."
    assert error_beside(page, "duration_minutes") == "The duration must be at least 1 minute."
    assert error_beside(page, "audience_kinds") == "Choose at least one kind of organisation."


def test_edit_item_shows_the_fixed_start_in_the_convening_zone(client, db, setting, organiser):
    item = add_item(db, setting.convening, "Keynote", 45, fixed_start=utc(2030, 1, 15, 16, 0))

    page = client.get(f"/agenda/items/{item.id}/edit").get_data(as_text=True)

    assert 'value="2030-01-15T11:00"' in page
    assert 'value="Keynote"' in page


def test_edit_item_saves_changes(client, db, setting, organiser):
    item = add_item(db, setting.convening, "Keynote", 45)

    response = client.post(
        f"/agenda/items/{item.id}/edit",
        data=form(title="Keynote address", duration_minutes="50", version=str(item.version)),
    )

    assert response.status_code == 302
    db.expire_all()
    stored = db.get(AgendaItem, item.id)
    assert (stored.title, stored.duration_minutes) == ("Keynote address", 50)
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda_item.updated"))
    assert event.changes == {"title": ["Keynote", "Keynote address"], "duration_minutes": [45, 50]}


def test_edit_item_changed_meanwhile_is_refused(client, db, setting, organiser):
    item = add_item(db, setting.convening, "Keynote", 45)
    seen = item.version
    item.title = "Renamed by a colleague"
    db.commit()

    response = client.post(
        f"/agenda/items/{item.id}/edit", data=form(title="Mine", version=str(seen))
    )

    assert response.status_code == 400
    assert CHANGED_MEANWHILE in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(AgendaItem, item.id).title == "Renamed by a colleague"
