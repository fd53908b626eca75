"""A real SMTP server (aiosmtpd) on a free local port that keeps what it receives."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server received it: envelope, parsed message and raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    secure: bool = False
    login: str | None = None

    def __getitem__(self, header: str):
        return self.message[header]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def parts(self, content_type: str) -> list[EmailMessage]:
        return [part for part in self.message.walk() if part.get_content_type() == content_type]

    def text(self) -> str:
        """The plain-text body, with line ends as Python writes them."""
        return _lines(self.message.get_body(preferencelist=("plain",)).get_content())

    def html(self) -> str | None:
        body = self.message.get_body(preferencelist=("html",))
        return _lines(body.get_content()) if body else None

    def calendar(self) -> tuple[str, str] | None:
        """The text/calendar alternative's METHOD parameter and its text, if there is one."""
        for part in self.parts("text/calendar"):
            return part.get_param("method"), part.get_content()
        return None

    def attachment(self, filename: str) -> EmailMessage | None:
        for part in self.message.iter_attachments():
            if part.get_filename() == filename:
                return part
        return None


def _lines(text: str) -> str:
    # Text travels with CRLF line ends (its canonical form); compare it as Python text.
    return text.replace("\r\n", "\n")


class _Handler:
    def __init__(self, server: SMTPCapture):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.server.refusals.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        if self.server.on_data is not None:
            self.server.on_data(envelope)
        raw = envelope.original_content or envelope.content
        secure = session.ssl is not None or server.transport.get_extra_info("ssl_object")
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=list(envelope.rcpt_tos),
            message=message_from_bytes(raw, policy=policy.default),
            raw=raw,
            secure=bool(secure),
            login=_login(session),
        )
        self.server.add(received)
        return "250 Message accepted for delivery"


def _login(session) -> str | None:
    login = getattr(session.auth_data, "login", None) if session.authenticated else None
    return login.decode() if isinstance(login, bytes) else login


class _Controller(Controller):
    def _trigger_server(self):
        # Bound to port 0: learn the port the system chose before the first connection.
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SMTPCapture:
    """The server's address, what it received, and switches to make it misbehave."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Received] = field(default_factory=list)
    # Recipient address (lower case) -> reply, e.g. "550 5.1.1 No such user".
    refusals: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    on_data: Callable | None = None

    def __post_init__(self):
        self._changed = threading.Condition()
        self._controller: Controller | None = None

    def add(self, received: Received) -> None:
        with self._changed:
            self.messages.append(received)
            self._changed.notify_all()

    def refuse(self, address: str, reply: str = "550 5.1.1 No such user here") -> None:
        self.refusals[address.lower()] = reply

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The messages once at least ``count`` have arrived; fails after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} messages, {len(self.messages)} arrived in {timeout} s"
                    )
                self._changed.wait(left)
            return list(self.messages)

    def clear(self) -> None:
        with self._changed:
            self.messages.clear()

    def start(self, **smtp_options) -> SMTPCapture:
        """Listen; options go to aiosmtpd (tls_context, require_starttls, authenticator...)."""
        self._controller = _Controller(
            _Handler(self), hostname=self.host, port=0, ready_timeout=10, **smtp_options
        )
        self._controller.start()
        self.port = self._controller.port
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
