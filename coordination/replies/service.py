"""Applying a calendar reply through the same services as the answer page.

The reply address names the invitation (or delegate); the UID, the ATTENDEE and the SEQUENCE
must agree with what we sent. The focal point's Accept, Tentative or Decline answers for the
organisation; a delegate's Decline cancels that delegate. Counter-proposals and delegations
are kept for the organisers, never applied. Anything that matches nothing is quarantined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import render_template
from sqlalchemy.orm import Session

from .. import audit, mail
from ..calendar import ics
from ..invitations.answering import answers, delegate_mail, delegates
from ..models import (
    CalendarProposal,
    DelegateStatus,
    InvitationStatus,
    QuarantinedReply,
    ReplyAddress,
    utcnow,
)
from ..principal import Principal
from ..urls import external_url
from . import addresses, parsing

STATUSES = {
    "ACCEPTED": InvitationStatus.ACCEPTED,
    "TENTATIVE": InvitationStatus.TENTATIVE,
    "DECLINED": InvitationStatus.DECLINED,
}
FROM_CALENDAR = "invitation.answered_from_calendar"
PROPOSAL_KINDS = ("COUNTER", "DELEGATED")
_UID_CONVENING = re.compile(r"^convening-(\d+)-")


class Unmatched(Exception):
    """The message answers nothing we sent: it is quarantined with this reason."""


@dataclass(frozen=True)
class Delivery:
    """A delivered message and its envelope."""

    raw: bytes
    sender: str
    recipient: str

    @property
    def message(self):
        return parsing.parse(self.raw)


def _header(message, name: str, limit: int) -> str:
    try:
        value = str(message.get(name, "") or "")
    except (ValueError, TypeError):
        value = ""
    return " ".join(value.split())[:limit]


def quarantine(session: Session, delivery: Delivery, reason: str) -> QuarantinedReply:
    """Keep a message that changed nothing, with why, for the administrators."""
    try:
        message = delivery.message
    except Exception:  # a message too broken to parse is still kept
        message = {}
    entry = QuarantinedReply(
        sender=(delivery.sender or _header(message, "From", 320))[:320],
        recipient=delivery.recipient[:320],
        subject=_header(message, "Subject", 998),
        message_id=_header(message, "Message-ID", 998),
        reason=reason[:500],
        received_at=utcnow(),
    )
    session.add(entry)
    return entry


def _address(session: Session, recipient: str) -> ReplyAddress:
    parts = addresses.configured()
    token = addresses.token_of(recipient, parts) if parts else None
    found = addresses.find(session, token) if token else None
    if found is None:
        raise Unmatched("The reply address is not one we gave out.")
    if found.convening.ends_at <= utcnow():
        raise Unmatched("The reply address has expired: its convening is over.")
    return found


def _replies(message) -> list[parsing.CalendarReply]:
    found = []
    for text in parsing.calendar_parts(message):
        try:
            found.extend(parsing.replies_in(text))
        except ValueError as error:
            raise Unmatched(f"The calendar could not be read: {error}"[:500]) from None
    if not found:
        raise Unmatched("The message holds no calendar reply.")
    return found


def _matching(address: ReplyAddress, replies: list[parsing.CalendarReply]):
    """The reply about the event this address was given for, by the person invited."""
    convening, invitation, delegate = address.convening, address.invitation, address.delegate
    if delegate is not None:
        uid, email = ics.delegate_uid(convening, delegate.id), delegate.email
    else:
        contact = invitation.focal_point
        uid, email = ics.invitation_uid(convening, invitation.id), contact.email if contact else ""
    about = [reply for reply in replies if reply.uid == uid]
    if not about:
        others = {_UID_CONVENING.match(reply.uid) for reply in replies}
        if any(match and int(match.group(1)) != convening.id for match in others):
            raise Unmatched("The reply is about another convening than its address.")
        raise Unmatched("The reply's UID matches no calendar request sent to this address.")
    for reply in about:
        if reply.attendee == (email or "").lower():
            return reply
    raise Unmatched("The reply's ATTENDEE is not the person the request was sent to.")


def _current_sequence(address: ReplyAddress) -> int:
    if address.delegate is not None:
        return delegate_mail.sequence(address.invitation, address.delegate)
    invitation = address.invitation
    return invitation.convening.calendar_sequence + invitation.calendar_sequence


def _tell_closed(session: Session, address: ReplyAddress, to: str, reason: str) -> None:
    """Tell whoever replied that their calendar's answer changed nothing, and where to go."""
    invitation = address.invitation
    if address.delegate is None:
        link = external_url("invitations.answer", invitation_id=invitation.id)
    else:
        link = external_url("convenings.show", convening_id=invitation.convening_id)
    context = {"convening": invitation.convening, "reason": reason, "link": link}
    mail.queue(
        session,
        [to],
        f"Your calendar's answer was not recorded: {invitation.convening.title}",
        render_template("email/calendar_reply_closed.txt", **context),
        convening_id=invitation.convening_id,
    )


