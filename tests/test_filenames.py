"""The one file-name cleaner: uploads' display names and downloads' names alike."""

from __future__ import annotations

import pytest

from coordination.filenames import FALLBACK_NAME, MAX_FILENAME, clean_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\olive\\Desktop\\Threat briefing.pdf", "Threat briefing.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("line\nbreak\r\ttab.pdf", "linebreaktab.pdf"),
        ("...", FALLBACK_NAME),
        (None, FALLBACK_NAME),
    ],
)
def test_clean_filename_keeps_only_a_harmless_last_part(raw, expected):
    assert clean_filename(raw) == expected


def test_clean_filename_shortens_a_long_name_keeping_its_extension():
    assert clean_filename("a" * 300 + ".pdf") == "a" * (MAX_FILENAME - 4) + ".pdf"
    assert clean_filename("a" * 300 + ".pdf", limit=150) == "a" * 146 + ".pdf"
