"""Receiving an uploaded file: written to disk in chunks, then checked by name and content.

The file stays staged (see ``coordination.storage``) until a service adds its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app

from ..filenames import clean_filename
from ..service import InputError
from ..storage import StagedFile, Staging
from .files import FileTypeError, allowed_extensions, verified_media_type

EMPTY_FILE_MESSAGE = "The file is empty. Choose a file with something in it."


@dataclass
class Upload:
    """A file as received: its bytes and the name the uploader's computer gave it."""

    stream: BinaryIO
    filename: str


@dataclass
class Received:
    staged: StagedFile
    filename: str
    media_type: str


def accepted_types() -> list[str]:
    return allowed_extensions(list(current_app.config["DOCUMENT_TYPES"]))


def max_bytes() -> int:
    return int(current_app.config["DOCUMENT_MAX_BYTES"])


def receive(staging: Staging, upload: Upload) -> Received:
    """Write the upload to disk in chunks and check its type by name and by content."""
    staged = staging.receive(upload.stream)
    filename = clean_filename(upload.filename)
    if staged.size == 0:
        raise InputError(EMPTY_FILE_MESSAGE, "file")
    try:
        media_type = verified_media_type(staged.path, filename, accepted_types())
    except FileTypeError as error:
        raise InputError(str(error), "file") from error
    return Received(staged=staged, filename=filename, media_type=media_type)
