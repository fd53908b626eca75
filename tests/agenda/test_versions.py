"""Publishing versions: snapshots, diffs, calendar sequences and per-audience notifications."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from coordination.agenda import versions
from coordination.agenda.diffs import diff, diff_for, visible
from coordination.audiences import Viewer
from coordination.models import (
    AgendaItem,
    AudienceKind,
    AuditEvent,
    DelegateStatus,
    InvitationStatus,
    OrganisationKind,
    OutboxMessage,
)
from coordination.service import InputError
from tests.factories import principal

from .helpers import add_delegate, add_item

GOVERNMENT_ONLY = {"audience": AudienceKind.KINDS, "organisation_kinds": ("government_agency",)}


def outbox(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def by_recipient(messages) -> dict[str, OutboxMessage]:
    return {message.recipients[0]: message for message in messages}


def test_publish_first_version_freezes_times_and_audiences(app_context, db, setting):
    add_item(db, setting.convening, "Welcome", 30)
    secret = add_item(db, setting.convening, "Threat briefing", 60, **GOVERNMENT_ONLY)

    version = versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()

    assert version.number == 1
    assert version.published_by_id == setting.organiser.id
    assert [item["title"] for item in version.items] == ["Welcome", "Threat briefing"]
    frozen = dict(version.items[1])
    assert frozen.pop("created_at") == secret.created_at.isoformat()
    assert frozen == {
        "item_id": secret.id,
        "kind": "session",
        "title": "Threat briefing",
        "description": "",
        "starts_at": "2030-01-15T14:30:00+00:00",
        "ends_at": "2030-01-15T15:30:00+00:00",
        "presenters": "",
        "audience": {
            "kind": "kinds",
            "organisation_kinds": ["government_agency"],
            "organisation_ids": [],
        },
    }
    assert [entry["title"] for entry in version.changes["added"]] == ["Welcome", "Threat briefing"]
    assert version.changes["removed"] == version.changes["retimed"] == []
    assert version.notified_at is None
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "agenda.published"))
    assert event.changes["number"] == 1 and event.changes["added"] == 2


def test_publish_records_added_removed_retimed_and_retitled_items(app_context, db, setting):
    opening = add_item(db, setting.convening, "Opening", 30)
    panel = add_item(db, setting.convening, "Panel", 60)
    lunch = add_item(db, setting.convening, "Lunch", 60)
    versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()

    opening.duration_minutes = 45  # everything after it moves by 15 minutes
    panel.title = "Panel on takedowns"
    db.delete(lunch)
    db.commit()
    close = add_item(db, setting.convening, "Close", 15)
    db.expire_all()

    version = versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()

    changes = version.changes
    assert version.number == 2
    assert [e["item_id"] for e in changes["added"]] == [close.id]
    assert [e["title"] for e in changes["removed"]] == ["Lunch"]
    assert [(e["item_id"], e["before"], e["starts_at"]) for e in changes["retimed"]] == [
        (
            opening.id,
            {"starts_at": "2030-01-15T14:00:00+00:00", "ends_at": "2030-01-15T14:30:00+00:00"},
            "2030-01-15T14:00:00+00:00",
        ),
        (
            panel.id,
            {"starts_at": "2030-01-15T14:30:00+00:00", "ends_at": "2030-01-15T15:30:00+00:00"},
            "2030-01-15T14:45:00+00:00",
        ),
    ]
    assert [(e["item_id"], e["before"], e["title"]) for e in changes["retitled"]] == [
        (panel.id, "Panel", "Panel on takedowns")
    ]
    # Calendar files of moved items must replace the earlier copy.
    db.expire_all()
    assert db.get(AgendaItem, opening.id).calendar_sequence == 1
    assert db.get(AgendaItem, panel.id).calendar_sequence == 1
    assert db.get(AgendaItem, close.id).calendar_sequence == 0


def test_publish_with_nothing_changed_is_refused(app_context, db, setting):
    add_item(db, setting.convening, "Opening", 30)
    versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()

    with pytest.raises(InputError, match="Nothing has changed since version 1"):
        versions.publish(db, principal(setting.organiser), setting.convening)


def test_publish_an_empty_agenda_first_is_refused(app_context, db, setting):
    with pytest.raises(InputError, match="Add at least one item"):
        versions.publish(db, principal(setting.organiser), setting.convening)


def test_diff_as_one_viewer_never_mentions_items_meant_for_others():
    everyone = {"kind": "everyone", "organisation_kinds": [], "organisation_ids": []}
    government = {"kind": "kinds", "organisation_kinds": ["government_agency"]}

    def item(item_id, title, start, audience):
        return {
            "item_id": item_id,
            "title": title,
            "starts_at": start,
            "ends_at": start,
            "audience": audience,
        }

    before = [item(1, "Welcome", "a", everyone), item(2, "Secret", "b", government)]
    after = [item(1, "Welcome all", "a", everyone), item(3, "Secret two", "c", government)]
    company = Viewer(organisations=frozenset({(7, OrganisationKind.COMPANY.value)}))

    assert [e["title"] for e in visible(after, company)] == ["Welcome all"]
    everything = diff(before, after)
    assert [e["title"] for e in everything["added"]] == ["Secret two"]
    assert [e["title"] for e in everything["removed"]] == ["Secret"]

    class Version:
        items = after

    as_company = diff_for(Version, before, company)
    assert as_company == {
        "added": [],
        "removed": [],
        "retimed": [],
        "retitled": [
            {
                "item_id": 1,
                "title": "Welcome all",
                "starts_at": "a",
                "ends_at": "a",
                "audience": everyone,
                "before": "Welcome",
            }
        ],
    }


def test_notify_sends_each_recipient_only_what_their_audience_sees(app_context, db, setting):
    add_item(db, setting.convening, "Welcome", 30)
    add_item(db, setting.convening, "Threat briefing", 60, **GOVERNMENT_ONLY)
    delegate = add_delegate(db, setting.company_invitation, "Dana Delegate", "dana@apple.example")
    cancelled = add_delegate(db, setting.company_invitation, "Cy Cancelled", "cy@apple.example")
    cancelled.status = DelegateStatus.CANCELLED
    db.commit()

    version = versions.publish(db, principal(setting.organiser), setting.convening, notify=True)
    db.commit()

    messages = by_recipient(outbox(db))
    assert set(messages) == {"casey@apple.example", delegate.email, "avery@state.example"}
    company_mail = messages["casey@apple.example"].text_body
    agency_mail = messages["avery@state.example"].text_body
    assert "Welcome" in company_mail and "Threat briefing" not in company_mail
    assert "Welcome" in agency_mail and "Threat briefing" in agency_mail
    assert "Added: Threat briefing, Tue 15 Jan 09:30\N{EN DASH}10:30 EST" in agency_mail
    assert "https://coordination.example.org/convenings/" in agency_mail
    assert "Threat briefing" not in messages[delegate.email].text_body
    assert len({message.batch for message in messages.values()}) == 1
    assert {message.convening_id for message in messages.values()} == {setting.convening.id}
    assert version.notified_at is not None


def test_notify_skips_people_who_see_no_change(app_context, db, setting):
    add_item(db, setting.convening, "Welcome", 30)
    versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()
    add_item(db, setting.convening, "Threat briefing", 60, **GOVERNMENT_ONLY)

    versions.publish(db, principal(setting.organiser), setting.convening, notify=True)
    db.commit()

    messages = by_recipient(outbox(db))
    assert set(messages) == {"avery@state.example"}
    assert "Added: Threat briefing" in messages["avery@state.example"].text_body


def test_notify_leaves_out_declined_draft_and_withdrawn_invitations(app_context, db, make, setting):
    for status in (InvitationStatus.DECLINED, InvitationStatus.DRAFT, InvitationStatus.WITHDRAWN):
        organisation = make.organisation(f"Org {status.value}")
        focal = make.contact(organisation, email=f"{status.value}@example.net")
        make.invitation(setting.convening, organisation, status=status, focal_point=focal)
    add_item(db, setting.convening, "Welcome", 30)

    versions.publish(db, principal(setting.organiser), setting.convening, notify=True)
    db.commit()

    assert set(by_recipient(outbox(db))) == {"casey@apple.example", "avery@state.example"}


def test_notify_tells_of_new_times_in_the_convening_zone(app_context, db, setting):
    opening = add_item(db, setting.convening, "Opening", 30)
    add_item(db, setting.convening, "Panel", 60)
    versions.publish(db, principal(setting.organiser), setting.convening)
    db.commit()
    opening.duration_minutes = 60
    db.commit()
    db.expire_all()

    versions.publish(db, principal(setting.organiser), setting.convening, notify=True)
    db.commit()

    body = by_recipient(outbox(db))["casey@apple.example"].text_body
    assert (
        "New time: Panel, now Tue 15 Jan 10:00\N{EN DASH}11:00 EST "
        "(was Tue 15 Jan 09:30\N{EN DASH}10:30 EST)" in body
    )
    # Its start stayed, but a changed end is a new time too.
    assert (
        "New time: Opening, now Tue 15 Jan 09:00\N{EN DASH}10:00 EST "
        "(was Tue 15 Jan 09:00\N{EN DASH}09:30 EST)" in body
    )
