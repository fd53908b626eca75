"""Test data, written through the real database."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, object_session

from coordination import storage
from coordination.auth.passwords import hash_password
from coordination.models import (
    ActionItem,
    ActionPriority,
    ActionStatus,
    ActionUpdate,
    ActionUpdateKind,
    Audience,
    AudienceKind,
    AudienceOrganisation,
    Contact,
    Convening,
    ConveningStatus,
    Document,
    DocumentVersion,
    Invitation,
    InvitationStatus,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    Series,
    TeamMembership,
    TeamRole,
    User,
)
from coordination.principal import Principal, load_principal

PASSWORD = "correct horse battery"
_sequence = itertools.count(1)


def principal(user: User | None) -> Principal:
    """Who acts when a test calls a service as ``user`` (None: the system), roles read now."""
    if user is None:
        return Principal(user=None)
    return load_principal(object_session(user), user)


class Factories:
    def __init__(self, session: Session, app):
        self.session = session
        self.app = app
        self._password_hash: str | None = None

    def _hash(self, password: str) -> str:
        with self.app.app_context():
            if password == PASSWORD:
                if self._password_hash is None:
                    self._password_hash = hash_password(PASSWORD)
                return self._password_hash
            return hash_password(password)

    def commit(self) -> None:
        self.session.commit()

    def user(
        self,
        email: str | None = None,
        name: str | None = None,
        *,
        password: str = PASSWORD,
        is_admin: bool = False,
        active: bool = True,
        contact: Contact | None = None,
        email_confirmed: bool | None = None,
        commit: bool = True,
    ) -> User:
        """An account; one with a password has proved its address unless told otherwise."""
        number = next(_sequence)
        email = email or f"person{number}@example.org"
        if email_confirmed is None:
            email_confirmed = bool(password)
        user = User(
            email=email,
            email_normalized=email.strip().lower(),
            name=name or f"Person {number}",
            password_hash=self._hash(password) if password else None,
            is_admin=is_admin,
            active=active,
            contact=contact,
            email_confirmed_at=datetime.now(UTC) if email_confirmed else None,
        )
        self.session.add(user)
        if commit:
            self.session.commit()
        return user

    def organisation(
        self,
        name: str | None = None,
        *,
        kind: OrganisationKind = OrganisationKind.COMPANY,
        country: str | None = "US",
        sectors: tuple[str, ...] = (),
        commit: bool = True,
        **fields,
    ) -> Organisation:
        name = name or f"Organisation {next(_sequence)}"
        organisation = Organisation(
            name=name, name_normalized=name.strip().lower(), kind=kind, country=country, **fields
        )
        organisation.sector_links = [OrganisationSector(name=sector) for sector in sectors]
        self.session.add(organisation)
        if commit:
            self.session.commit()
        return organisation

    def contact(
        self,
        organisation: Organisation,
        name: str | None = None,
        email: str | None = None,
        commit: bool = True,
        **fields,
    ) -> Contact:
        number = next(_sequence)
        email = email or f"contact{number}@example.org"
        contact = Contact(
            organisation=organisation,
            name=name or f"Contact {number}",
            email=email,
            email_normalized=email.lower(),
            **fields,
        )
        self.session.add(contact)
        if commit:
            self.session.commit()
        return contact

    def participant(self, organisation: Organisation, email: str | None = None, **fields) -> User:
        """A user who is a contact of the organisation."""
        contact = self.contact(organisation, email=email, commit=False)
        return self.user(email=contact.email, contact=contact, **fields)

    def series(self, name: str | None = None, commit: bool = True) -> Series:
        series = Series(name=name or f"Series {next(_sequence)}")
        self.session.add(series)
        if commit:
            self.session.commit()
        return series

    def convening(
        self,
        title: str | None = None,
        *,
        status: ConveningStatus = ConveningStatus.PUBLISHED,
        timezone: str = "America/New_York",
        starts_at: datetime | None = None,
        hours: float = 4,
        organisers: tuple[User, ...] = (),
        coordinators: tuple[User, ...] = (),
        commit: bool = True,
        **fields,
    ) -> Convening:
        starts_at = starts_at or datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        convening = Convening(
            title=title or f"Convening {next(_sequence)}",
            timezone=timezone,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            sensitivity=fields.pop("sensitivity", "Official"),
            status=status,
            **fields,
        )
        convening.team = [
            TeamMembership(user=user, role=TeamRole.ORGANISER) for user in organisers
        ] + [TeamMembership(user=user, role=TeamRole.COORDINATOR) for user in coordinators]
        self.session.add(convening)
        if commit:
            self.session.commit()
        return convening

    def invitation(
        self,
        convening: Convening,
        organisation: Organisation,
        *,
        status: InvitationStatus = InvitationStatus.SENT,
        commit: bool = True,
        **fields,
    ) -> Invitation:
        invitation = Invitation(
            convening=convening, organisation=organisation, status=status, **fields
        )
        self.session.add(invitation)
        if commit:
            self.session.commit()
        return invitation

    def audience(
        self,
        kind: AudienceKind = AudienceKind.EVERYONE,
        *,
        organisation_kinds: tuple[OrganisationKind, ...] = (),
        organisations: tuple[Organisation, ...] = (),
    ) -> Audience:
        return Audience(
            kind=kind,
            organisation_kinds=[kind.value for kind in organisation_kinds],
            organisation_links=[
                AudienceOrganisation(organisation_id=organisation.id)
                for organisation in organisations
            ],
        )

    def document(
        self,
        convening: Convening,
        title: str | None = None,
        *,
        audience: Audience | None = None,
        sensitivity: str = "Official",
        content: bytes = b"%PDF-1.4 placeholder",
        filename: str = "briefing.pdf",
        media_type: str = "application/pdf",
        commit: bool = True,
        **fields,
    ) -> Document:
        """A document with one version whose file is really written to the documents folder."""
        document = Document(
            convening=convening,
            title=title or f"Briefing {next(_sequence)}",
            sensitivity=sensitivity,
            audience=audience or self.audience(),
            **fields,
        )
        self.session.add(document)
        self.document_version(
            document, content, filename=filename, media_type=media_type, commit=False
        )
        if commit:
            self.session.commit()
        return document

    def document_version(
        self,
        document: Document,
        content: bytes,
        *,
        filename: str = "briefing.pdf",
        media_type: str = "application/pdf",
        commit: bool = True,
    ) -> DocumentVersion:
        key = storage.new_key()
        with self.app.app_context():
            path = storage.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        version = DocumentVersion(
            document=document,
            number=len(document.versions) + 1,
            storage_key=key,
            filename=filename,
            media_type=media_type,
            size_bytes=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        self.session.add(version)
        if commit:
            self.session.commit()
        return version

    def action(
        self,
        convening: Convening,
        title: str | None = None,
        *,
        owner_organisation: Organisation | None = None,
        owner_user: User | None = None,
        status: ActionStatus = ActionStatus.OPEN,
        priority: ActionPriority = ActionPriority.NORMAL,
        due_on: date | None = None,
        commit: bool = True,
        **fields,
    ) -> ActionItem:
        action = ActionItem(
            convening=convening,
            title=title or f"Action {next(_sequence)}",
            owner_organisation=owner_organisation,
            owner_user=owner_user,
            status=status,
            priority=priority,
            due_on=due_on,
            **fields,
        )
        action.updates.append(
            ActionUpdate(kind=ActionUpdateKind.CREATED, new_status=status, author_name="Test team")
        )
        self.session.add(action)
        if commit:
            self.session.commit()
        return action
