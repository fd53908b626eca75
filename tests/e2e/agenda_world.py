"""Arranging agendas, minutes and calendar feeds for browser tests, through the app's services.

The services are the ones the views call, so positions, audiences, published versions,
revisions and audit events are exactly what the pages would have written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from coordination.agenda import services as agenda_services
from coordination.agenda import versions
from coordination.agenda.validation import ItemInput
from coordination.calendar import services as calendar_services
from coordination.minutes import services as minutes_services
from coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaVersion,
    AudienceKind,
    Convening,
    MinuteEntry,
    MinuteKind,
    Organisation,
    OrganisationKind,
    User,
)

from ..factories import principal
from .world import Arrange, World

GOVERNMENT_ONLY = "Government-only briefing"


@dataclass
class AgendaWorld:
    """The shared World, with an agenda (two versions and draft changes) and minutes."""

    world: World
    items: dict[str, AgendaItem]
    latest: AgendaVersion
    note: MinuteEntry  # edited once, so it has a history
    debrief: Convening  # Apple is invited; its minutes are not published

    def item(self, title: str) -> AgendaItem:
        return self.items[title]


class AgendaArrange(Arrange):
    """The journeys' factories, plus agenda items, versions, minutes and feeds."""

    def item(
        self,
        convening: Convening,
        by: User,
        title: str,
        minutes: int,
        *,
        kind: AgendaItemKind = AgendaItemKind.SESSION,
        audience: AudienceKind = AudienceKind.EVERYONE,
        kinds: tuple[OrganisationKind, ...] = (),
        fixed_start_local: datetime | None = None,
        description: str = "",
        presenters_text: str = "",
        presenting: tuple[Organisation, ...] = (),
    ) -> AgendaItem:
        """An item at the end of the draft agenda, added as the builder adds it."""
        data = ItemInput(
            title=title,
            duration_minutes=minutes,
            kind=kind.value,
            description=description,
            fixed_start_local=fixed_start_local,
            presenter_organisation_ids=[organisation.id for organisation in presenting],
            presenters_text=presenters_text,
            audience_kind=audience.value,
            audience_kinds=[each.value for each in kinds],
        )
        item = agenda_services.create_item(self.session, principal(by), convening, data)
        self.session.commit()
        return item

    def government_only(self, convening: Convening, by: User, minutes: int = 60) -> AgendaItem:
        return self.item(
            convening,
            by,
            GOVERNMENT_ONLY,
            minutes,
            kind=AgendaItemKind.BRIEFING,
            audience=AudienceKind.KINDS,
            kinds=(OrganisationKind.GOVERNMENT_AGENCY,),
        )

    def rename(self, item: AgendaItem, by: User, title: str) -> None:
        data = agenda_services.input_from(item)
        data.title = title
        agenda_services.update_item(self.session, principal(by), item, data, item.version)
        self.session.commit()

    def publish_agenda(self, convening: Convening, by: User) -> AgendaVersion:
        """Freeze the draft as the next version, telling nobody."""
        version = versions.publish(self.session, principal(by), convening)
        self.session.commit()
        return version

    def minute(
        self,
        convening: Convening,
        by: User,
        body: str,
        *,
        kind: MinuteKind = MinuteKind.NOTE,
        item: AgendaItem | None = None,
    ) -> MinuteEntry:
        data = minutes_services.MinuteInput(kind=kind, body=body, agenda_item_id=item and item.id)
        entry = minutes_services.add_entry(self.session, principal(by), convening, data)
        self.session.commit()
        return entry

    def edit_minute(self, convening: Convening, by: User, entry: MinuteEntry, body: str) -> None:
        data = minutes_services.MinuteInput(
            kind=entry.kind, body=body, agenda_item_id=entry.agenda_item_id
        )
        minutes_services.edit_entry(
            self.session, principal(by), convening, entry, data, entry.version
        )
        self.session.commit()

    def delete_minute(self, convening: Convening, by: User, entry: MinuteEntry) -> None:
        minutes_services.delete_entry(self.session, principal(by), convening, entry, entry.version)
        self.session.commit()

    def publish_minutes(self, convening: Convening, by: User) -> None:
        minutes_services.set_published(self.session, principal(by), convening, True)
        self.session.commit()

    def calendar_feed(self, user: User) -> str:
        """Give the user a feed; answer its secret token."""
        raw = calendar_services.reset_feed(self.session, principal(user))
        self.session.commit()
        return raw

    def summer_convening(self, organiser: User, **team) -> Convening:
        """Studio summit: 09:00 to 13:00 New York time (EDT), next June."""
        starts = datetime(datetime.now(UTC).year + 1, 6, 9, 13, 0, tzinfo=UTC)
        return self.convening(
            "Studio summit", starts_at=starts, hours=4, organisers=(organiser,), **team
        )

    def published_agenda(self) -> tuple[Convening, User, User]:
        """Studio summit with Apple (a company) and the Department of Justice (a government
        agency) invited, a published agenda with a government-only item, and a draft item.
        Answers the convening and a participant of each organisation."""
        organiser = self.organiser()
        convening = self.summer_convening(organiser)
        apple = self.organisation("Apple")
        justice = self.organisation(
            "Department of Justice", kind=OrganisationKind.GOVERNMENT_AGENCY
        )
        company = self.participant(apple, email="pat@apple.example", name="Pat Focal")
        official = self.participant(justice, email="gil@justice.example", name="Gil Official")
        self.invitation(convening, apple)
        self.invitation(convening, justice)
        self.item(convening, organiser, "Welcome", 30)
        self.government_only(convening, organiser, minutes=45)
        self.item(convening, organiser, "Open discussion", 60)
        self.publish_agenda(convening, organiser)
        self.item(convening, organiser, "Unpublished idea", 15)
        return convening, company, official

    def agenda_world(self, world: World) -> AgendaWorld:
        """On the World's convening (10:00 to 14:00 EST): two published versions, then a
        draft that runs past the end; minutes published, one entry edited, one deleted."""
        # The World's objects come from another session: work on this session's copies.
        convening, organiser, coordinator, admin, invited = (
            self.session.get(type(obj), obj.id)
            for obj in (
                world.convening,
                world.organiser,
                world.coordinator,
                world.admin,
                world.invited,
            )
        )
        welcome = self.item(
            convening,
            organiser,
            "Welcome",
            30,
            presenters_text="The Deputy Director",
            presenting=(invited,),
        )
        briefing = self.government_only(convening, organiser)
        figures = self.item(
            convening,
            organiser,
            "Takedown figures",
            90,
            kind=AgendaItemKind.DISCUSSION,
            description="What each company removed, and **how fast**:\n\n- video\n- text",
        )
        self.publish_agenda(convening, organiser)
        self.rename(welcome, organiser, "Welcome and introductions")
        lunch_day = convening.local_start.replace(tzinfo=None)
        lunch = self.item(
            convening,
            organiser,
            "Lunch",
            60,
            kind=AgendaItemKind.MEAL,
            fixed_start_local=lunch_day.replace(hour=13, minute=15),
        )
        latest = self.publish_agenda(convening, organiser)
        # Unpublished: ends 75 minutes after the convening does.
        wrap_up = self.item(convening, organiser, "Wrap-up", 60)

        note = self.minute(convening, coordinator, "Apple will share its figures.", item=welcome)
        self.edit_minute(convening, coordinator, note, "Apple will share its figures by *Friday*.")
        self.minute(
            convening,
            coordinator,
            "Meet again in the autumn.",
            kind=MinuteKind.DECISION,
        )
        self.minute(convening, coordinator, "Agencies compare notes.", item=briefing)
        mistake = self.minute(convening, coordinator, "Written in the wrong place.")
        self.delete_minute(convening, coordinator, mistake)
        self.publish_minutes(convening, organiser)

        debrief = self.convening(
            "Valleywood debrief",
            starts_at=convening.starts_at.replace(month=2),
            organisers=(organiser,),
            coordinators=(coordinator,),
        )
        self.invitation(debrief, invited)
        self.minute(debrief, coordinator, "Not for participants yet.")
        # The admin already has a feed: the page then only offers a new address.
        self.calendar_feed(admin)
        items = {item.title: item for item in (welcome, briefing, figures, lunch, wrap_up)}
        return AgendaWorld(world, items, latest, note, debrief)