def _record(session, address, delivery, reply, changes) -> None:
    invitation = address.invitation
    audit.record(
        session,
        None,
        FROM_CALENDAR,
        address.delegate or invitation,
        changes={
            **changes,
            "message_id": _header(delivery.message, "Message-ID", 998),
            "by": reply.attendee,
            **({"comment": reply.comment} if reply.comment else {}),
        },
        convening_id=invitation.convening_id,
        label=invitation.organisation.name,
    )


def receive(session: Session, delivery: Delivery) -> str:
    """Apply one delivered calendar reply; what it did, in words for the log.

    Raises Unmatched (quarantine it) or a service's InputError (roll back, then quarantine).
    """
    address = _address(session, delivery.recipient)
    reply = _matching(address, _replies(delivery.message))
    current = _current_sequence(address)
    if reply.sequence < current:
        raise Unmatched(
            f"The reply answers an older version of the event (SEQUENCE {reply.sequence}, "
            f"now {current})."
        )
    invitation = address.invitation
    if reply.method in PROPOSAL_KINDS or reply.partstat == "DELEGATED":
        kind = "COUNTER" if reply.method == "COUNTER" else "DELEGATED"
        detail = "; ".join(part for part in (reply.proposal, reply.comment) if part)
        session.add(
            CalendarProposal(
                invitation_id=invitation.id,
                kind=kind,
                sender=reply.attendee[:320],
                detail=detail,
                message_id=_header(delivery.message, "Message-ID", 998),
                received_at=utcnow(),
            )
        )
        return f"kept a {kind.lower()} proposal for the organisers"
    if reply.method != "REPLY":
        raise Unmatched(f"The calendar part is a {reply.method or 'bare'} message, not a REPLY.")
    status = STATUSES.get(reply.partstat)
    if status is None:
        raise Unmatched("The reply gives no answer (accepted, tentative or declined).")
    invited = answers.Answerer(user=None, on_behalf=False)
    reason = answers.closed_reason(invitation, invited)
    if reason:
        _tell_closed(session, address, reply.attendee, reason)
        return "answers are closed; told the sender"
    principal = Principal(user=None, link_grants={invitation.id: invitation.token_hash or ""})
    delegate = address.delegate
    if delegate is not None:
        if status is not InvitationStatus.DECLINED or delegate.status != DelegateStatus.CONFIRMED:
            return "nothing to change"
        delegates.cancel(session, principal, invitation, delegate)
        _record(session, address, delivery, reply, {"delegate": [delegate.name, "cancelled"]})
        return "cancelled the delegate"
    before = invitation.status
    if not answers.answer(session, principal, invitation, status, confirmed=True):
        return "nothing to change"
    _record(session, address, delivery, reply, {"status": [before.value, status.value]})
    return f"answered {status.value}"
