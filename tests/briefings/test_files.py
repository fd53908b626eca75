"""Display names cleaned of anything dangerous; file types judged by content, not by name."""

from __future__ import annotations

import pytest

from coordination.briefings.files import (
    FileTypeError,
    allowed_extensions,
    human_size,
    verified_media_type,
)
from coordination.config import DEFAULTS
from coordination.filenames import FALLBACK_NAME, MAX_FILENAME, clean_filename

from . import docx_bytes, odt_bytes, pdf_bytes, zip_bytes

ALLOWED = allowed_extensions(DEFAULTS["DOCUMENT_TYPES"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\briefing.pdf", "briefing.pdf"),
        ("C:\\Users\\olive\\Desktop\\Threat briefing.pdf", "Threat briefing.pdf"),
        ("brief\x00ing.pdf", "briefing.pdf"),
        ("brief\x1b[31ming\x7f.pdf", "brief[31ming.pdf"),
        ("line\nbreak\r\ttab.pdf", "linebreaktab.pdf"),
        # U+202E would show "invoice‮fdp.exe" as "invoiceexe.pdf".
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("\u200fright\u200e-to-left\u2066.pdf", "right-to-left.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("...pdf", "pdf"),
        ("  spaced   out  .pdf", "spaced out .pdf"),
        ("trailing dots...", "trailing dots"),
    ],
)
def test_clean_filename_removes_paths_controls_and_marks(raw, expected):
    assert clean_filename(raw) == expected


def test_clean_filename_keeps_unicode_names_in_nfc():
    decomposed = "Bri\u0065\u0301fing d\u00e9l\u00e9gation \u2013 会議資料 🇬🇧.pdf".replace(
        "\u00e9", "e\u0301"
    )

    cleaned = clean_filename(decomposed)

    assert cleaned == "Bri\u00e9fing d\u00e9l\u00e9gation \u2013 会議資料 🇬🇧.pdf"


def test_clean_filename_caps_a_300_character_name_keeping_the_extension():
    cleaned = clean_filename("a" * 300 + ".docx")

    assert len(cleaned) == MAX_FILENAME
    assert cleaned.endswith("a.docx")


def test_clean_filename_caps_a_300_character_name_without_extension():
    assert clean_filename("b" * 300) == "b" * MAX_FILENAME


@pytest.mark.parametrize("raw", ["", None, "../", "\x00\u202e", "...", "/\\/"])
def test_clean_filename_falls_back_when_nothing_remains(raw):
    assert clean_filename(raw) == FALLBACK_NAME


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("a.pdf", pdf_bytes(), "application/pdf"),
        ("a.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("a.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("a.jpg", b"\xff\xd8\xff\xe1" + b"\x00" * 20, "image/jpeg"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/msword"),
        (
            "a.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("a.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
        ("a.txt", "Notes \u2013 résumé\n".encode(), "text/plain; charset=utf-8"),
        ("a.csv", b"name,organisation\nOlive,Justice\n", "text/csv; charset=utf-8"),
    ],
)
def test_verified_media_type_comes_from_the_checked_content(
    tmp_path, filename, content, media_type
):
    path = tmp_path / "upload"
    path.write_bytes(content)

    assert verified_media_type(path, filename, ALLOWED) == media_type


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("briefing.pdf", b"<!doctype html><script>alert(1)</script>"),
        ("photo.png", pdf_bytes()),
        ("photo.jpg", b"GIF89a"),
        ("sheet.xlsx", docx_bytes()),
        ("letter.docx", zip_bytes({"word/document.xml": b"<document/>"})),
        ("letter.docx", b"PK\x03\x04 not really a zip"),
        ("slides.odp", odt_bytes()),
        ("text.odt", zip_bytes({"content.xml": b"<x/>"})),
        ("old.xls", docx_bytes()),
        ("notes.txt", b"binary\x00data"),
        ("notes.txt", b"\xff\xfe latin-1 \xe9"),
        ("data.csv", "caf\u00e9".encode("latin-1")),
    ],
)
def test_verified_media_type_refuses_content_that_is_not_what_the_name_says(
    tmp_path, filename, content
):
    path = tmp_path / "upload"
    path.write_bytes(content)

    with pytest.raises(FileTypeError) as refused:
        verified_media_type(path, filename, ALLOWED)

    assert "whatever its name says" in str(refused.value)


@pytest.mark.parametrize("filename", ["page.html", "run.exe", "image.svg", "noextension", ".pdf"])
def test_verified_media_type_refuses_extensions_not_allowed(tmp_path, filename):
    path = tmp_path / "upload"
    path.write_bytes(pdf_bytes())

    with pytest.raises(FileTypeError) as refused:
        verified_media_type(path, filename, ALLOWED)

    assert "not a type of file accepted here" in str(refused.value)
    assert ".pdf" in str(refused.value)


def test_allowed_extensions_ignores_types_that_cannot_be_checked():
    assert allowed_extensions(["PDF", "zip", "html", "csv"]) == ["pdf", "csv"]


def test_verified_media_type_honours_a_shorter_configured_list(tmp_path):
    path = tmp_path / "upload"
    path.write_bytes(b"plain words")

    with pytest.raises(FileTypeError):
        verified_media_type(path, "notes.txt", ["pdf"])


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1536, "1.5 KB"),
        (200 * 1024 * 1024, "200 MB"),
        (3 * 1024**3, "3 GB"),
        (5 * 1024**5, "5120 TB"),
    ],
)
def test_human_size_reads_like_a_file_manager(size, text):
    assert human_size(size) == text
