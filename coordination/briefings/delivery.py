"""Sending a stored or generated briefing file, with Werkzeug answering the HTTP.

``flask.send_file`` streams the file in chunks (from disk, or from a temporary file for a
stamped copy, a pack or a book) with its type, ETag and Last-Modified, and Werkzeug's
``make_conditional`` answers If-None-Match, If-Modified-Since and If-Match (304, 412) and a
byte range with If-Range (206). Written here because Werkzeug does not do it:

- the headers that keep a download inert and out of shared caches, and a Content-Disposition
  that always carries both a quoted ASCII name and the exact UTF-8 name;
- the conditions judged before any range (Werkzeug serves a range without them) and, for a
  stamped copy, before any stamping;
- a Range header of several ranges: each is read by Werkzeug, overlapping ones are merged, and
  more than one left is sent as multipart/byteranges (Werkzeug refuses them all with 416); a
  malformed Range is ignored and the whole file sent, as RFC 9110 allows;
- the hand-over to the front web server (DOCUMENT_SENDFILE), which names an internal location
  rather than the file's path as Werkzeug's X-Sendfile would.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO
from urllib.parse import quote

from flask import Request, Response, current_app, send_file
from werkzeug.datastructures import Range
from werkzeug.http import is_resource_modified, parse_range_header

from .. import filenames

CHUNK_BYTES = 256 * 1024
# More ranges than this in one request are answered with the whole file (RFC 9110 14.2).
MAX_RANGES = 16
SANDBOX_POLICY = "sandbox; default-src 'none'"
# Download names are kept shorter than stored ones: some clients cut long header values.
DOWNLOAD_NAME_LIMIT = 150
# RFC 5987 attr-char: what may stay unescaped in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"


def clean_filename(name: str) -> str:
    """The name a file is offered under: cleaned as every file name is, and not too long."""
    return filenames.clean_filename(name, limit=DOWNLOAD_NAME_LIMIT)


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact UTF-8 name (RFC 6266/5987)."""
    name = clean_filename(filename)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9!#$&+\-.^_`|~ ()\[\]{}@,=']", "_", ascii_name).strip(". ")
    if not ascii_name.strip("_ ") or ascii_name.startswith("."):
        extension = name.rpartition(".")[2] if "." in name else ""
        ascii_name = f"download.{extension}" if extension.isascii() and extension else "download"
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


@dataclass
class Outgoing:
    """A file about to be sent: where its bytes are and what to call it."""

    size: int
    media_type: str
    filename: str
    path: Path | None = None
    # An open temporary file (a stamped copy, a pack, a book); closed once sent.
    handle: IO[bytes] | None = None
    etag: str | None = None
    last_modified: datetime | None = None
    # Relative path under the documents folder, for the front web server (stored files only).
    sendfile_path: str | None = None

    def open(self) -> IO[bytes]:
        if self.handle is not None:
            self.handle.seek(0)
            return self.handle
        assert self.path is not None
        return self.path.open("rb")

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


@dataclass
class Sent:
    """The response, and whether it hands over the file from its first byte (for receipts)."""

    response: Response
    from_start: bool


def _protect(response: Response, outgoing: Outgoing) -> None:
    headers = response.headers
    # Werkzeug sends filename* only for names outside ASCII, and a plain name unquoted.
    headers["Content-Disposition"] = content_disposition(outgoing.filename)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = SANDBOX_POLICY
    headers["Cache-Control"] = "private, no-store"


def _validators(response: Response, outgoing: Outgoing) -> None:
    if outgoing.etag:
        response.set_etag(outgoing.etag)
    if outgoing.last_modified:
        response.last_modified = outgoing.last_modified


def _status_only(outgoing: Outgoing, status: int) -> Response:
    """An answer without the file, with the same protective headers: a client that saves or
    shows it anyway gets an empty attachment, never a page."""
    response = Response(status=status)
    _validators(response, outgoing)
    _protect(response, outgoing)
    # Nothing is sent, so no type is claimed for it (not the default text/html).
    del response.headers["Content-Type"]
    return response


def _without_range(request: Request) -> dict:
    environ = dict(request.environ)
    environ.pop("HTTP_RANGE", None)
    return environ


def conditional_answer(request: Request, outgoing: Outgoing) -> Response | None:
    """Werkzeug's answer when the request's conditions leave nothing to send (304 or 412);
    None when the file is to be sent. Judged without the range, so a range never overrides
    If-Match, and without the file, so a stamped copy is never made for nothing."""
    probe = Response()
    _validators(probe, outgoing)
    probe.make_conditional(_without_range(request))
    if probe.status_code not in (304, 412):
        return None
    return _status_only(outgoing, probe.status_code)


