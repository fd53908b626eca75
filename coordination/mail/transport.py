"""Handing composed email to the world: SMTP (plain, STARTTLS or TLS), or the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from .compose import PermanentFailure

log = logging.getLogger("coordination.mail")

SECURITY_MODES = ("none", "starttls", "tls")


class LogBackend:
    """Writes each message to the log: for development."""

    def send(self, email: EmailMessage, sender: str, recipients: list[str]) -> dict:
        body = email.get_body(preferencelist=("plain",))
        log.warning(
            "Email to %s\nSubject: %s\n\n%s",
            ", ".join(recipients),
            email["Subject"],
            body.get_content() if body else "",
        )
        return {}

    def close(self) -> None:
        pass


class SMTPBackend:
    """One SMTP connection, opened on first use and reused for the messages of a round."""

    def __init__(self, config):
        self.host = config["SMTP_HOST"]
        self.port = int(config["SMTP_PORT"])
        self.security = (config["SMTP_SECURITY"] or "none").lower()
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP_SECURITY must be none, starttls or tls, not {self.security!r}")
        self.username = config["SMTP_USERNAME"]
        self.password = config["SMTP_PASSWORD"]
        self.timeout = int(config["SMTP_TIMEOUT"])
        # A certificate authority to trust besides the system's (a private relay).
        self.ca_file = config.get("SMTP_CA_FILE")
        self.client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context(cafile=self.ca_file)
        if self.security == "tls":
            client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
        except BaseException:
            client.close()
            raise
        return client

    def send(self, email: EmailMessage, sender: str, recipients: list[str]) -> dict:
        """Send; returns the recipients refused while others were accepted."""
        reused = self.client is not None
        if self.client is None:
            self.client = self._connect()
        try:
            return self.client.send_message(email, from_addr=sender, to_addrs=recipients)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            # The server dropped an idle or much-used connection: one fresh try.
            return self.send(email, sender, recipients)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def backend_for(config) -> LogBackend | SMTPBackend:
    if config["MAIL_BACKEND"] == "smtp":
        return SMTPBackend(config)
    return LogBackend()


def describe_error(error: BaseException) -> tuple[str, bool]:
    """The error as an administrator reads it, and whether retrying is pointless."""
    name = type(error).__name__
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        permanent = all(code >= 500 for code, _ in error.recipients.values())
        return f"{name}: {describe_refusals(error.recipients)}", permanent
    if isinstance(error, smtplib.SMTPResponseException):
        # A 5xx reply to the message itself is final (RFC 5321); one to our sender address
        # or login is a configuration problem that an administrator can fix: retry.
        permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
        return f"{name}: {error.smtp_code} {_text(error.smtp_error)}", permanent
    permanent = isinstance(error, PermanentFailure | smtplib.SMTPNotSupportedError)
    return f"{name}: {error}", permanent


def describe_refusals(refusals: dict) -> str:
    return "; ".join(
        f"{address}: {code} {_text(reply)}" for address, (code, reply) in refusals.items()
    )


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
