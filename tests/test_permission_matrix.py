"""Every route, driven as every role: allowed or refused as the permission table says.

The matrix below is the specification. A route that exists in the application but not
here fails the completeness test, so no route can ship without a decided rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from flask import url_for
from sqlalchemy import func, select

from coordination.models import (
    AgendaItem,
    Audience,
    Base,
    Delegate,
    Invitation,
    InvitationStatus,
    MinuteEntry,
    TeamMembership,
    TeamRole,
)
from coordination.permissions import Action, can, unruled_actions
from coordination.principal import load_principal
from tests.api.helpers import make_token
from tests.api.matrix import api_rows
from tests.api.roles import (
    ADMIN,
    ANSWERERS,
    EVERYONE,
    MEMBERS,
    ORGANISERS,
    ROLES,
    SIGNED_IN,
    TEAM,
)
from tests.polls.helpers import make_poll
from tests.webhooks.helpers import subscription_with_delivery

# endpoint -> {method: roles allowed}
MATRIX: dict[str, dict[str, set[str]]] = {
    "core.index": {"GET": EVERYONE},
    "core.dashboard": {"GET": SIGNED_IN},
    "core.health": {"GET": EVERYONE},
    "auth.sign_in": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.sign_out": {"POST": SIGNED_IN},
    "auth.change_password": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "auth.change_email": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "auth.cancel_email_change": {"POST": SIGNED_IN},
    # The emailed link is the permission: the world's token is not a valid one (410 or 400).
    "auth.confirm_email": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.forgot_password": {"GET": EVERYONE, "POST": EVERYONE},
    "auth.reset_password": {"GET": EVERYONE, "POST": EVERYONE},
    # Directory: the team sees it, organisers add to it, administrators archive and import.
    "directory.list_organisations": {"GET": TEAM},
    "directory.show_organisation": {"GET": TEAM},
    "directory.create_organisation": {"GET": ORGANISERS, "POST": ORGANISERS},
    "directory.edit_organisation": {"GET": ORGANISERS, "POST": ORGANISERS},
    "directory.archive_organisation": {"POST": ADMIN},
    "directory.unarchive_organisation": {"POST": ADMIN},
    "directory.create_contact": {"GET": ORGANISERS, "POST": ORGANISERS},
    "directory.edit_contact": {"GET": ORGANISERS, "POST": ORGANISERS},
    "directory.archive_contact": {"POST": ADMIN},
    "directory.unarchive_contact": {"POST": ADMIN},
    "directory.import_csv": {"GET": ADMIN, "POST": ADMIN},
    "directory.confirm_import": {"POST": ADMIN},
    "directory.export_csv": {"GET": TEAM},
    # Convenings: members see a published one, organisers change it, the team sees its trail.
    "convenings.list_convenings": {"GET": SIGNED_IN},
    "convenings.show": {"GET": MEMBERS},
    "convenings.create": {"GET": ORGANISERS, "POST": ORGANISERS},
    "convenings.edit": {"GET": ORGANISERS, "POST": ORGANISERS},
    "convenings.change_status": {"POST": ORGANISERS},
    "convenings.clone": {"GET": ORGANISERS, "POST": ORGANISERS},
    "convenings.audit_trail": {"GET": TEAM},
    "convenings.team": {"GET": ORGANISERS},
    "convenings.add_team_member": {"POST": ORGANISERS},
    "convenings.change_team_role": {"POST": ORGANISERS},
    "convenings.remove_team_member": {"POST": ORGANISERS},
    "convenings.list_series": {"GET": SIGNED_IN},
    "convenings.show_series": {"GET": MEMBERS},
    "convenings.create_series": {"GET": ORGANISERS, "POST": ORGANISERS},
    # Accounts: organisers create and look after ordinary accounts; administrators the rest.
    "admin.index": {"GET": ORGANISERS},
    "admin.list_users": {"GET": ORGANISERS},
    "admin.create_user": {"GET": ORGANISERS, "POST": ORGANISERS},
    "admin.show_user": {"GET": ORGANISERS},
    "admin.edit_user": {"GET": ORGANISERS, "POST": ORGANISERS},
    "admin.deactivate_user": {"POST": ORGANISERS},
    "admin.reactivate_user": {"POST": ORGANISERS},
    "admin.sign_out_user": {"POST": ORGANISERS},
    "admin.resend_setup_link": {"POST": ORGANISERS},
    "admin.cancel_email_change": {"POST": ORGANISERS},
    "admin.outbox": {"GET": ADMIN},
    "admin.audit_log": {"GET": ADMIN},
    # The organisers' view of invitations: the team sees the board, attendees and check-in.
    "invitations.board": {"GET": TEAM},
    "invitations.attendees": {"GET": TEAM},
    "invitations.attendees_csv": {"GET": TEAM},
    "invitations.check_in": {"GET": TEAM},
    "invitations.mark_arrived": {"POST": TEAM},
    "invitations.unmark_arrived": {"POST": TEAM},
    # Answering: the focal point (by link or account) and the organisers on their behalf.
    "invitations.open_link": {"GET": EVERYONE},
    "invitations.answer": {"GET": ANSWERERS, "POST": ANSWERERS},
    "invitations.add_delegate": {"POST": ANSWERERS},
    "invitations.edit_delegate": {"GET": ANSWERERS, "POST": ANSWERERS},
    "invitations.remove_delegate": {"POST": ANSWERERS},
    "invitations.request_seats": {"POST": ANSWERERS},
    "invitations.decide_seats": {"POST": ORGANISERS},
    # Inviting, sending, reminders, withdrawals, links and change notices: organisers only.
    "invitations.manage": {"GET": ORGANISERS},
    "invitations.invite": {"GET": ORGANISERS, "POST": ORGANISERS},
    "invitations.invite_bulk": {"GET": ORGANISERS, "POST": ORGANISERS},
    "invitations.invite_new_organisation": {"GET": ORGANISERS, "POST": ORGANISERS},
    "invitations.edit_invitation": {"GET": ORGANISERS, "POST": ORGANISERS},
    "invitations.send": {"POST": ORGANISERS},
    "invitations.remind": {"POST": ORGANISERS},
    "invitations.withdraw": {"POST": ORGANISERS},
    "invitations.withdraw_invitation": {"POST": ORGANISERS},
    "invitations.resend": {"POST": ORGANISERS},
    "invitations.revoke_link": {"POST": ORGANISERS},
    "invitations.reissue_link": {"POST": ORGANISERS},
    "invitations.batch_progress": {"GET": ORGANISERS},
    "invitations.batch_progress_json": {"GET": ORGANISERS},
    "invitations.notify_change": {"GET": ORGANISERS, "POST": ORGANISERS},
    # Minutes: members read them (participants once published, filtered by audience; before
    # that a page saying so), the team writes them, organisers publish them.
    "minutes.show": {"GET": MEMBERS},
    "minutes.add_entry": {"POST": TEAM},
    "minutes.edit_entry": {"GET": TEAM, "POST": TEAM},
    "minutes.history": {"GET": TEAM},
    "minutes.delete_entry": {"POST": TEAM},
    "minutes.publish": {"POST": ORGANISERS},
    "minutes.unpublish": {"POST": ORGANISERS},
    # Calendars: whoever sees the convening downloads it; everyone signed in has a feed.
    "calendar.convening_ics": {"GET": MEMBERS},
    "calendar.agenda_ics": {"GET": MEMBERS},
    "calendar.feed_settings": {"GET": SIGNED_IN},
    "calendar.reset_feed": {"POST": SIGNED_IN},
    "calendar.turn_off_feed": {"POST": SIGNED_IN},
    # The feed is a public route whose secret token is the permission. The world's token is
    # not a valid one, so everyone, signed in or not, gets 404 (counted as refused): no role.
    "calendar.feed": {"GET": set()},
    # Agenda: members see the published agenda meant for them (and its PDF); the team its
    # version history; organisers build and publish it.
    "agenda.show": {"GET": MEMBERS},
    "agenda.pdf": {"GET": MEMBERS},
    "agenda.history": {"GET": TEAM},
    "agenda.builder": {"GET": ORGANISERS},
    "agenda.create_item": {"GET": ORGANISERS, "POST": ORGANISERS},
    "agenda.edit_item": {"GET": ORGANISERS, "POST": ORGANISERS},
    "agenda.duplicate_item": {"POST": ORGANISERS},
    "agenda.delete_item": {"POST": ORGANISERS},
    "agenda.move_item": {"POST": ORGANISERS},
    "agenda.reorder": {"POST": ORGANISERS},
    "agenda.publish": {"POST": ORGANISERS},
    # Follow-up: the convening's team reads its report; the series dashboard shows the series'
    # convenings whose team the viewer is on; an organisation's history, the teams it met.
    "followup.report": {"GET": TEAM},
    "followup.series_dashboard": {"GET": TEAM},
    "followup.history": {"GET": TEAM},
    # Briefings: members see the list of what they receive (the team sees every document);
    # the team opens a document's page; organisers upload, edit, replace, delete, restore.
    "briefings.index": {"GET": MEMBERS},
    "briefings.create": {"GET": ORGANISERS, "POST": ORGANISERS},
    "briefings.show": {"GET": TEAM},
    "briefings.edit": {"GET": ORGANISERS, "POST": ORGANISERS},
    "briefings.replace": {"GET": ORGANISERS, "POST": ORGANISERS},
    "briefings.delete": {"POST": ORGANISERS},
    "briefings.restore": {"POST": ORGANISERS},
    # Downloads: members receive the briefings meant for them (the world's document is for
    # everyone invited), one file, the ZIP pack or the book; old versions and receipts are
    # the team's.
    "downloads.document": {"GET": MEMBERS},
    "downloads.version": {"GET": TEAM},
    "downloads.pack": {"GET": MEMBERS},
    "downloads.book": {"GET": MEMBERS},
    "downloads.document_receipts": {"GET": TEAM},
    "downloads.organisation_receipts": {"GET": TEAM},
    # Actions: members see the convening's list (participants only their own), the owners and
    # the team open and update an action, the team creates, edits and carries over.
    "actions.list_actions": {"GET": MEMBERS},
    "actions.create": {"GET": TEAM, "POST": TEAM},
    "actions.create_bulk": {"GET": TEAM, "POST": TEAM},
    "actions.edit": {"GET": TEAM, "POST": TEAM},
    "actions.show": {"GET": MEMBERS},
    "actions.update": {"POST": MEMBERS},
    "actions.carry_over": {"POST": TEAM},
    "actions.mine": {"GET": SIGNED_IN},
    # The tracker: anyone on a convening's team (each sees only their convenings' actions).
    "tracker.list_actions": {"GET": TEAM},
    "tracker.board": {"GET": TEAM},
    "tracker.export_csv": {"GET": TEAM},
    "tracker.organisations": {"GET": TEAM},
    # The JSON API, called with a token of each role.
    **api_rows(),
}
# API routes anyone may call without a token.
API_OPEN = {"api.openapi_document", "api.reference"}


@dataclass
class World:
    """One convening with its team, an invited organisation, and things to act on."""

    users: dict
    # A read-and-write API token of each role's user.
    tokens: dict
    url_values: dict
    # The same kinds of object, belonging to an organisation invited only to another team's
    # convening: outside what the world's organiser administers.
    outside_values: dict


@pytest.fixture
def world(make) -> World:
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    admin = make.user(name="Alex Admin", is_admin=True)
    invited = make.organisation("Invited Organisation")
    elsewhere = make.organisation("Organisation Invited Elsewhere")
    participant = make.participant(invited)
    outsider = make.participant(elsewhere)
    series = make.series("Matrix series")
    convening = make.convening(
        "Matrix convening", organisers=(organiser,), coordinators=(coordinator,), series=series
    )
    other = make.convening("Another convening", organisers=(make.user(),))
    make.invitation(convening, invited, status=InvitationStatus.SENT)
    make.invitation(other, elsewhere, status=InvitationStatus.ACCEPTED)
    # An account of the invited organisation, which only this convening's organiser (and the
    # administrator) looks after.
    managed = make.participant(invited, name="Managed Account")
    contact = make.contact(invited, name="A Contact")
    # A delegate of the invited organisation, for the check-in routes.
    delegate = Delegate(
        invitation=make.session.scalar(
            select(Invitation).where(Invitation.convening_id == convening.id)
        ),
        name="A Delegate",
        email="delegate@example.org",
        email_normalized="delegate@example.org",
    )
    make.session.add(delegate)
    make.session.commit()
    # The participant is the focal point of the invited organisation, for the answering routes.
    invitation = delegate.invitation
    invitation.focal_point = participant.contact
    make.session.commit()
    membership = make.session.scalar(
        select(TeamMembership).where(
            TeamMembership.convening_id == convening.id,
            TeamMembership.role == TeamRole.COORDINATOR,
        )
    )
    # An item of the convening's agenda, for the agenda item routes.
    agenda_item = AgendaItem(
        convening_id=convening.id,
        position=0,
        title="An agenda item",
        duration_minutes=30,
        audience=Audience(),
    )
    make.session.add(agenda_item)
    make.session.commit()
    # A note in the convening's minutes, for the minutes routes.
    entry = MinuteEntry(convening_id=convening.id, body="A note in the minutes")
    make.session.add(entry)
    make.session.commit()
    # A briefing for everyone invited, and an action the invited organisation owns.
    document = make.document(convening, "A briefing")
    action = make.action(convening, "An action", owner_organisation=invited)
    users = {
        "outsider": outsider,
        "participant": participant,
        "coordinator": coordinator,
        "organiser": organiser,
        "admin": admin,
    }
    tokens = {role: make_token(make.session, user)[0] for role, user in users.items()}
    participant_token = make_token(make.session, participant, name="The world's token")[1]
    subscription, delivery = subscription_with_delivery(make.session, convening, organiser)
    # An open date poll in which the invited organisation votes, for the poll routes.
    make_poll(make.session, convening, voters=(invitation,))
    return World(
        tokens=tokens,
        users=users,
        url_values={
            "convening_id": convening.id,
            "organisation_id": invited.id,
            "contact_id": contact.id,
            "user_id": managed.id,
            "series_id": series.id,
            "membership_id": membership.id,
            "delegate_id": delegate.id,
            "invitation_id": invitation.id,
            "batch": "0" * 16,
            "entry_id": entry.id,
            "item_id": agenda_item.id,
            "token": "x" * 43,
            "document_id": document.id,
            "version_id": document.latest.id,
            "action_id": action.id,
            "token_id": participant_token.id,
            "subscription_id": subscription.id,
            "delivery_id": delivery.id,
        },
        outside_values={
            "organisation_id": elsewhere.id,
            "contact_id": outsider.contact_id,
            "user_id": outsider.id,
        },
    )


def _url(app, endpoint: str, world: World, outside: bool = False) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {name: world.url_values[name] for name in rule.arguments}
    if outside:
        values.update({name: world.outside_values[name] for name in rule.arguments})
    with app.test_request_context():
        return url_for(endpoint, **values)


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302, 303):
        target = urlsplit(response.headers["Location"])
        return target.path.endswith("/account/sign-in") and "next=" in target.query
    return False


def _request(app, world: World, role: str, endpoint: str, method: str, outside: bool = False):
    client = app.test_client()
    if endpoint.startswith("api.") and endpoint not in API_OPEN:
        headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != "anonymous" else {}
        return client.open(
            _url(app, endpoint, world, outside), method=method, json={}, headers=headers
        )
    if role != "anonymous":
        from tests.factories import PASSWORD

        signed_in = client.post(
            "/account/sign-in", data={"email": world.users[role].email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, f"{role} could not sign in"
    return client.open(_url(app, endpoint, world, outside), method=method, data={})


CASES = [
    (endpoint, method) for endpoint, methods in sorted(MATRIX.items()) for method in sorted(methods)
]


@pytest.mark.parametrize(("endpoint", "method"), CASES, ids=[f"{e}-{m}" for e, m in CASES])
def test_route_allows_exactly_its_roles(app, world, endpoint, method):
    allowed = MATRIX[endpoint][method]
    outcomes = {}
    for role in ROLES:
        response = _request(app, world, role, endpoint, method)
        assert response.status_code != 500, f"{endpoint} {method} as {role} answered 500"
        outcomes[role] = not _refused(response)
    assert {role for role, ok in outcomes.items() if ok} == allowed


# Routes that read the shared directory: any team member reads every organisation.
READ_ANYWHERE = {"directory.show_organisation"}


def _administration_cases(app) -> list[tuple[str, str]]:
    """Every account and directory route that acts on one account, contact or organisation."""
    cases = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint not in ("admin", "directory", "api") or rule.endpoint in READ_ANYWHERE:
            continue
        if not rule.arguments & {"user_id", "contact_id", "organisation_id"}:
            continue
        methods = MATRIX.get(rule.endpoint, {})
        if blueprint == "api":
            # Through the API the directory is read by the whole team; only changes are scoped.
            methods = [method for method in methods if method != "GET"]
        cases.extend((rule.endpoint, method) for method in methods)
    return sorted(cases)


def test_organiser_administers_only_what_their_convenings_invite(app, world):
    cases = _administration_cases(app)
    outcomes = {}
    for endpoint, method in cases:
        allowed_roles = MATRIX[endpoint][method]
        response = _request(app, world, "organiser", endpoint, method, outside=True)
        assert response.status_code != 500, endpoint
        outcomes[(endpoint, method)] = _refused(response)
        if "admin" in allowed_roles:
            as_admin = _request(app, world, "admin", endpoint, method, outside=True)
            assert not _refused(as_admin), f"{endpoint} {method} refused the administrator"
    # Every such route is covered, and each refuses the organiser outside their convenings.
    assert {endpoint for endpoint, _ in cases} >= {
        "admin.show_user",
        "admin.edit_user",
        "admin.deactivate_user",
        "directory.edit_contact",
        "directory.create_contact",
        "directory.edit_organisation",
        "api.update_organisation",
        "api.create_contact",
        "api.update_contact",
    }
    assert [case for case, refused in outcomes.items() if not refused] == []


def test_matrix_lists_every_route_and_method(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(endpoint, method) for endpoint, methods in MATRIX.items() for method in methods}
    assert routes - listed == set(), "routes missing from the permission matrix"
    assert listed - routes == set(), "matrix lists routes that do not exist"


def _row_counts(db) -> dict[str, int]:
    return {
        table.name: db.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def test_get_requests_change_nothing(app, world, db):
    before = _row_counts(db)
    for endpoint, methods in MATRIX.items():
        if "GET" in methods:
            response = _request(app, world, "admin", endpoint, "GET")
            assert response.status_code != 500, endpoint
    after = _row_counts(db)
    # A download records its receipt (who received which version): the one row a GET writes.
    for counts in (before, after):
        counts.pop("download_receipt")
    # Signing in records nothing but the sign-in time; any new row means a GET wrote.
    assert after == before


def test_every_state_change_refuses_a_missing_csrf_token(make_app, world, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    before = _row_counts(db)
    for endpoint, methods in sorted(MATRIX.items()):
        # The API takes no cookies, so it needs no CSRF token (tests/api/test_tokens.py).
        if endpoint.startswith("api."):
            continue
        if "POST" in methods:
            response = client.post(_url(app, endpoint, world), data={})
            assert response.status_code == 400, endpoint
            assert "form has expired" in response.get_data(as_text=True), endpoint
    assert _row_counts(db) == before


def test_every_action_has_a_rule_registered_by_its_domain(app):
    assert unruled_actions() == []
    assert all(isinstance(can(load_principal(None, None), action), bool) for action in Action)
