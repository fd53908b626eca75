"""Naming, changing and removing an organisation's delegates, within its seat quota.

The quota holds under concurrency: each change re-reads the invitation under a row lock and
counts the confirmed delegates inside the same transaction before adding one.
A delegate removed is kept as cancelled (for the history); naming the same address again
brings that row back. Every change that emails a delegate is held to the hourly cap of
``mail_limits``, checked before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ... import audit
from ...models import AttendanceMode, Delegate, DelegateStatus, Invitation
from ...principal import Principal
from ...service import InputError
from . import delegate_mail
from .answers import (
    NAMING_STATUSES,
    Answerer,
    acting_answerer,
    check_mail_allowance,
    check_open,
    lock_invitation,
    record,
)

NAME_MAX = 200
EMAIL_MAX = 254
TITLE_MAX = 200
NEEDS_MAX = 2000
INVALID_EMAIL = "Enter an email address like name@example.org."
AUDITED = (
    "name",
    "email",
    "title",
    "attendance",
    "accessibility_needs",
    "dietary_needs",
    "is_head",
)


@dataclass
class DelegateInput:
    name: str
    email: str
    title: str = ""
    attendance: AttendanceMode = AttendanceMode.IN_PERSON
    accessibility_needs: str = ""
    dietary_needs: str = ""
    is_head: bool = False


def _clean(data: DelegateInput) -> dict:
    """The values to store, or InputError naming the first field that is wrong."""
    name = " ".join((data.name or "").split())
    email = (data.email or "").strip()
    title = " ".join((data.title or "").split())
    if not name:
        raise InputError("Enter the delegate's name.", "name")
    if len(name) > NAME_MAX:
        raise InputError(f"Use at most {NAME_MAX} characters.", "name")
    if not email:
        raise InputError("Enter the delegate's email address.", "email")
    if len(email) > EMAIL_MAX:
        raise InputError(f"Use at most {EMAIL_MAX} characters.", "email")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise InputError(INVALID_EMAIL, "email") from None
    if len(title) > TITLE_MAX:
        raise InputError(f"Use at most {TITLE_MAX} characters.", "title")
    needs = {}
    for name_, value in (
        ("accessibility_needs", data.accessibility_needs),
        ("dietary_needs", data.dietary_needs),
    ):
        value = (value or "").strip()
        if len(value) > NEEDS_MAX:
            raise InputError(f"Use at most {NEEDS_MAX:,} characters.", name_)
        needs[name_] = value
    return {
        "name": name,
        "email": email,
        "email_normalized": email.lower(),
        "title": title or None,
        "attendance": AttendanceMode(data.attendance),
        "is_head": bool(data.is_head),
        **needs,
    }


def _check_may_name(invitation: Invitation, answerer: Answerer) -> None:
    check_open(invitation, answerer)
    if invitation.status not in NAMING_STATUSES:
        raise InputError("Accept the invitation (or answer tentatively) before naming delegates.")


def _confirmed_count(session: Session, invitation: Invitation) -> int:
    return session.scalar(
        select(func.count(Delegate.id)).where(
            Delegate.invitation_id == invitation.id,
            Delegate.status == DelegateStatus.CONFIRMED,
        )
    )


def _same_address(session: Session, invitation: Invitation, normalized: str) -> Delegate | None:
    return session.scalar(
        select(Delegate).where(
            Delegate.invitation_id == invitation.id, Delegate.email_normalized == normalized
        )
    )


def _duplicate(email: str) -> InputError:
    return InputError(f"{email} is already named as a delegate.", "email")


def _one_head(session: Session, invitation: Invitation, head: Delegate) -> None:
    """Marking a head of delegation unmarks the previous one."""
    for other in session.scalars(
        select(Delegate).where(
            Delegate.invitation_id == invitation.id,
            Delegate.is_head.is_(True),
            Delegate.id != head.id,
        )
    ):
        other.is_head = False


def seats_full_message(quota: int) -> str:
    seats = "seat is" if quota == 1 else f"{quota} seats are"
    return f"All {seats} taken; ask for more seats, or remove a delegate first."


def add(
    session: Session, principal: Principal, invitation: Invitation, data: DelegateInput
) -> Delegate:
    """Name a delegate within the quota; they receive their confirmation and calendar file."""
    answerer = acting_answerer(principal, invitation)
    values = _clean(data)
    invitation = lock_invitation(session, invitation)
    _check_may_name(invitation, answerer)
    if _confirmed_count(session, invitation) >= invitation.seat_quota:
        raise InputError(seats_full_message(invitation.seat_quota))
    delegate = _same_address(session, invitation, values["email_normalized"])
    if delegate is not None and delegate.status == DelegateStatus.CONFIRMED:
        raise _duplicate(values["email"])
    check_mail_allowance(session, invitation, [values["email"]], answerer, "email")
    if delegate is not None:
        # Named before and removed: bring them back with what was entered now.
        for name, value in values.items():
            setattr(delegate, name, value)
        delegate.status = DelegateStatus.CONFIRMED
        delegate.checked_in_at = None
        delegate.calendar_sequence += 1
        session.flush()
    else:
        delegate = Delegate(invitation_id=invitation.id, **values)
        try:
            with session.begin_nested():
                session.add(delegate)
                session.flush()
        except IntegrityError:
            raise _duplicate(values["email"]) from None
    if delegate.is_head:
        _one_head(session, invitation, delegate)
    record(
        session,
        answerer,
        "delegate.added",
        delegate,
        invitation,
        {"organisation": invitation.organisation.name, **audit.snapshot(delegate, AUDITED)},
    )
    delegate_mail.send(session, invitation, delegate, delegate_mail.CONFIRMED)
    session.flush()
    return delegate


def find(invitation: Invitation, delegate_id: int) -> Delegate | None:
    """The confirmed delegate with this id on this invitation, or None."""
    for delegate in invitation.delegates:
        if delegate.id == delegate_id and delegate.status == DelegateStatus.CONFIRMED:
            return delegate
    return None


def _mail_for_update(delegate: Delegate, values: dict) -> list[str]:
    """The addresses that saving these values would email (see ``update``)."""
    if values["email_normalized"] != delegate.email_normalized:
        return [delegate.email, values["email"]]
    if values["attendance"] != delegate.attendance or values["email"] != delegate.email:
        return [values["email"]]
    return []


def update(
    session: Session,
    principal: Principal,
    invitation: Invitation,
    delegate: Delegate,
    data: DelegateInput,
) -> bool:
    """Change a delegate's details; answer whether anything changed.

    A new attendance mode sends them an updated calendar invitation; a corrected address
    sends a cancellation to the old one and the invitation to the new one.
    """
    answerer = acting_answerer(principal, invitation)
    values = _clean(data)
    invitation = lock_invitation(session, invitation)
    _check_may_name(invitation, answerer)
    session.refresh(delegate)
    if delegate.status != DelegateStatus.CONFIRMED:
        raise InputError("This delegate has been removed.")
    if values["email_normalized"] != delegate.email_normalized:
        other = _same_address(session, invitation, values["email_normalized"])
        if other is not None and other.status == DelegateStatus.CONFIRMED:
            raise _duplicate(values["email"])
        if other is not None:
            raise InputError(
                f"{values['email']} was named earlier and removed: add them again instead.",
                "email",
            )
    check_mail_allowance(session, invitation, _mail_for_update(delegate, values), answerer, "email")
    before = audit.snapshot(delegate, AUDITED)
    old_address = delegate.email
    for name, value in values.items():
        setattr(delegate, name, value)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise _duplicate(values["email"]) from None
    changes = audit.changes_between(before, audit.snapshot(delegate, AUDITED))
    if not changes:
        return False
    if delegate.is_head:
        _one_head(session, invitation, delegate)
    record(session, answerer, "delegate.updated", delegate, invitation, changes)
    if "email" in changes and old_address.lower() != delegate.email_normalized:
        delegate.calendar_sequence += 1
        delegate_mail.send(
            session, invitation, delegate, delegate_mail.CANCELLED, address=old_address
        )
        delegate_mail.send(session, invitation, delegate, delegate_mail.CONFIRMED)
    elif "attendance" in changes or "email" in changes:
        delegate.calendar_sequence += 1
        delegate_mail.send(session, invitation, delegate, delegate_mail.UPDATED)
    session.flush()
    return True


def cancel(
    session: Session, principal: Principal, invitation: Invitation, delegate: Delegate
) -> None:
    """Remove a delegate (kept as cancelled); they receive a calendar cancellation."""
    answerer = acting_answerer(principal, invitation)
    invitation = lock_invitation(session, invitation)
    check_open(invitation, answerer)
    session.refresh(delegate)
    if delegate.status != DelegateStatus.CONFIRMED:
        raise InputError("This delegate has already been removed.")
    check_mail_allowance(session, invitation, [delegate.email], answerer)
    delegate.status = DelegateStatus.CANCELLED
    delegate.is_head = False
    delegate.calendar_sequence += 1
    session.flush()
    record(
        session,
        answerer,
        "delegate.cancelled",
        delegate,
        invitation,
        {"organisation": invitation.organisation.name, "email": delegate.email},
    )
    delegate_mail.send(session, invitation, delegate, delegate_mail.CANCELLED)
    session.flush()
