from datetime import time

from sqlalchemy import select

from coordination.agenda.timing import compute
from coordination.models import (
    AgendaItem,
    AgendaVersion,
    AudienceKind,
    Convening,
    MinuteEntry,
    MinuteKind,
)
from coordination.timezones import utc_to_local

PASSWORD = "valleywood-test"


def _convening(db, codename: str) -> Convening:
    return db.scalar(select(Convening).where(Convening.codename == codename))


def _items(db, convening: Convening) -> list[AgendaItem]:
    return list(
        db.scalars(
            select(AgendaItem)
            .where(AgendaItem.convening_id == convening.id)
            .order_by(AgendaItem.position)
        )
    )


def _versions(db, convening: Convening) -> list[AgendaVersion]:
    return list(
        db.scalars(
            select(AgendaVersion)
            .where(AgendaVersion.convening_id == convening.id)
            .order_by(AgendaVersion.number)
        )
    )


def test_seed_demo_times_the_washington_agenda_to_fill_the_day(runner, db):
    runner.invoke(args=["seed-demo"])
    washington = _convening(db, "Madison Valleywood")

    items = _items(db, washington)

    assert 10 <= len(items) <= 12
    schedule = compute(items, washington.starts_at, washington.ends_at, washington.timezone)
    assert schedule.warnings == []
    assert schedule.ends_at == washington.ends_at
    lunch = next(item for item in items if item.title == "Lunch")
    assert utc_to_local(lunch.fixed_start, "America/New_York").time() == time(12, 30)
    assert [i.title for i in items if i.fixed_start] == ["Lunch"]
    assert any(item.presenters and item.presenters_text for item in items)


def test_seed_demo_restricts_some_washington_items(runner, db):
    runner.invoke(args=["seed-demo"])

    by_title = {item.title: item for item in _items(db, _convening(db, "Madison Valleywood"))}

    government = by_title["Interagency coordination (government only)"]
    assert government.audience.kind is AudienceKind.KINDS
    assert government.audience.organisation_kinds == ["government_agency"]
    partners = next(item for title, item in by_title.items() if title.startswith("Working with"))
    assert partners.audience.kind is AudienceKind.ORGANISATIONS
    names = {link.organisation.name for link in partners.audience.organisation_links}
    assert {"British Embassy Washington", "State Department"} <= names
    assert by_title["Team debrief"].audience.kind is AudienceKind.TEAM


def test_seed_demo_publishes_two_washington_versions_with_a_change(runner, db):
    runner.invoke(args=["seed-demo"])

    first, second = _versions(db, _convening(db, "Madison Valleywood"))

    assert (first.number, second.number) == (1, 2)
    assert first.published_at < second.published_at
    assert len(first.changes["added"]) == len(first.items)
    assert second.changes["added"] == second.changes["removed"] == []
    assert {entry["title"] for entry in second.changes["retimed"]} == {
        "Faster takedowns of propaganda accounts on social platforms",
        "Counter-narratives and optimistic messaging",
    }
    assert [entry["before"] for entry in second.changes["retitled"]] == [
        "Community groups' perspectives"
    ]


def test_seed_demo_hides_restricted_items_from_a_company(runner, auth, client, db):
    runner.invoke(args=["seed-demo", "--password", PASSWORD])
    washington = _convening(db, "Madison Valleywood")

    auth.sign_in("focal.apple@example.org", PASSWORD)
    apple = client.get(f"/convenings/{washington.id}/agenda").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("focal.embassy@example.org", PASSWORD)
    embassy = client.get(f"/convenings/{washington.id}/agenda").get_data(as_text=True)

    assert "Faster takedowns of propaganda accounts" in apple
    for hidden in ("Interagency coordination", "Working with international partners", "debrief"):
        assert hidden not in apple
    assert "Working with international partners" in embassy
    assert "Interagency coordination" not in embassy


def test_seed_demo_records_and_shares_minutes_of_the_valley_meeting(runner, db):
    runner.invoke(args=["seed-demo"])
    valley = _convening(db, "Madison Valleywood: Valley")

    entries = list(db.scalars(select(MinuteEntry).where(MinuteEntry.convening_id == valley.id)))

    assert 4 <= len(_items(db, valley)) <= 5
    assert len(_versions(db, valley)) == 1
    assert valley.minutes_published_at is not None
    decisions = [entry.body for entry in entries if entry.kind is MinuteKind.DECISION]
    assert len(decisions) >= 3
    assert "Platforms will share quarterly figures on propaganda account takedowns." in decisions
    assert any(entry.kind is MinuteKind.NOTE and entry.agenda_item is None for entry in entries)
    team_notes = [
        entry
        for entry in entries
        if entry.agenda_item and entry.agenda_item.audience.kind is AudienceKind.TEAM
    ]
    assert [entry.kind for entry in team_notes] == [MinuteKind.NOTE]
    assert all(valley.starts_at <= entry.created_at <= valley.ends_at for entry in entries)


def test_seed_demo_keeps_team_notes_from_participants(runner, auth, client, db):
    runner.invoke(args=["seed-demo", "--password", PASSWORD])
    valley = _convening(db, "Madison Valleywood: Valley")
    auth.sign_in("focal.apple@example.org", PASSWORD)

    page = client.get(f"/convenings/{valley.id}/minutes").get_data(as_text=True)

    assert "quarterly figures on propaganda account takedowns" in page
    assert "Not for participants" not in page


def test_seed_demo_leaves_the_studio_agenda_as_an_unpublished_draft(runner, db):
    runner.invoke(args=["seed-demo"])
    studios = _convening(db, "Madison Valleywood: Hollywood")

    assert len(_items(db, studios)) == 4
    assert _versions(db, studios) == []


def test_seed_demo_leaves_an_edited_agenda_alone(runner, db):
    runner.invoke(args=["seed-demo"])
    studios = _convening(db, "Madison Valleywood: Hollywood")
    for item in _items(db, studios)[1:]:
        db.delete(item)
    db.commit()

    runner.invoke(args=["seed-demo"])

    db.expire_all()
    assert [item.title for item in _items(db, studios)] == ["Welcome and introductions"]
