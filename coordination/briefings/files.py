"""What an uploaded file is: its type, judged by its content; sizes as people read them."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

# The types a file can be checked to be, by extension: what it is stored and served as.
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}

TYPE_NAMES = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "odp": "OpenDocument presentation",
    "txt": "plain text",
    "csv": "CSV",
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
}

PDF_SIGNATURE = b"%PDF-"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office Open XML packages keep their main part under a folder named for the program.
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OPENDOCUMENT_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
CHUNK = 1024 * 1024


class FileTypeError(ValueError):
    """The file is not of an allowed type, or is not what its extension says."""


def extension_of(filename: str) -> str:
    stem, dot, extension = filename.rpartition(".")
    return extension.lower() if dot and stem else ""


def allowed_extensions(configured: list[str]) -> list[str]:
    """The configured types this installation can check; others are never accepted."""
    return [ext.lower() for ext in configured if ext.lower() in MEDIA_TYPES]


def describe_types(extensions: list[str]) -> str:
    return ", ".join(f".{ext}" for ext in extensions)


def _head(path: Path, length: int = 16) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(length)


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if b"\x00" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_names(path: Path) -> list[str] | None:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _opendocument_type(path: Path) -> bytes | None:
    try:
        with zipfile.ZipFile(path) as archive, archive.open("mimetype") as member:
            return member.read(100).strip()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError):
        return None


def content_matches(path: Path, extension: str) -> bool:
    """True if the bytes on disk are what the extension claims."""
    head = _head(path)
    if extension == "pdf":
        return head.startswith(PDF_SIGNATURE)
    if extension == "png":
        return head.startswith(PNG_SIGNATURE)
    if extension in ("jpg", "jpeg"):
        return head.startswith(JPEG_SIGNATURE)
    if extension in ("doc", "xls", "ppt"):
        return head.startswith(OLE2_SIGNATURE)
    if extension in OOXML_FOLDERS:
        if not head.startswith(ZIP_SIGNATURE):
            return False
        names = _zip_names(path)
        return (
            names is not None
            and "[Content_Types].xml" in names
            and any(name.startswith(OOXML_FOLDERS[extension]) for name in names)
        )
    if extension in OPENDOCUMENT_TYPES:
        if not head.startswith(ZIP_SIGNATURE):
            return False
        return _opendocument_type(path) == OPENDOCUMENT_TYPES[extension]
    if extension in ("txt", "csv"):
        return _is_utf8_text(path)
    return False


def verified_media_type(path: Path, filename: str, allowed: list[str]) -> str:
    """The media type of the stored file, or FileTypeError saying what is wrong."""
    extension = extension_of(filename)
    if extension not in allowed:
        raise FileTypeError(
            f"“{filename}” is not a type of file accepted here. "
            f"Choose one of these: {describe_types(allowed)}."
        )
    if not content_matches(path, extension):
        expected = TYPE_NAMES.get(extension, extension.upper())
        raise FileTypeError(
            f"“{filename}” is not a {expected} file, whatever its name says. "
            "Save it again in that format, or give it the extension of what it is."
        )
    return MEDIA_TYPES[extension]


def human_size(size: int) -> str:
    """A size such as 200 MB or 1.5 KB, in the binary units most people's computers use."""
    if size < 1024:
        return f"{size} byte{'' if size == 1 else 's'}"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"
