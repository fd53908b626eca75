"""Arranging briefings, actions and follow-up for browser tests, and checking their pages.

Documents are written with the project's factories into the documents folder the server reads;
actions are created and updated by the services the pages call, so their history and audit
events are what the pages would have written. The page checkers of briefings, actions and
follow-up share the helpers at the end (see test_agenda_pages_checks for the pattern).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, Response, expect
from sqlalchemy.orm import Session

from coordination.actions import services as action_services
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    AgendaItem,
    AgendaItemKind,
    AudienceKind,
    Convening,
    Document,
    DownloadChannel,
    DownloadReceipt,
    InvitationStatus,
    MinuteEntry,
    MinuteKind,
    Organisation,
    OrganisationKind,
    User,
    utcnow,
)
from coordination.principal import load_principal

from .agenda_world import AgendaArrange
from .checkers import assert_accessible, describe_html_errors, validate_html
from .world import World

EVERYONE_BRIEFING = "Counter-narrative briefing"
GOVERNMENT_BRIEFING = "Takedown figures for agencies"
DELETED_BRIEFING = "Withdrawn draft"
APPLE_ACTION = "Share the counter-messaging pilot results"
EMBASSY_ACTION = "Send the embassy's report"
DONE_ACTION = "Publish the takedown figures"
CARRIED_ACTION = "Compare takedown times"
EMBARGOED_BRIEFING = "Figures under embargo"
DECISION = "Companies report takedown figures every quarter."


def minimal_pdf(text: str = "Briefing", padding: int = 0) -> bytes:
    """A well-formed one-page PDF; ``padding`` bytes of comment make it as large as wanted."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    for _line in range(padding // 80):
        out += b"%" + b"0" * 78 + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)


@dataclass
class BriefingActionWorld:
    """The shared World, with briefings, receipts, decisions and actions in every state."""

    world: World
    items: dict[str, AgendaItem]
    decision: MinuteEntry
    documents: dict[str, Document]
    actions: dict[str, ActionItem]
    embassy: Organisation
    justice_official: User  # a participant for the host, a government agency
    successor: ActionItem  # CARRIED_ACTION, carried over to the series' next convening

    def document(self, title: str) -> Document:
        return self.documents[title]

    def action(self, title: str) -> ActionItem:
        return self.actions[title]


