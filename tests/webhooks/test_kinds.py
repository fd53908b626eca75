"""Events of each kind of resource whose representation the API has, made by the real services."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from coordination.actions import reminders
from coordination.actions import services as action_services
from coordination.actions import status as action_status
from coordination.actions.days import Today
from coordination.actions.rules import ActionInput
from coordination.agenda import versions as agenda_versions
from coordination.api.representations import kinds
from coordination.briefings import services as briefing_services
from coordination.briefings import uploads
from coordination.briefings.details import DocumentInput
from coordination.briefings.uploads import Upload
from coordination.db import get_database
from coordination.invitations.answering import answers as answering
from coordination.invitations.answering import delegates
from coordination.invitations.answering.delegates import DelegateInput
from coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaVersion,
    Audience,
    Convening,
    Delegate,
    Document,
    Invitation,
    InvitationStatus,
    User,
)
from coordination.principal import Principal, load_principal
from coordination.storage import Staging
from tests.briefings import pdf_bytes

from .conftest import signed_in
from .helpers import deliver, deliveries, payload, subscribe


def _as(app, user: User, work):
    """Run ``work(session, principal, convening_id)`` as ``user`` and commit, as a view does."""

    def run(convening: Convening):
        with app.app_context(), get_database(app).session() as session:
            actor = load_principal(session, session.get(User, user.id))
            result = work(session, actor, session.get(Convening, convening.id))
            session.commit()
            return result

    return run


def _needs(model: type) -> None:
    if model not in kinds():
        pytest.skip(f"no representer of {model.__name__} yet")


def test_action_created_and_updated_carry_the_action(hooks_app, team, receiver, db):
    _needs(ActionItem)
    subscribe(
        signed_in(hooks_app, team.organiser),
        team.convening,
        receiver.url,
        ["action.created", "action.updated"],
    )

    action = _as(
        hooks_app,
        team.coordinator,
        lambda session, actor, convening: action_services.create_action(
            session,
            actor,
            convening,
            ActionInput(title="Draft the counter-narrative plan", owner_user_id=team.organiser.id),
        ),
    )(team.convening)
    _as(
        hooks_app,
        team.coordinator,
        lambda session, actor, convening: action_status.update_status(
            session,
            actor,
            session.get(ActionItem, action.id),
            ActionStatus.IN_PROGRESS,
            "Started",
            session.get(ActionItem, action.id).version,
        ),
    )(team.convening)
    deliver(hooks_app)

    created, updated = sorted(receiver.wait_for(2), key=lambda a: payload(a)["time"])
    assert created.headers["Coordination-Event"] == "action.created"
    assert payload(created)["kind"] == "action"
    assert payload(created)["resource"]["title"] == "Draft the counter-narrative plan"
    assert updated.headers["Coordination-Event"] == "action.updated"
    assert payload(updated)["resource"]["status"] == "in_progress"


def test_overdue_action_is_announced_once_for_each_due_date(hooks_app, team, receiver, make, db):
    _needs(ActionItem)
    subscribe(
        signed_in(hooks_app, team.organiser), team.convening, receiver.url, ["action.overdue"]
    )
    # Days well past in every zone, whatever the hour.
    missed = date.today() - timedelta(days=5)
    action = make.action(team.convening, "Share the takedown figures", due_on=missed)

    def remind():
        with hooks_app.app_context(), get_database(hooks_app).session() as session:
            reminders.run(session, Principal(user=None), Today.now(), 7)

    remind()
    remind()
    deliver(hooks_app)
    (arrived,) = receiver.wait_for(1)
    # A new due date, missed too, is a new overdue event.
    action.due_on = missed + timedelta(days=2)
    make.session.commit()
    remind()
    deliver(hooks_app)

    assert arrived.headers["Coordination-Event"] == "action.overdue"
    assert payload(arrived)["resource"]["id"] == action.id
    assert payload(arrived)["resource"]["due_on"] == missed.isoformat()
    assert len(receiver.wait_for(2)) == 2
    assert len(deliveries(db)) == 2


def test_overdue_actions_are_not_announced_by_a_dry_run(hooks_app, team, receiver, make, db):
    _needs(ActionItem)
    subscribe(
        signed_in(hooks_app, team.organiser), team.convening, receiver.url, ["action.overdue"]
    )
    make.action(team.convening, "Late", due_on=date.today() - timedelta(days=3))

    with hooks_app.app_context(), get_database(hooks_app).session() as session:
        reminders.run(session, Principal(user=None), Today.now(), 7, dry_run=True)

    assert deliveries(db) == []


def test_agenda_published_carries_the_published_agenda(hooks_app, team, receiver, make, db):
    _needs(AgendaVersion)
    subscribe(
        signed_in(hooks_app, team.organiser), team.convening, receiver.url, ["agenda.published"]
    )
    make.session.add(
        AgendaItem(
            convening_id=team.convening.id,
            position=0,
            title="Briefing on online messaging",
            duration_minutes=45,
            audience=Audience(),
        )
    )
    make.session.commit()

    _as(
        hooks_app,
        team.organiser,
        lambda session, actor, convening: agenda_versions.publish(session, actor, convening),
    )(team.convening)
    deliver(hooks_app)

    (arrived,) = receiver.wait_for(1)
    body = payload(arrived)
    assert arrived.headers["Coordination-Event"] == "agenda.published"
    assert body["kind"] == "agenda"
    assert body["resource"]["version"] == 1
    assert [item["title"] for item in body["resource"]["items"]] == ["Briefing on online messaging"]


def test_document_published_then_replaced(hooks_app, team, receiver, db):
    _needs(Document)
    subscribe(
        signed_in(hooks_app, team.organiser),
        team.convening,
        receiver.url,
        ["document.published", "document.replaced"],
    )

    def upload(text: str) -> Upload:
        return Upload(stream=io.BytesIO(pdf_bytes(text)), filename=f"{text}.pdf")

    def create(session, actor, convening):
        with Staging(uploads.max_bytes()) as staging:
            document = briefing_services.create_document(
                session,
                actor,
                convening,
                DocumentInput(title="Threat briefing", sensitivity="Official"),
                upload("first"),
                staging,
            )
            session.flush()
            staging.keep()
        return document

    def replace(session, actor, _convening):
        document = session.get(Document, created.id)
        with Staging(uploads.max_bytes()) as staging:
            briefing_services.replace_file(
                session, actor, document, upload("second"), staging, document.version
            )
            session.flush()
            staging.keep()

    created = _as(hooks_app, team.organiser, create)(team.convening)
    _as(hooks_app, team.organiser, replace)(team.convening)
    deliver(hooks_app)

    published, replaced = sorted(receiver.wait_for(2), key=lambda a: payload(a)["time"])
    assert published.headers["Coordination-Event"] == "document.published"
    assert payload(published)["kind"] == "document"
    assert payload(published)["resource"]["title"] == "Threat briefing"
    assert replaced.headers["Coordination-Event"] == "document.replaced"
    assert payload(replaced)["resource"]["id"] == created.id


def test_invitation_answered_and_delegates_named_and_removed(hooks_app, team, receiver, make, db):
    _needs(Invitation)
    _needs(Delegate)
    convening = make.convening(
        "Published convening", organisers=(team.organiser,), venue_name="Great Hall"
    )
    apple = make.organisation("Apple")
    focal_point = make.participant(apple, name="Ana Apple")
    invitation = make.invitation(
        convening, apple, status=InvitationStatus.SENT, focal_point=focal_point.contact
    )
    subscribe(
        signed_in(hooks_app, team.organiser),
        convening,
        receiver.url,
        ["invitation.answered", "delegate.added", "delegate.removed"],
    )

    def answer(session, actor, _convening):
        answering.answer(
            session, actor, session.get(Invitation, invitation.id), InvitationStatus.ACCEPTED
        )

    def name(session, actor, _convening):
        return delegates.add(
            session,
            actor,
            session.get(Invitation, invitation.id),
            DelegateInput(name="Tim Cook", email="tim@apple.example"),
        )

    _as(hooks_app, focal_point, answer)(convening)
    delegate = _as(hooks_app, focal_point, name)(convening)

    def remove(session, actor, _convening):
        delegates.cancel(
            session,
            actor,
            session.get(Invitation, invitation.id),
            session.get(Delegate, delegate.id),
        )

    _as(hooks_app, focal_point, remove)(convening)
    deliver(hooks_app)

    arrived = sorted(receiver.wait_for(3), key=lambda a: payload(a)["time"])
    assert [a.headers["Coordination-Event"] for a in arrived] == [
        "invitation.answered",
        "delegate.added",
        "delegate.removed",
    ]
    answered, added, removed = (payload(a) for a in arrived)
    assert answered["kind"] == "invitation"
    assert answered["resource"]["status"] == "accepted"
    assert added["kind"] == "delegate"
    assert added["resource"]["name"] == "Tim Cook"
    assert removed["resource"]["id"] == delegate.id
