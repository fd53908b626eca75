"""One HTTP POST to a checked address, within a deadline, following no redirect.

``http.client`` connects to a name it resolves itself; these connections connect to the
address ``targets`` checked, while the Host header and the certificate still name the host.
A receiver that answers slowly, a byte at a time, is cut off when the deadline passes.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass

from .targets import Target

USER_AGENT = "coordination-webhooks/1"
# Enough of an answer to show its owner what went wrong; the rest is never read.
RESPONSE_PREVIEW = 300


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self._context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    preview: str


class _Deadline:
    """Shuts the connection's socket when time is up, which ends any read in progress."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float):
        self.connection = connection
        self.passed = False
        self.timer = threading.Timer(seconds, self._expire)
        self.timer.daemon = True

    def _expire(self) -> None:
        self.passed = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self.timer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.timer.cancel()


def post(
    target: Target, addresses: list[str], body: bytes, headers: dict[str, str], timeout: float
) -> Answer:
    """POST the body to the first of the addresses that accepts a connection.

    Raises OSError (TimeoutError once the deadline passes) or http.client.HTTPException.
    """
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Connection": "close",
        **headers,
    }
    last_error: OSError | None = None
    for address in addresses:
        connection_class = _PinnedHTTPS if target.https else _PinnedHTTP
        connection = connection_class(target.host, target.port, address, timeout)
        with _Deadline(connection, timeout) as deadline:
            try:
                try:
                    connection.connect()
                except ssl.SSLError:
                    raise
                except OSError as error:
                    # Another address of the same host may answer.
                    last_error = error
                    continue
                connection.request("POST", target.path, body=body, headers=headers)
                response = connection.getresponse()
                preview = response.read(RESPONSE_PREVIEW).decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                if deadline.passed:
                    raise TimeoutError(f"No answer within {timeout:g} seconds.") from None
                raise
            finally:
                connection.close()
        return Answer(response.status, response.reason, preview)
    raise last_error or OSError("No address to connect to.")
