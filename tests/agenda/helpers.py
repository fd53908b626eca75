"""Shared pieces of the agenda tests: items written straight to the database."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coordination.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaVersion,
    Audience,
    AudienceKind,
    AudienceOrganisation,
    AuditEvent,
    Convening,
    Delegate,
    Invitation,
    Organisation,
)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def add_item(
    db: Session,
    convening: Convening,
    title: str,
    minutes: int = 30,
    *,
    position: int | None = None,
    fixed_start: datetime | None = None,
    kind: AgendaItemKind = AgendaItemKind.SESSION,
    audience: AudienceKind = AudienceKind.EVERYONE,
    organisation_kinds: tuple[str, ...] = (),
    organisations: tuple[Organisation, ...] = (),
    description: str = "",
) -> AgendaItem:
    """An item at the end of the agenda (or at ``position``)."""
    if position is None:
        position = db.scalar(
            select(func.count(AgendaItem.id)).where(AgendaItem.convening_id == convening.id)
        )
    item = AgendaItem(
        convening_id=convening.id,
        position=position,
        kind=kind,
        title=title,
        description=description,
        duration_minutes=minutes,
        fixed_start=fixed_start,
        audience=Audience(
            kind=audience,
            organisation_kinds=list(organisation_kinds),
            organisation_links=[AudienceOrganisation(organisation_id=o.id) for o in organisations],
        ),
    )
    db.add(item)
    db.commit()
    return item


def add_delegate(db: Session, invitation: Invitation, name: str, email: str) -> Delegate:
    delegate = Delegate(
        invitation_id=invitation.id, name=name, email=email, email_normalized=email.lower()
    )
    db.add(delegate)
    db.commit()
    return delegate


def titles(db: Session, convening: Convening) -> list[str]:
    db.expire_all()
    return list(
        db.scalars(
            select(AgendaItem.title)
            .where(AgendaItem.convening_id == convening.id)
            .order_by(AgendaItem.position)
        )
    )


def versions(db: Session, convening: Convening) -> list[AgendaVersion]:
    db.expire_all()
    return list(
        db.scalars(
            select(AgendaVersion)
            .where(AgendaVersion.convening_id == convening.id)
            .order_by(AgendaVersion.number)
        )
    )


def audit_actions(db: Session, convening: Convening) -> list[str]:
    return list(
        db.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.convening_id == convening.id)
            .order_by(AuditEvent.id)
        )
    )


def error_beside(page: str, field: str) -> str:
    """The inline error text shown beside a field."""
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', page, re.S)
    assert match, f"no error beside {field}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


def text_of(page: str) -> str:
    """The page's visible text, tags removed and entities decoded."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
