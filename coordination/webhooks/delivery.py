"""The worker: claims due deliveries, signs and sends them, and records how each went.

Each delivery is sent at most once while workers run normally, however many run at once. A
worker claims one row and commits the claim before it talks to the receiver: on PostgreSQL it
picks the row with ``SELECT ... FOR UPDATE SKIP LOCKED``, so workers never queue behind each
other's picks; on SQLite (one writer at a time) a conditional UPDATE does. Either way the claim
only matches a row nobody holds, or whose holder's lease has run out.

The remaining at-least-once window, as with mail: a worker that dies after the receiver
accepted a delivery but before recording it leaves a claim that expires after the lease, and
the delivery is sent again with the same event id and delivery id, which receivers drop.
"""

from __future__ import annotations

import http.client
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload

from ..mail import worker_name
from ..models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
    utcnow,
)
from ..principal import load_principal
from . import targets, transport
from .access import may_receive
from .notices import queue_paused_notice
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature

log = logging.getLogger("coordination.webhooks")

OWNER_MAY_NOT = (
    "Not sent: the subscription's owner may no longer receive this convening's events "
    "(they left its organisers, lost administrator rights or were deactivated)."
)


@dataclass
class Report:
    delivered: int = 0
    failed: int = 0


def retry_delay(config, attempts: int) -> timedelta:
    """The wait after that many failed attempts: the first wait, doubled each time, capped."""
    first = int(config["WEBHOOK_RETRY_SECONDS"])
    longest = int(config["WEBHOOK_RETRY_MAX_SECONDS"])
    return timedelta(seconds=min(first * 2 ** min(max(attempts - 1, 0), 32), longest))


def claim_lease(config) -> timedelta:
    """How long a claim holds: well past the longest an attempt can take."""
    return timedelta(minutes=5) + 4 * timedelta(seconds=int(config["WEBHOOK_TIMEOUT_SECONDS"]))


def describe(error: BaseException, timeout: float) -> str:
    """What went wrong, in words its owner can act on."""
    if isinstance(error, targets.TargetRefused):
        return f"Not sent: {error}"
    if isinstance(error, TimeoutError):
        return f"No answer within {timeout:g} seconds."
    if isinstance(error, ConnectionRefusedError):
        return "The receiver refused the connection: nothing listens at that address and port."
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"The receiver's certificate could not be verified: {error.verify_message}."
    if isinstance(error, ssl.SSLError):
        return f"The secure connection failed: {error.reason or error}."
    if isinstance(error, http.client.HTTPException):
        return f"The receiver's answer was not valid HTTP ({type(error).__name__})."
    return f"Could not reach the receiver: {error}"