class BriefingActionArrange(AgendaArrange):
    """The journeys' factories, plus briefings, receipts and actions."""

    def briefing(
        self,
        convening: Convening,
        by: User,
        title: str,
        *,
        kinds: tuple[OrganisationKind, ...] = (),
        filename: str = "briefing.pdf",
        item: AgendaItem | None = None,
        description: str = "",
    ) -> Document:
        """A PDF briefing for everyone invited, or for organisations of the given kinds."""
        audience = (
            self.audience(AudienceKind.KINDS, organisation_kinds=kinds)
            if kinds
            else self.audience()
        )
        document = self.document(
            convening,
            title,
            audience=audience,
            content=minimal_pdf(title),
            filename=filename,
            description=description,
            agenda_item=item,
            created_by=by,
        )
        document.versions[0].uploaded_by = by
        self.session.commit()
        return document

    def receipt(self, document: Document, user: User, organisation: Organisation) -> None:
        """Record that the user downloaded the document's latest version."""
        self.session.add(
            DownloadReceipt(
                convening_id=document.convening_id,
                document_id=document.id,
                document_version_id=document.versions[-1].id,
                user_id=user.id,
                organisation_id=organisation.id,
                recipient_name=user.name,
                channel=DownloadChannel.FILE,
                downloaded_at=utcnow(),
            )
        )
        self.session.commit()

    def decision(
        self, convening: Convening, by: User, item: AgendaItem, text: str = DECISION
    ) -> MinuteEntry:
        return self.minute(convening, by, text, kind=MinuteKind.DECISION, item=item)

    def agreed_action(
        self,
        convening: Convening,
        by: User,
        title: str,
        owner: Organisation,
        *,
        item: AgendaItem | None = None,
        decision: MinuteEntry | None = None,
        due_on: date | None = None,
        priority: ActionPriority = ActionPriority.NORMAL,
        description: str = "",
    ) -> ActionItem:
        """An action recorded by the team, as the create form records it."""
        data = action_services.ActionInput(
            title=title,
            description=description,
            agenda_item_id=item and item.id,
            decision_id=decision and decision.id,
            owner_organisation_id=owner.id,
            due_on=due_on,
            priority=priority,
        )
        by_principal = load_principal(self.session, by)
        action = action_services.create_action(self.session, by_principal, convening, data)
        self.session.commit()
        return action

    def progress(
        self, action: ActionItem, by: User, status: ActionStatus | None, note: str = ""
    ) -> None:
        """A status change and/or progress note, as the action page records it."""
        action_services.update_status(
            self.session, load_principal(self.session, by), action, status, note, action.version
        )
        self.session.commit()

    def briefing_action_world(self, world: World) -> BriefingActionWorld:
        """On the World's convening: a published agenda with a decision; briefings for
        everyone (two versions), for government agencies, under embargo and deleted; a receipt
        each for Apple and the host; actions in progress, blocked and overdue, done, and one
        carried over to the series' next convening, which has an action of its own."""
        # The World's objects come from another session: work on this session's copies.
        convening, draft, organiser, coordinator, participant, apple, host = (
            self.session.get(type(obj), obj.id)
            for obj in (
                world.convening,
                world.draft,
                world.organiser,
                world.coordinator,
                world.participant,
                world.invited,
                world.host,
            )
        )
        embassy = self.session.get(Organisation, world.waiting.organisation_id)
        official = self.participant(host, email="gil@justice.example", name="Gil Official")
        self.invitation(convening, host)

        welcome = self.item(convening, organiser, "Welcome", 30)
        figures = self.item(
            convening, organiser, "Takedown figures", 90, kind=AgendaItemKind.DISCUSSION
        )
        self.publish_agenda(convening, organiser)
        decision = self.decision(convening, coordinator, figures)
        self.minute(convening, coordinator, "Apple will share its pilot.", item=welcome)
        self.publish_minutes(convening, organiser)

        everyone = self.briefing(
            convening,
            organiser,
            EVERYONE_BRIEFING,
            filename="counter-narratives.pdf",
            item=figures,
            description="What works in **optimistic messaging**.",
        )
        self.document_version(everyone, minimal_pdf("Second edition"), filename="edition-2.pdf")
        everyone.versions[-1].uploaded_by = organiser
        government = self.briefing(
            convening,
            organiser,
            GOVERNMENT_BRIEFING,
            kinds=(OrganisationKind.GOVERNMENT_AGENCY,),
            filename="figures.pdf",
        )
        embargoed = self.briefing(convening, organiser, EMBARGOED_BRIEFING)
        embargoed.embargo_until = utcnow() + timedelta(days=10)
        deleted = self.briefing(convening, organiser, DELETED_BRIEFING)
        deleted.deleted_at = utcnow()
        deleted.deleted_by_id = organiser.id
        self.session.commit()
        self.receipt(everyone, participant, apple)
        self.receipt(government, official, host)

        today = date.today()
        apple_action = self.agreed_action(
            convening,
            coordinator,
            APPLE_ACTION,
            apple,
            item=figures,
            decision=decision,
            due_on=today + timedelta(days=3),
            priority=ActionPriority.HIGH,
            description="Results of the **pilot**, by platform.",
        )
        self.progress(apple_action, participant, ActionStatus.IN_PROGRESS, "Drafting the summary.")
        embassy_action = self.agreed_action(
            convening,
            coordinator,
            EMBASSY_ACTION,
            embassy,
            due_on=today - timedelta(days=5),
            item=welcome,
        )
        self.progress(embassy_action, coordinator, ActionStatus.BLOCKED, "Waiting for London.")
        done = self.agreed_action(
            convening, coordinator, DONE_ACTION, host, due_on=today - timedelta(days=1)
        )
        self.progress(done, coordinator, ActionStatus.DONE, "Published on the website.")
        self.invitation(draft, apple, status=InvitationStatus.DRAFT)
        later = self.agreed_action(
            draft, organiser, "Prepare the next briefing", apple, due_on=today + timedelta(days=40)
        )
        carried = self.agreed_action(
            convening, coordinator, CARRIED_ACTION, apple, due_on=today + timedelta(days=20)
        )
        self.progress(carried, participant, None, "Started with video takedowns.")
        successor = action_services.carry_over(
            self.session, load_principal(self.session, organiser), carried, carried.version
        )
        self.session.commit()
        owned = (apple_action, embassy_action, done, later, carried)
        actions = {action.title: action for action in owned}
        shared = (everyone, government, embargoed, deleted)
        documents = {document.title: document for document in shared}
        return BriefingActionWorld(
            world=world,
            items={"Welcome": welcome, "Takedown figures": figures},
            decision=decision,
            documents=documents,
            actions=actions,
            embassy=embassy,
            justice_official=official,
            successor=successor,
        )


