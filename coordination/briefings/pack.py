"""The briefing pack: one ZIP of every document the viewer may receive, with an index."""

from __future__ import annotations

import hashlib
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import IO

from flask import current_app

from .. import storage
from ..audiences import Viewer
from ..models import Convening, Document, DocumentVersion, utcnow
from ..timezones import format_local, utc_to_local
from .access import PDF_MEDIA_TYPE, released_to, watermarks
from .delivery import CHUNK_BYTES, Outgoing, clean_filename
from .receipts import Recipient
from .watermark import UnreadablePdf, stamp_pdf

INDEX_NAME = "index.txt"
# Formats that are already compressed gain nothing from deflating again.
_STORED_TYPES = {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "png", "jpg", "jpeg"}


def receivable(documents: list[Document], viewer: Viewer) -> list[Document]:
    """The documents (with a file) this viewer may receive now, in the given order."""
    return [
        document
        for document in documents
        if document.latest is not None and released_to(document, viewer)
    ]


def slug(convening: Convening) -> str:
    text = re.sub(r"[^A-Za-z0-9]+", "-", convening.codename or convening.title).strip("-")
    return text.lower()[:60] or str(convening.id)


# A member is named, never placed: path separators and what some systems refuse in a name
# become underscores, so "../x" is kept as a name rather than cut to "x".
_UNSAFE_IN_MEMBER = re.compile(r'[\\/:*?"<>|;%]')


class UniqueNames:
    """Clean member names, each used once (compared without case, as most file systems do)."""

    def __init__(self, reserved: tuple[str, ...] = ()):
        self._taken = {name.lower() for name in reserved}

    def take(self, wanted: str) -> str:
        name = clean_filename(_UNSAFE_IN_MEMBER.sub("_", wanted or ""))
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, number = name, 1
        while candidate.lower() in self._taken:
            number += 1
            candidate = f"{stem} ({number}){dot}{extension}"
        self._taken.add(candidate.lower())
        return candidate


@dataclass
class Built:
    """A generated file and the documents it hands over (for receipts)."""

    outgoing: Outgoing
    delivered: list[tuple[Document, DocumentVersion]] = field(default_factory=list)


@dataclass
class _Entry:
    document: Document
    version: DocumentVersion
    member: str | None
    size: int = 0
    sha256: str = ""
    stamped: bool = False
    problem: str = ""


def _copy_into(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: IO[bytes]
) -> tuple[int, str]:
    """Copy a file into the archive in chunks, returning its size and sha256."""
    digest, size = hashlib.sha256(), 0
    with archive.open(info, "w", force_zip64=True) as member:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            member.write(chunk)
    return size, digest.hexdigest()


def _member_info(name: str, version: DocumentVersion, zone: str) -> zipfile.ZipInfo:
    local = utc_to_local(version.uploaded_at, zone)
    info = zipfile.ZipInfo(name, date_time=(max(local.year, 1980), *local.timetuple()[1:6]))
    stored = version.extension in _STORED_TYPES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _index(convening: Convening, recipient: Recipient, entries: list[_Entry]) -> str:
    zone = convening.timezone
    organisation = recipient.organisation_name
    prepared_for = recipient.name + (f", {organisation}" if organisation else "")
    title = convening.title + (f" ({convening.codename})" if convening.codename else "")
    lines = [
        f"Briefing pack: {title}",
        f"Prepared for {prepared_for} on {format_local(utcnow(), zone)}",
        "",
    ]
    included = [entry for entry in entries if entry.member]
    if not entries:
        lines.append("No briefing documents are available to you yet.")
    else:
        lines.append(f"{len(included)} of {len(entries)} documents included.")
    for number, entry in enumerate(entries, start=1):
        document, version = entry.document, entry.version
        lines += ["", f"{number}. {document.title}"]
        if entry.member:
            lines.append(f"   File: {entry.member}")
        else:
            lines.append(f"   Not included: {entry.problem}")
        lines.append(f"   Label: {document.sensitivity}")
        lines.append(
            f"   Version: {version.number}, uploaded {format_local(version.uploaded_at, zone)}"
        )
        if entry.member:
            lines.append(f"   Size: {entry.size} bytes")
            lines.append(f"   SHA-256: {entry.sha256}")
        if entry.stamped:
            lines.append("   Stamped with the recipient's name; the checksum is of this copy.")
    return "\r\n".join(lines) + "\r\n"


def build_pack(convening: Convening, documents: list[Document], recipient: Recipient) -> Built:
    """Write the ZIP to a temporary file, copying each file in chunks (memory stays flat)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed once the response is sent)
    names = UniqueNames(reserved=(INDEX_NAME,))
    entries: list[_Entry] = []
    try:
        with zipfile.ZipFile(handle, "w", allowZip64=True) as archive:
            for document in documents:
                version = document.latest
                assert version is not None
                entry = _Entry(document, version, member=None)
                entries.append(entry)
                path = storage.path_for(version.storage_key)
                stamp_it = watermarks(document.sensitivity) and version.media_type == PDF_MEDIA_TYPE
                try:
                    if stamp_it:
                        with tempfile.TemporaryFile() as stamped:
                            stamp_pdf(path, stamped, recipient.stamp(document, convening))
                            stamped.seek(0)
                            member = names.take(version.filename)
                            info = _member_info(member, version, convening.timezone)
                            entry.size, entry.sha256 = _copy_into(archive, info, stamped)
                        entry.stamped = True
                    else:
                        with path.open("rb") as source:
                            member = names.take(version.filename)
                            info = _member_info(member, version, convening.timezone)
                            entry.size, entry.sha256 = _copy_into(archive, info, source)
                    entry.member = member
                except UnreadablePdf:
                    entry.problem = (
                        "its label requires your name on every page, and the PDF could not be "
                        "read to stamp it. Ask the organisers for a readable copy."
                    )
                except FileNotFoundError:
                    current_app.logger.error("Stored file missing for version %s", version.id)
                    entry.problem = "the file is missing on the server. Tell the organisers."
            index = zipfile.ZipInfo(
                INDEX_NAME, date_time=utc_to_local(utcnow(), convening.timezone).timetuple()[:6]
            )
            index.compress_type = zipfile.ZIP_DEFLATED
            index.external_attr = 0o644 << 16
            archive.writestr(index, _index(convening, recipient, entries).encode("utf-8"))
        size = handle.seek(0, 2)
    except BaseException:
        handle.close()
        raise
    outgoing = Outgoing(
        size=size,
        media_type="application/zip",
        filename=f"briefing-pack-{slug(convening)}.zip",
        handle=handle,
    )
    delivered = [(entry.document, entry.version) for entry in entries if entry.member]
    return Built(outgoing, delivered)
