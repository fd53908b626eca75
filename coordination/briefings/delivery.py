"""Sending a stored or generated file: safe headers, conditional requests and byte ranges.

Files are streamed in chunks from disk (or from a temporary file for stamped copies), never
read whole; with DOCUMENT_SENDFILE the front web server sends the stored file instead.
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

from flask import Request, Response, current_app
from werkzeug.http import http_date, parse_date, parse_etags, quote_etag
from werkzeug.wsgi import wrap_file

CHUNK_BYTES = 256 * 1024
# More ranges than this in one request are answered with the whole file (RFC 9110 14.2).
MAX_RANGES = 16
SANDBOX_POLICY = "sandbox; default-src 'none'"

# Characters never kept in a download name: controls, format marks (including the
# right-to-left overrides that disguise extensions) and path or quoting characters.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|;%\x00-\x1f\x7f]')
# RFC 5987 attr-char: what may stay unescaped in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"


def clean_filename(name: str, fallback: str = "document", limit: int = 150) -> str:
    """A single, harmless file name: no path parts, controls or bidi marks; extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(
        char for char in name if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co"}
    )
    name = _UNSAFE_IN_NAME.sub("_", name)
    name = " ".join(name.split()).strip(". ")
    if not name:
        return fallback
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: limit - len(extension) - 1].rstrip('. ')}.{extension}"
        else:
            name = name[:limit].rstrip(". ")
    return name or fallback


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


def _headers(response: Response, outgoing: Outgoing) -> None:
    headers = response.headers
    headers["Content-Disposition"] = content_disposition(outgoing.filename)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Content-Security-Policy"] = SANDBOX_POLICY
    headers["Cache-Control"] = "private, no-store"
    if outgoing.etag:
        headers["ETag"] = quote_etag(outgoing.etag)
    if outgoing.last_modified:
        headers["Last-Modified"] = http_date(outgoing.last_modified)


