"""Stamping a PDF with its recipient on every page, so that a leaked copy names its source."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from reportlab.lib import colors
from reportlab.pdfgen import canvas

from ..agenda.pdf import _fonts
from ..timezones import utc_to_local


class UnreadablePdf(Exception):
    """The stored file cannot be read as a PDF, so it cannot be stamped."""


@dataclass(frozen=True)
class Stamp:
    """What every stamped page says."""

    recipient: str
    organisation: str
    date: str
    label: str

    @classmethod
    def of(cls, recipient: str, organisation: str, label: str, at: datetime, zone: str) -> Stamp:
        return cls(recipient, organisation, f"{utc_to_local(at, zone):%d %b %Y}", label)

    @property
    def line(self) -> str:
        return f"{self.label} · Issued to {self.recipient}, {self.organisation} · {self.date}"

    @property
    def key(self) -> str:
        return "\x1f".join((self.recipient, self.organisation, self.date, self.label))


def _overlay(stamp: Stamp, width: float, height: float) -> PageObject:
    """One page the size of the target with the stamp at top, bottom and across the middle."""
    regular, bold = _fonts()
    buffer = io.BytesIO()
    # invariant: the same stamp gives the same bytes, so a download can be resumed.
    sheet = canvas.Canvas(buffer, pagesize=(width, height), invariant=1)
    size = max(6.0, min(9.0, width / 70))
    line = stamp.line
    sheet.setFont(regular, size)
    sheet.setFillColor(colors.Color(0.55, 0.05, 0.05, alpha=0.85))
    for y in (height - size * 1.8, size * 1.2):
        sheet.drawCentredString(width / 2, y, line)
    sheet.saveState()
    sheet.translate(width / 2, height / 2)
    sheet.rotate(35)
    big = max(14.0, min(40.0, width / (len(stamp.recipient) + 6) * 1.6))
    sheet.setFont(bold, big)
    sheet.setFillColor(colors.Color(0.55, 0.05, 0.05, alpha=0.13))
    sheet.drawCentredString(0, big * 0.6, stamp.recipient)
    sheet.setFont(bold, big * 0.55)
    sheet.drawCentredString(0, -big * 0.6, f"{stamp.organisation} · {stamp.label}")
    sheet.restoreState()
    sheet.showPage()
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def stamp_pages(pages: Iterable[PageObject], stamp: Stamp) -> None:
    """Merge the stamp onto each page, upright as shown, whatever its size or rotation."""
    overlays: dict[tuple[float, float], PageObject] = {}
    for page in pages:
        if page.rotation:
            # Turn the content instead of the page, so the stamp is drawn upright.
            page.transfer_rotation_to_content()
        box = page.mediabox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width), float(box.height)
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
