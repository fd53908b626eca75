"""File names people give or receive: cleaned so they are safe to show and to offer."""

from __future__ import annotations

import re
import unicodedata

MAX_FILENAME = 255
FALLBACK_NAME = "document"
# Longest extension kept whole when a long name is shortened.
MAX_EXTENSION = 16

# Characters never kept in a name: controls, format characters (bidirectional marks such
# as U+202E, zero-width joiners), surrogates, unassigned code points, line separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}
_SEPARATORS = re.compile(r"[/\\]")


def clean_filename(raw: str | None, *, limit: int = MAX_FILENAME) -> str:
    """A name safe to show and to offer on download; it never names a path on disk.

    Only the last part of a path is kept; a name longer than ``limit`` keeps its extension.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    name = _SEPARATORS.split(name)[-1]
    name = " ".join(name.split())
    name = name.lstrip(". ").rstrip(". ")
    if len(name) > limit:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= MAX_EXTENSION:
            name = stem[: limit - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            name = name[:limit].rstrip(". ")
    return name or FALLBACK_NAME