def precondition(request: Request, etag: str | None, last_modified: datetime | None) -> int | None:
    """304 or 412 when the request's conditions say so (RFC 9110 section 13.2.2), else None."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        if etag is None or not parse_etags(if_match).is_strong(etag):
            return 412
    elif last_modified is not None and request.headers.get("If-Unmodified-Since"):
        since = parse_date(request.headers["If-Unmodified-Since"])
        if since is not None and last_modified.replace(microsecond=0) > since:
            return 412
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        if etag is not None and parse_etags(if_none_match).contains_weak(etag):
            return 304 if request.method in {"GET", "HEAD"} else 412
    elif last_modified is not None and request.headers.get("If-Modified-Since"):
        since = parse_date(request.headers["If-Modified-Since"])
        if since is not None and last_modified.replace(microsecond=0) <= since:
            return 304
    return None


_RANGE_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


def _parse_ranges(header: str) -> list[tuple[int, int | None, int | None]] | None:
    """(first, last, suffix length) for each range of a Range header; None if malformed."""
    units, _, value = header.partition("=")
    if units.strip().lower() != "bytes":
        return None
    specs: list[tuple[int, int | None, int | None]] = []
    for part in value.split(","):
        match = _RANGE_SPEC.match(part)
        if match is None or not (match[1] or match[2]) or len(part) > 40:
            return None
        if not match[1]:
            specs.append((0, None, int(match[2])))
            continue
        first, last = int(match[1]), int(match[2]) if match[2] else None
        if last is not None and last < first:
            return None
        specs.append((first, last, None))
    return specs


def requested_ranges(request: Request, size: int, etag: str | None) -> list[tuple[int, int]] | None:
    """Satisfiable (start, stop) ranges asked for; None for the whole file, [] if none fit."""
    header = request.headers.get("Range")
    if not header or request.method != "GET" or size == 0:
        return None
    if_range = request.headers.get("If-Range")
    # Only a strong validator that still matches may resume a download (RFC 9110 13.1.5).
    if if_range is not None and (
        etag is None or if_range.startswith("W/") or if_range.strip('"') != etag
    ):
        return None
    specs = _parse_ranges(header)
    if specs is None or len(specs) > MAX_RANGES:
        return None
    ranges = []
    for first, last, suffix in specs:
        if suffix is not None:
            start, stop = max(0, size - suffix), size if suffix else 0
        else:
            start, stop = first, size if last is None else min(last + 1, size)
        if start < size and start < stop:
            ranges.append((start, stop))
    if len(ranges) < 2:
        return ranges
    # Overlapping or adjacent ranges are merged so one request cannot ask for a file many times.
    merged: list[list[int]] = []
    for start, stop in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return [(start, stop) for start, stop in merged]


def _read(handle: IO[bytes], start: int, stop: int) -> Iterator[bytes]:
    handle.seek(start)
    remaining = stop - start
    while remaining > 0:
        chunk = handle.read(min(CHUNK_BYTES, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        yield chunk


def _closing(outgoing: Outgoing, handle: IO[bytes], parts: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from parts
    finally:
        handle.close()
        outgoing.close()


def _multipart(
    handle: IO[bytes], ranges: list[tuple[int, int]], size: int, media_type: str, boundary: str
) -> tuple[Iterator[bytes], int]:
    heads = [
        (
            f"\r\n--{boundary}\r\nContent-Type: {media_type}\r\n"
            f"Content-Range: bytes {start}-{stop - 1}/{size}\r\n\r\n"
        ).encode("latin-1")
        for start, stop in ranges
    ]
    tail = f"\r\n--{boundary}--\r\n".encode("latin-1")
    length = sum(len(head) for head in heads) + sum(b - a for a, b in ranges) + len(tail)

    def parts() -> Iterator[bytes]:
        for head, (start, stop) in zip(heads, ranges, strict=True):
            yield head
            yield from _read(handle, start, stop)
        yield tail

    return parts(), length


def _status_only(outgoing: Outgoing, status: int) -> Sent:
    """An answer without the file (304, 412, 416), with the same protective headers: a
    client that saves or shows it anyway gets an empty attachment, never a page."""
    response = Response(status=status)
    _headers(response, outgoing)
    # Nothing is sent, so no type is claimed for it (not the default text/html).
    del response.headers["Content-Type"]
    outgoing.close()
    return Sent(response, from_start=False)


def send(request: Request, outgoing: Outgoing, ranges_allowed: bool = True) -> Sent:
    """The response for a file: 200, 206 (one or many ranges), 304, 412 or 416."""
    status = precondition(request, outgoing.etag, outgoing.last_modified)
    if status is not None:
        return _status_only(outgoing, status)
    ranges = requested_ranges(request, outgoing.size, outgoing.etag) if ranges_allowed else None
    if ranges == []:
        sent = _status_only(outgoing, 416)
        sent.response.headers["Content-Range"] = f"bytes */{outgoing.size}"
        return sent
    from_start = ranges is None or ranges[0][0] == 0
    mode = current_app.config.get("DOCUMENT_SENDFILE") or ""
    if outgoing.sendfile_path is not None and mode in {"x-accel-redirect", "x-sendfile"}:
        return Sent(_hand_over(outgoing, mode), from_start)
    response = Response(mimetype=None, direct_passthrough=True)
    _headers(response, outgoing)
    if ranges_allowed:
        response.headers["Accept-Ranges"] = "bytes"
    handle = outgoing.open()
    if ranges is None:
        response.status_code = 200
        response.headers["Content-Type"] = outgoing.media_type
        # The WSGI server's file wrapper (sendfile where it can) closes the file when done.
        response.response = wrap_file(request.environ, handle, CHUNK_BYTES)
        response.headers["Content-Length"] = str(outgoing.size)
    elif len(ranges) == 1:
        start, stop = ranges[0]
        response.status_code = 206
        response.headers["Content-Type"] = outgoing.media_type
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{outgoing.size}"
        response.response = _closing(outgoing, handle, _read(handle, start, stop))
        response.headers["Content-Length"] = str(stop - start)
    else:
        boundary = secrets.token_hex(16)
        parts, length = _multipart(handle, ranges, outgoing.size, outgoing.media_type, boundary)
        response.status_code = 206
        response.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
        response.response = _closing(outgoing, handle, parts)
        response.headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        handle.close()
        outgoing.close()
    return Sent(response, from_start)


def _hand_over(outgoing: Outgoing, mode: str) -> Response:
    """An empty response telling the front web server which stored file to send."""
    response = Response(b"", status=200)
    _headers(response, outgoing)
    response.headers["Content-Type"] = outgoing.media_type
    target = current_app.config["DOCUMENT_SENDFILE_PREFIX"] + (outgoing.sendfile_path or "")
    header = "X-Accel-Redirect" if mode == "x-accel-redirect" else "X-Sendfile"
    response.headers[header] = target
    outgoing.close()
    return response
