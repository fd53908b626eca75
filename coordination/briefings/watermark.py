"""Stamping a PDF with its recipient on every page, so that a leaked copy names its source."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import IO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from ..pdf_layout import fonts
from ..timezones import utc_to_local

# Characters never drawn in a stamp: controls, and format characters such as the
# right-to-left override, which would reorder or hide the name in a text viewer.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
# Stamp lines shrink to fit the page down to this size, then wrap onto more lines.
LINE_SIZE, SMALLEST_LINE_SIZE = 9.0, 5.0
MARGIN = 12.0


class UnreadablePdf(Exception):
    """The stored file cannot be read as a PDF, so it cannot be stamped."""


def plain_text(value: str) -> str:
    """One line of printable text: no control or direction marks, spaces collapsed."""
    value = unicodedata.normalize("NFC", value or "")
    # Line breaks and tabs become spaces; other controls and marks go.
    value = "".join(
        ch for ch in " ".join(value.split()) if unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    return " ".join(value.split())


@dataclass(frozen=True)
class Stamp:
    """What every stamped page says."""

    recipient: str
    organisation: str
    date: str
    label: str

    def __post_init__(self) -> None:
        for each in fields(self):
            object.__setattr__(self, each.name, plain_text(getattr(self, each.name)))

    @classmethod
    def of(cls, recipient: str, organisation: str, label: str, at: datetime, zone: str) -> Stamp:
        return cls(recipient, organisation, f"{utc_to_local(at, zone):%d %b %Y}", label)

    @property
    def line(self) -> str:
        return f"{self.label} · Issued to {self.recipient}, {self.organisation} · {self.date}"

    @property
    def key(self) -> str:
        return "\x1f".join((self.recipient, self.organisation, self.date, self.label))


def _fitted(text: str, font: str, largest: float, smallest: float, room: float):
    """The size and lines that show the whole text within ``room`` points of width: the
    largest size up to ``largest`` on one line, else wrapped at ``smallest``."""
    natural = stringWidth(text, font, 1.0) or 1.0
    size = max(smallest, min(largest, room / natural))
    if natural * size <= room:
        return size, [text]
    return size, simpleSplit(text, font, size, room) or [text]


def _overlay(stamp: Stamp, width: float, height: float) -> PageObject:
    """One page the size of the visible area with the stamp at top, bottom and across it."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    # invariant: the same stamp gives the same bytes, so a download can be resumed.
    sheet = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    room = max(width - 2 * MARGIN, width / 2)
    size, lines = _fitted(
        stamp.line,
        regular,
        min(LINE_SIZE, max(SMALLEST_LINE_SIZE, width / 70)),
        SMALLEST_LINE_SIZE,
        room,
    )
    leading = size * 1.2
    sheet.setFont(regular, size)
    sheet.setFillColor(colors.Color(0.55, 0.05, 0.05, alpha=0.85))
    for number, text in enumerate(lines):
        sheet.drawCentredString(width / 2, height - size * 1.8 - number * leading, text)
        sheet.drawCentredString(width / 2, size * 1.2 + (len(lines) - 1 - number) * leading, text)
    sheet.saveState()
    sheet.translate(width / 2, height / 2)
    sheet.rotate(35)
    # Across the page: the longest line that stays within the page at that angle.
    across = 0.8 * min(width / 0.82, height / 0.57)
    big, names = _fitted(stamp.recipient, bold, 40.0, 10.0, across)
    small, details = _fitted(f"{stamp.organisation} · {stamp.label}", bold, big * 0.55, 6.0, across)
    rows = [(bold, big, text) for text in names] + [(bold, small, text) for text in details]
    total = sum(row_size * 1.2 for _font, row_size, _text in rows)
    y = total / 2
    sheet.setFillColor(colors.Color(0.55, 0.05, 0.05, alpha=0.13))
    for font, row_size, text in rows:
        y -= row_size * 1.2
        sheet.setFont(font, row_size)
        sheet.drawCentredString(0, y + row_size * 0.25, text)
    sheet.restoreState()
    sheet.showPage()
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def visible_box(page: PageObject) -> tuple[float, float, float, float]:
    """Left, bottom, width and height of what a viewer shows: the crop box within the media box."""
    media, crop = page.mediabox, page.cropbox
    left = max(float(media.left), float(crop.left))
    bottom = max(float(media.bottom), float(crop.bottom))
    right = min(float(media.right), float(crop.right))
    top = min(float(media.top), float(crop.top))
    if right - left < 1 or top - bottom < 1:
        left, bottom = float(media.left), float(media.bottom)
        right, top = float(media.right), float(media.top)
    return left, bottom, right - left, top - bottom


def stamp_pages(pages: Iterable[PageObject], stamp: Stamp) -> None:
    """Merge the stamp onto each page, upright as shown, whatever its size or rotation."""
    overlays: dict[tuple[float, float], PageObject] = {}
    for page in pages:
        if page.rotation:
            # Turn the content instead of the page, so the stamp is drawn upright.
            page.transfer_rotation_to_content()
        # The stamp goes where the page is seen: a crop box may hide most of the media box.
        left, bottom, width, height = visible_box(page)
        key = (round(width, 2), round(height, 2))
        if key not in overlays:
            overlays[key] = _overlay(stamp, width, height)
        page.merge_transformed_page(
            overlays[key], Transformation().translate(left, bottom), over=True
        )


def open_pdf(source: Path | IO[bytes]) -> PdfReader:
    """A reader for the file, or UnreadablePdf (damaged, not a PDF, or locked by a password)."""
    try:
        reader = PdfReader(source)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadablePdf("the PDF is protected by a password")
        if len(reader.pages) == 0:
            raise UnreadablePdf("the PDF has no pages")
        return reader
    except UnreadablePdf:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a malformed file
        raise UnreadablePdf(str(error)) from error


def stamp_pdf(source: Path, destination: IO[bytes], stamp: Stamp) -> None:
    """Write a stamped copy of the PDF at ``source`` to ``destination``."""
    reader = open_pdf(source)
    try:
        writer = PdfWriter(clone_from=reader)
        stamp_pages(writer.pages, stamp)
        writer.write(destination)
    except Exception as error:
        raise UnreadablePdf(str(error)) from error
