"""The LMTP server calendar replies are delivered to (by the mail server in front of us).

Recipients are checked at RCPT (our reply address with a token, else 550); a message larger
than REPLY_MAX_BYTES is refused (552); a peer delivering more than REPLY_PER_MINUTE messages a
minute is told to come back later (451). A message acts only once DATA has been received whole,
in one transaction per recipient, so a connection cut mid-message changes nothing.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import signal
import time

from aiosmtpd.lmtp import LMTP
from flask import Flask

from ..db import get_database
from ..service import InputError, StaleError
from . import addresses, service

log = logging.getLogger(__name__)
WINDOW_SECONDS = 60.0


class ReplyHandler:
    """aiosmtpd's handler hooks: refuse early what we would never take, then apply."""

    def __init__(self, app: Flask):
        self.app = app
        self.per_minute = int(app.config["REPLY_PER_MINUTE"])
        with app.app_context():
            self.parts = addresses.configured()
        self._recent: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    def _flooding(self, peer: str) -> bool:
        recent, now = self._recent[peer], time.monotonic()
        while recent and now - recent[0] > WINDOW_SECONDS:
            recent.popleft()
        return len(recent) >= self.per_minute

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self._flooding(_peer(session)):
            return "451 4.7.1 Too many messages from you; try again in a minute"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.parts is None or addresses.token_of(address, self.parts) is None:
            return "550 5.1.1 No such reply address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self._recent[_peer(session)].append(time.monotonic())
        loop = asyncio.get_running_loop()
        statuses = []
        raw = bytes(envelope.original_content or envelope.content)
        for recipient in envelope.rcpt_tos:
            try:
                status = await loop.run_in_executor(
                    None, deliver, self.app, raw, envelope.mail_from or "", recipient
                )
            except Exception:
                # The database is unreachable or busy: the mail server keeps the message and
                # tries again, rather than bouncing a reply we never read.
                log.exception("Calendar reply to %s not stored", recipient)
                status = "451 4.3.0 Could not store the message; try again later"
            statuses.append(status)
        # LMTP answers once per recipient; aiosmtpd sends the last answer itself.
        for status in statuses[:-1]:
            await server.push(status)
        return statuses[-1]


def _peer(session) -> str:
    peer = session.peer
    return peer[0] if isinstance(peer, tuple) else str(peer)


def deliver(app: Flask, raw: bytes, sender: str, recipient: str) -> str:
    """Apply one message for one recipient, or quarantine it; the LMTP status to answer."""
    delivery = service.Delivery(raw=raw, sender=sender, recipient=recipient)
    with app.app_context(), get_database().session() as session:
        try:
            outcome = service.receive(session, delivery)
            session.commit()
            log.info("Calendar reply to %s: %s", recipient, outcome)
            return "250 2.0.0 Reply received"
        except service.Unmatched as error:
            reason = str(error)
        except (InputError, StaleError) as error:
            reason = f"The answer was refused: {error}"
        except Exception:  # a broken message must not stop the receiver
            log.exception("Calendar reply to %s could not be applied", recipient)
            reason = "The message could not be read."
        session.rollback()
        service.quarantine(session, delivery, reason)
        session.commit()
        log.info("Calendar reply to %s quarantined: %s", recipient, reason)
        return "250 2.0.0 Received, kept for review"


def serve(app: Flask, host: str, port: int) -> None:
    """Run the LMTP server until interrupted."""
    handler = ReplyHandler(app)
    limit = int(app.config["REPLY_MAX_BYTES"])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            lambda: LMTP(handler, data_size_limit=limit, hostname="coordination"),
            host=host,
            port=port,
        )
    )
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