# What the page checkers share ---------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A page to check: whose tab, where, what to do first and what it must show."""

    name: str
    role: str | None  # a World attribute: whose signed-in tab (None: nobody signed in)
    path: Callable[[BriefingActionWorld], str]
    status: int = 200
    action: Callable[[Page], None] | None = None
    # Text the page must show, so that it is checked in the state it is meant to be in.
    shows: str | None = None


def params(specs: list[Spec]) -> list:
    return [pytest.param(spec, id=spec.name) for spec in specs]


def arranged(shared_world: World, local_app: Flask, engine) -> BriefingActionWorld:
    """The module's World with briefings and actions (files go where the server reads them)."""
    with local_app.app_context(), Session(engine, expire_on_commit=False) as session:
        return BriefingActionArrange(session, local_app).briefing_action_world(shared_world)


def visit(page: Page, spec: Spec, world: BriefingActionWorld) -> Response:
    """Open the page (and do its action); answer the response whose page is shown."""
    response = page.goto(spec.path(world))
    if spec.action is not None:
        # A form sends the page itself, or (the upload form, with JavaScript) an XHR whose
        # answer the script puts in place of the page.
        with page.expect_response(
            lambda r: (
                (r.request.is_navigation_request() or r.request.resource_type == "xhr")
                and not 300 <= r.status < 400
            )
        ) as answered:
            spec.action(page)
        response = answered.value
        page.wait_for_load_state()
    assert response is not None
    assert response.status == spec.status, (
        f"{spec.name}: {spec.path(world)} answered {response.status}, not {spec.status}"
    )
    return response


def check_accessible(page: Page, spec: Spec, world: BriefingActionWorld) -> None:
    visit(page, spec, world)
    if spec.shows:
        expect(page.locator("main")).to_contain_text(spec.shows)
    assert_accessible(page)


@dataclass
class Checked:
    status: int
    path: Path
    errors: list[dict]


def check_markup(
    role_pages, specs: list[Spec], world: BriefingActionWorld, folder: Path
) -> dict[str, Checked]:
    """Every page as its user gets it from the server, checked in one run of the JVM."""
    fetched: dict[str, tuple[int, Path]] = {}
    for spec in specs:
        tab = role_pages(spec.role)
        if spec.action is None:
            answer = tab.context.request.get(spec.path(world), max_redirects=0)
            status, body = answer.status, answer.text()
        else:
            response = visit(tab, spec, world)
            status, body = response.status, response.text()
        path = folder / f"{spec.name}.html"
        path.write_text(body, encoding="utf-8")
        fetched[spec.name] = (status, path)
    errors = validate_html([path for _status, path in fetched.values()])
    return {
        name: Checked(status, path, errors[path.resolve()])
        for name, (status, path) in fetched.items()
    }


def assert_valid(checked: Checked, spec: Spec) -> None:
    assert checked.status == spec.status, f"{spec.name} answered {checked.status}"
    if spec.shows:
        assert spec.shows in html.unescape(checked.path.read_text(encoding="utf-8"))
    if checked.errors:
        report = describe_html_errors(checked.path, checked.errors)
        pytest.fail(f"Nu Html Checker errors in {spec.name}:\n{report}", pytrace=False)
