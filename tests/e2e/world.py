"""Arranging data for browser tests, written straight to the server's database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from coordination.audit import record
from coordination.db import Database
from coordination.invitations.links import issue_link
from coordination.models import (
    AttendanceMode,
    Base,
    Convening,
    ConveningStatus,
    Delegate,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    SeatRequestStatus,
    Series,
    TokenPurpose,
    User,
    UserToken,
    utcnow,
)
from coordination.tokens import new_token

from ..factories import PASSWORD, Factories

__all__ = ["PASSWORD", "Arrange", "World", "delete_all_rows"]


def delete_all_rows(database: Database) -> None:
    """Empty every table, so each test starts from a clean database."""
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f'DELETE FROM "{name}"'))


@dataclass
class World:
    """A small installation with someone in every role, for pages that need data."""

    admin: User
    organiser: User
    coordinator: User
    participant: User
    host: Organisation
    invited: Organisation
    series: Series
    convening: Convening
    draft: Convening
    reset_path: str
    confirm_email_path: str  # the coordinator has asked for a new address
    answered: Invitation  # Apple's: accepted, with delegates and a request for more seats
    waiting: Invitation  # the British Embassy's: sent, not answered
    draft_invitation: Invitation
    delegate: Delegate  # Apple's head of delegation
    rsvp_link: str  # the path of the link emailed to Apple's focal point
    batch: str  # a batch of invitation emails, some delivered and one failed

    def user(self, role: str | None) -> User | None:
        return getattr(self, role) if role else None


class Arrange(Factories):
    """The project's factories, plus what journeys need on top."""

    def organiser(self, name: str = "Olive Organiser", email: str | None = None) -> User:
        """A user who organises one convening, which lets them add people and organisations."""
        user = self.user(email=email, name=name)
        self.convening("Organiser's first convening", organisers=(user,))
        return user

    def reset_path(self, user: User, purpose: TokenPurpose = TokenPurpose.PASSWORD_RESET) -> str:
        """A working password link for the user, as the emailed one would be."""
        raw, digest = new_token()
        self.session.add(
            UserToken(
                user=user,
                purpose=purpose,
                token_hash=digest,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        self.session.commit()
        return f"/account/reset/{raw}"

    def confirm_email_path(self, user: User, new_email: str) -> str:
        """A working address confirmation link, as the one emailed to the new address."""
        raw, digest = new_token()
        user.pending_email = new_email
        self.session.add(
            UserToken(
                user=user,
                purpose=TokenPurpose.EMAIL_CHANGE,
                token_hash=digest,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        self.session.commit()
        return f"/account/email/confirm/{raw}"

    def world(self) -> World:
        admin = self.user(email="admin@example.org", name="Ada Administrator", is_admin=True)
        organiser = self.user(email="organiser@example.org", name="Olive Organiser")
        coordinator = self.user(email="coordinator@example.org", name="Cora Coordinator")
        host = self.organisation(
            "Department of Justice",
            kind=OrganisationKind.GOVERNMENT_AGENCY,
            sectors=("Government",),
            website="https://www.justice.example",
        )
        self.contact(host, "Harriet Host", "harriet@justice.example", title="Deputy Director")
        invited = self.organisation(
            "Apple", sectors=("Technology", "Social media"), website="https://apple.example"
        )
        participant = self.participant(invited, email="focal.apple@example.org", name="Pat Focal")
        embassy = self.organisation("British Embassy", kind=OrganisationKind.EMBASSY, country="GB")
        series = self.series("Countering propaganda online")
        starts = datetime(datetime.now(UTC).year + 1, 1, 8, 15, 0, tzinfo=UTC)
        convening = self.convening(
            "Madison Valleywood",
            codename="Madison Valleywood",
            summary=(
                "Briefing technology companies on **counter-narratives**.\n\n"
                "- Faster takedowns\n- [Optimistic messaging](https://example.org/messaging)"
            ),
            host_organisation=host,
            venue_name="Robert F. Kennedy Building",
            venue_address="950 Pennsylvania Avenue NW, Washington, DC",
            venue_room="Great Hall",
            remote_url="https://meet.example/valleywood",
            starts_at=starts,
            rsvp_deadline=starts - timedelta(days=7),
            series=series,
            organisers=(organiser,),
            coordinators=(coordinator,),
        )
        draft = self.convening(
            "Valleywood follow-up",
            status=ConveningStatus.DRAFT,
            timezone="America/Los_Angeles",
            starts_at=starts + timedelta(days=30),
            series=series,
            organisers=(organiser,),
        )
        invitations = self.invitations(convening, invited, participant, embassy, organiser)
        record(
            self.session,
            organiser,
            "convening.updated",
            convening,
            changes={"venue_room": ["Room 1", "Great Hall"]},
            convening_id=convening.id,
        )
        self.session.commit()
        return World(
            admin=admin,
            organiser=organiser,
            coordinator=coordinator,
            participant=participant,
            host=host,
            invited=invited,
            series=series,
            convening=convening,
            draft=draft,
            reset_path=self.reset_path(participant),
            confirm_email_path=self.confirm_email_path(coordinator, "cai.new@example.org"),
            **invitations,
        )

    def invitations(
        self,
        convening: Convening,
        apple: Organisation,
        focal: User,
        embassy: Organisation,
        organiser: User,
    ) -> dict:
        """Invitations in the states the organisers' and answering pages show.

        They went out before the convening's room changed, so a change notice is pending.
        """
        now = utcnow()
        sent = now - timedelta(days=2)
        convening.calendar_sequence = 1
        focal.contact.name = focal.name
        answered = self.invitation(
            convening,
            apple,
            status=InvitationStatus.ACCEPTED,
            seat_quota=4,
            focal_point=focal.contact,
            note="We would value a delegate from trust and safety.",
            sent_at=sent,
            responded_at=sent + timedelta(hours=5),
            extra_seats_requested=2,
            extra_seats_status=SeatRequestStatus.PENDING,
            extra_seats_reason="Our policy and engineering leads both want to come.",
            commit=False,
        )
        raw = issue_link(answered)
        delegates = [
            Delegate(
                invitation=answered,
                name="Hana Head",
                email="hana@apple.example",
                email_normalized="hana@apple.example",
                title="Vice President, Policy",
                is_head=True,
                dietary_needs="Vegetarian",
                checked_in_at=now - timedelta(minutes=5),
                checked_in_by=organiser,
            ),
            Delegate(
                invitation=answered,
                name="Rémi Remote",
                email="remi@apple.example",
                email_normalized="remi@apple.example",
                attendance=AttendanceMode.REMOTE,
                accessibility_needs="Live captions",
            ),
        ]
        self.session.add_all(delegates)
        ambassador = self.contact(embassy, "Amara Attaché", "amara@embassy.example", commit=False)
        waiting = self.invitation(
            convening,
            embassy,
            seat_quota=2,
            focal_point=ambassador,
            sent_at=sent,
            last_reminded_at=now - timedelta(hours=3),
            reminders_sent=1,
            commit=False,
        )
        issue_link(waiting)
        snap = self.organisation("Snap Inc.", sectors=("Social media",), commit=False)
        draft = self.invitation(
            convening, snap, status=InvitationStatus.DRAFT, seat_quota=1, commit=False
        )
        batch = "0123456789abcdef"
        for address, delivered in (
            ("focal.apple@example.org", True),
            ("amara@embassy.example", True),
            ("nobody@unreachable.example", False),
        ):
            self.session.add(
                OutboxMessage(
                    recipients=[address],
                    subject=f"Invitation: {convening.title}",
                    text_body="An invitation.",
                    attempts=1 if delivered else 5,
                    sent_at=sent if delivered else None,
                    failed_at=None if delivered else sent,
                    last_error=None if delivered else "550 No such mailbox",
                    batch=batch,
                    convening_id=convening.id,
                )
            )
        self.session.commit()
        return {
            "answered": answered,
            "waiting": waiting,
            "draft_invitation": draft,
            "delegate": delegates[0],
            "rsvp_link": f"/rsvp/{raw}",
            "batch": batch,
        }
