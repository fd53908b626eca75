"""A real HTTP receiver on 127.0.0.1 that records every request it gets.

It answers 200 unless told otherwise: ``answer(500, 500)`` queues the next answers, each a
status, ``"hang"`` (say nothing for ``hang_seconds``) or ``("redirect", url)``.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: Message
    body: bytes


class Receiver:
    def __init__(self, hang_seconds: float = 5.0):
        self.received: list[Received] = []
        self.hang_seconds = hang_seconds
        self._answers: deque = deque()
        self._lock = threading.Condition()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks"

    @property
    def https_url(self) -> str:
        """The address by the name its certificate carries (with ``start(tls=...)``)."""
        return f"https://localhost:{self._server.server_address[1]}/hooks"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def answer(self, *answers) -> None:
        with self._lock:
            self._answers.extend(answers)

    def _next_answer(self):
        with self._lock:
            return self._answers.popleft() if self._answers else 200

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)
            self._lock.notify_all()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received)} requests arrived, not {count}")
                self._lock.wait(left)
            return list(self.received)

    def start(self, tls: ssl.SSLContext | None = None) -> Receiver:
        """Listen on a free port of 127.0.0.1; with ``tls``, speak HTTPS."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver._record(Received(self.path, self.headers, body))
                answer = receiver._next_answer()
                if answer == "hang":
                    receiver._released.wait(receiver.hang_seconds)
                    answer = 200
                if isinstance(answer, tuple):
                    self.send_response(302)
                    self.send_header("Location", answer[1])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                text = b"ok" if answer < 300 else b"receiver broke"
                self.send_response(answer)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *_args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
