"""The directory's CSV format: its columns, reading uploaded bytes safely, the export rows, and
carrying an uploaded file from the preview to the confirmation without trusting the client.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..csv_export import csv_lines
from ..models import Organisation
from ..service import InputError

COLUMNS = (
    "name",
    "kind",
    "country",
    "sectors",
    "website",
    "notes",
    "contact_name",
    "contact_email",
    "contact_title",
    "contact_phone",
)
SECTOR_SEPARATOR = ";"
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
PREVIEW_MAX_AGE_SECONDS = 3600
SIGNING_SALT = "coordination.directory.csv-import"


# The field the upload's refusals are about: the file as a whole, its message saying what to do.
FILE = "file"


def max_bytes() -> int:
    return int(current_app.config.get("CSV_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_upload(stream: IO[bytes], limit: int) -> bytes:
    """The uploaded bytes, refusing more than ``limit`` without reading them all."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f"The file is larger than {limit // 1024:,} KB; split it into smaller files.", FILE
        )
    return data


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is fine) from the uploaded bytes, or a clear refusal."""
    if not data.strip():
        raise InputError("The file is empty.", FILE)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            "The file is UTF-16 text; save it as 'CSV UTF-8' and upload it again.", FILE
        )
    if b"\x00" in data:
        raise InputError(
            "This is not a CSV text file (it contains binary data). Save the spreadsheet as "
            "'CSV UTF-8' and upload that.",
            FILE,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"The file is not UTF-8 text: line {line} has bytes that cannot be read. Save it "
            "as 'CSV UTF-8' and upload it again.",
            FILE,
        ) from None


def _organisation_cells(organisation: Organisation) -> list[str]:
    return [
        organisation.name,
        organisation.kind.value,
        organisation.country or "",
        f"{SECTOR_SEPARATOR} ".join(organisation.sectors),
        organisation.website or "",
        organisation.notes or "",
    ]


def export_rows(organisations: Iterable[Organisation]) -> Iterator[list[str]]:
    """One row per current contact; an organisation without contacts gets one row."""
    yield list(COLUMNS)
    for organisation in organisations:
        cells = _organisation_cells(organisation)
        contacts = [contact for contact in organisation.contacts if not contact.is_archived]
        if not contacts:
            yield [*cells, "", "", "", ""]
        for contact in contacts:
            yield [
                *cells,
                contact.name,
                contact.email or "",
                contact.title or "",
                contact.phone or "",
            ]


def export_lines(organisations: Iterable[Organisation]) -> Iterator[str]:
    """The export as CSV text, a line at a time, with a byte-order mark for spreadsheets."""
    return csv_lines(export_rows(organisations))


# --- Carrying the file from preview to confirmation -------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNING_SALT)


def _form_limit() -> int:
    return int(current_app.config.get("MAX_FORM_MEMORY_SIZE") or 500_000)


def sign_upload(text: str, filename: str, user_id: int) -> str:
    """The file, compressed and signed for this user, to post back with the confirmation."""
    token = _serializer().dumps({"csv": text, "filename": filename, "user": user_id})
    if len(token) > _form_limit() - 4096:
        raise InputError(
            "The file is too large to preview and import in one go; split it into smaller files.",
            FILE,
        )
    return token


def unsign_upload(token: str, user_id: int) -> tuple[str, str]:
    """The text and file name signed at preview, if this user's and recent enough."""
    try:
        payload = _serializer().loads(token, max_age=PREVIEW_MAX_AGE_SECONDS)
    except SignatureExpired:
        raise InputError("This preview has expired; upload the file again.", FILE) from None
    except BadSignature:
        raise InputError(
            "This preview could not be verified; upload the file again.", FILE
        ) from None
    if not isinstance(payload, dict) or payload.get("user") != user_id:
        raise InputError("This preview could not be verified; upload the file again.", FILE)
    return str(payload.get("csv", "")), str(payload.get("filename", ""))