def requested_ranges(request: Request, outgoing: Outgoing) -> list[tuple[int, int]] | None:
    """The (start, stop) ranges to send, overlapping or adjacent ones merged; [] if none can
    be satisfied; None for the whole file (no Range, a malformed one, too many ranges, or an
    If-Range the file no longer matches)."""
    header = request.headers.get("Range")
    size = outgoing.size
    if not header or size == 0:
        return None
    if request.headers.get("If-Range") and is_resource_modified(
        request.environ,
        outgoing.etag,
        last_modified=outgoing.last_modified,
        ignore_if_range=False,
    ):
        return None
    units, _, specs = header.partition("=")
    parts = specs.split(",")
    if len(parts) > MAX_RANGES:
        return None
    ranges = []
    for part in parts:
        parsed = parse_range_header(f"{units}={part}")
        if parsed is None or parsed.units != "bytes":
            return None
        start, stop = parsed.ranges[0]
        if start < -size:
            # A suffix longer than the file asks for all of it (RFC 9110 14.1.2).
            parsed = Range("bytes", [(-size, stop)])
        wanted = parsed.range_for_length(size)
        if wanted is not None:
            ranges.append(wanted)
    merged: list[list[int]] = []
    for start, stop in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(start, stop) for start, stop in merged]


def _multipart(outgoing: Outgoing, ranges: list[tuple[int, int]]) -> Response:
    """Several ranges in one 206 answer, each part with its own Content-Range."""
    boundary = secrets.token_hex(16)
    heads = [
        (
            f"\r\n--{boundary}\r\nContent-Type: {outgoing.media_type}\r\n"
            f"Content-Range: bytes {start}-{stop - 1}/{outgoing.size}\r\n\r\n"
        ).encode("latin-1")
        for start, stop in ranges
    ]
    tail = f"\r\n--{boundary}--\r\n".encode("latin-1")
    handle = outgoing.open()

    def parts() -> Iterator[bytes]:
        try:
            for head, (start, stop) in zip(heads, ranges, strict=True):
                yield head
                handle.seek(start)
                remaining = stop - start
                while remaining > 0 and (chunk := handle.read(min(CHUNK_BYTES, remaining))):
                    remaining -= len(chunk)
                    yield chunk
            yield tail
        finally:
            handle.close()
            outgoing.close()

    response = Response(parts(), status=206, direct_passthrough=True)
    response.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
    response.content_length = (
        sum(len(head) for head in heads) + sum(stop - start for start, stop in ranges) + len(tail)
    )
    response.accept_ranges = "bytes"
    _validators(response, outgoing)
    return response


def _hand_over(outgoing: Outgoing, mode: str) -> Response:
    """An empty response telling the front web server which stored file to send."""
    response = Response(b"", status=200)
    _validators(response, outgoing)
    response.headers["Content-Type"] = outgoing.media_type
    target = current_app.config["DOCUMENT_SENDFILE_PREFIX"] + (outgoing.sendfile_path or "")
    header = "X-Accel-Redirect" if mode == "x-accel-redirect" else "X-Sendfile"
    response.headers[header] = target
    return response


def _sent_by_werkzeug(
    request: Request, outgoing: Outgoing, single: tuple[int, int] | None, ranges_allowed: bool
) -> Response:
    """The whole file, or one range of it, through ``send_file`` and ``make_conditional``."""
    response = send_file(
        # A temporary file is sent from its start; one on disk is opened by Werkzeug.
        outgoing.open() if outgoing.handle is not None else outgoing.path,
        mimetype=outgoing.media_type,
        as_attachment=True,
        download_name=clean_filename(outgoing.filename),
        conditional=False,
        etag=outgoing.etag or False,
        last_modified=outgoing.last_modified,
    )
    # Werkzeug measures files on disk only; a temporary file's size is known here.
    response.content_length = outgoing.size
    environ = _without_range(request)
    if single is not None:
        # The range as read above (merged, cut to the file), for Werkzeug to serve.
        environ["HTTP_RANGE"] = f"bytes={single[0]}-{single[1] - 1}"
    response.make_conditional(environ, accept_ranges=ranges_allowed, complete_length=outgoing.size)
    return response


def send(request: Request, outgoing: Outgoing, ranges_allowed: bool = True) -> Sent:
    """The response for a file: 200, 206 (one or many ranges), 304, 412 or 416."""
    answer = conditional_answer(request, outgoing)
    ranges = requested_ranges(request, outgoing) if ranges_allowed and answer is None else None
    if ranges == []:
        answer = _status_only(outgoing, 416)
        answer.headers["Content-Range"] = f"bytes */{outgoing.size}"
    if answer is not None:
        outgoing.close()
        return Sent(answer, from_start=False)
    from_start = ranges is None or ranges[0][0] == 0
    mode = current_app.config.get("DOCUMENT_SENDFILE") or ""
    if outgoing.sendfile_path is not None and mode in {"x-accel-redirect", "x-sendfile"}:
        response = _hand_over(outgoing, mode)
        outgoing.close()
    elif ranges is not None and len(ranges) > 1:
        response = _multipart(outgoing, ranges)
    else:
        single = ranges[0] if ranges else None
        response = _sent_by_werkzeug(request, outgoing, single, ranges_allowed)
    _protect(response, outgoing)
    return Sent(response, from_start)