class Worker:
    """Sends due deliveries one at a time, as one named worker."""

    def __init__(self, session: Session, config, name: str | None = None):
        self.session = session
        self.config = config
        self.name = name or worker_name()
        self.lease = claim_lease(config)
        self.timeout = float(config["WEBHOOK_TIMEOUT_SECONDS"])
        self.postgresql = session.get_bind().dialect.name == "postgresql"

    def _claimable(self, due_by: datetime, now: datetime) -> tuple:
        active = select(WebhookSubscription.id).where(WebhookSubscription.paused_at.is_(None))
        return (
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= due_by,
            or_(
                WebhookDelivery.claimed_at.is_(None),
                WebhookDelivery.claimed_at < now - self.lease,
            ),
            WebhookDelivery.subscription_id.in_(active),
        )

    def claim(self, due_by: datetime) -> WebhookDelivery | None:
        """The next delivery due by then that this worker won; the claim is committed."""
        while True:
            now = utcnow()
            pick = (
                select(WebhookDelivery.id)
                .where(*self._claimable(due_by, now))
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(1)
            )
            if self.postgresql:
                pick = pick.with_for_update(skip_locked=True, of=WebhookDelivery)
            delivery_id = self.session.scalar(pick)
            if delivery_id is None:
                self.session.commit()
                return None
            won = self.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, *self._claimable(due_by, now))
                .values(claimed_by=self.name, claimed_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if won == 1:
                delivery = self.session.get(
                    WebhookDelivery,
                    delivery_id,
                    populate_existing=True,
                    options=[
                        joinedload(WebhookDelivery.event),
                        joinedload(WebhookDelivery.subscription).joinedload(
                            WebhookSubscription.owner
                        ),
                        joinedload(WebhookDelivery.subscription).joinedload(
                            WebhookSubscription.convening
                        ),
                    ],
                )
                self.session.commit()
                return delivery
            self.session.commit()

    def attempt(self, delivery: WebhookDelivery) -> bool:
        """Sign and send one claimed delivery; True if the receiver accepted it (2xx)."""
        subscription = delivery.subscription
        if not may_receive(load_principal(self.session, subscription.owner), subscription):
            self._failed(delivery, OWNER_MAY_NOT, give_up=True, counts=False)
            return False
        body = delivery.body.encode()
        headers = {
            SIGNATURE_HEADER: signature(subscription.secret, int(time.time()), body),
            EVENT_HEADER: delivery.event.type,
            DELIVERY_HEADER: delivery.public_id,
        }
        # No transaction stays open (nor, on SQLite, the write lock) while the receiver talks.
        self.session.commit()
        try:
            target, addresses = targets.check(subscription.url, self.config)
            answer = transport.post(target, addresses, body, headers, self.timeout)
        except (targets.TargetRefused, OSError, http.client.HTTPException) as error:
            self._failed(delivery, describe(error, self.timeout))
            return False
        if 200 <= answer.status < 300:
            self._delivered(delivery, answer.status)
            return True
        said = f"The receiver answered {answer.status} {answer.reason}".rstrip()
        if 300 <= answer.status < 400:
            said += ": redirects are not followed, so subscribe the address it points to."
        elif answer.preview.strip():
            said += f": {' '.join(answer.preview.split())}"
        self._failed(delivery, said, status=answer.status)
        return False

    def _mine(self, delivery: WebhookDelivery):
        return update(WebhookDelivery).where(
            WebhookDelivery.id == delivery.id,
            WebhookDelivery.claimed_by == self.name,
            WebhookDelivery.status == DeliveryStatus.PENDING,
        )

    def _delivered(self, delivery: WebhookDelivery, status: int) -> None:
        now = utcnow()
        recorded = self.session.execute(
            self._mine(delivery)
            .values(
                status=DeliveryStatus.DELIVERED,
                attempts=WebhookDelivery.attempts + 1,
                delivered_at=now,
                last_attempt_at=now,
                response_status=status,
                last_error=None,
                claimed_by=None,
                claimed_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if recorded:
            self.session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == delivery.subscription_id)
                .values(consecutive_failures=0)
                .execution_options(synchronize_session=False)
            )
        self.session.commit()

    def _failed(
        self,
        delivery: WebhookDelivery,
        error: str,
        *,
        status: int | None = None,
        give_up: bool = False,
        counts: bool = True,
    ) -> None:
        """Schedule the next attempt, or give up; either way release the claim."""
        now = utcnow()
        attempts = delivery.attempts + 1
        give_up = give_up or attempts >= int(self.config["WEBHOOK_MAX_ATTEMPTS"])
        log.warning("Webhook delivery %s failed (attempt %s): %s", delivery.id, attempts, error)
        recorded = self.session.execute(
            self._mine(delivery)
            .values(
                status=DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING,
                attempts=attempts,
                last_attempt_at=now,
                response_status=status,
                last_error=error[:2000],
                next_attempt_at=now + retry_delay(self.config, attempts),
                claimed_by=None,
                claimed_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if recorded and counts:
            self._count_failure(delivery.subscription_id, now, error)
        self.session.commit()

    def _count_failure(self, subscription_id: int, now: datetime, error: str) -> None:
        """One more failure in a row; at the configured number the subscription is paused and
        its owner told, once, however many workers fail at the same moment."""
        failures = self.session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == subscription_id)
            .values(consecutive_failures=WebhookSubscription.consecutive_failures + 1)
            .returning(WebhookSubscription.consecutive_failures)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        threshold = int(self.config["WEBHOOK_PAUSE_AFTER_FAILURES"])
        if failures is None or threshold <= 0 or failures < threshold:
            return
        paused = self.session.execute(
            update(WebhookSubscription)
            .where(
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.paused_at.is_(None),
            )
            .values(
                paused_at=now,
                paused_reason=f"Paused after {failures} failed attempts in a row."[:300],
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if paused:
            queue_paused_notice(self.session, subscription_id, failures, error)

    def run(self, stop: Callable[[], bool] | None = None) -> Report:
        """Send every delivery due when the round started (until ``stop()``)."""
        started = utcnow()
        report = Report()
        while not (stop and stop()):
            delivery = self.claim(started)
            if delivery is None:
                break
            if self.attempt(delivery):
                report.delivered += 1
            else:
                report.failed += 1
        return report


def deliver_pending(
    session: Session, config, *, worker: str | None = None, stop: Callable[[], bool] | None = None
) -> Report:
    """Send the committed deliveries that are due; answers how many went and failed."""
    return Worker(session, config, worker).run(stop)
