"""What every PDF the application draws shares: its fonts and its A4 page with a footer.

Used by the agenda's PDF, the briefing book and the watermark stamped on briefings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate

# A font with wide coverage (names and titles in many scripts); reportlab's own Vera otherwise.
_FONT_CANDIDATES = (
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
    (
        Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
        Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf",
    ),
)
REGULAR, BOLD = "CoordinationSans", "CoordinationSans-Bold"


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """The regular and bold font names to draw with, registered on first use."""
    for regular, bold in _FONT_CANDIDATES:
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            return REGULAR, BOLD
    return "Helvetica", "Helvetica-Bold"


def build_a4(
    story: Sequence[Flowable],
    *,
    title: str,
    footer: str,
    margins: tuple[float, float, float, float],
    footer_limit: int = 120,
    page_numbers: bool = False,
) -> bytes:
    """Lay the story out on A4 pages with a grey footer line; answer the PDF's bytes.

    ``margins`` are left, right, top and bottom, in points.
    """
    regular, _bold = fonts()
    label = footer[:footer_limit]

    def draw_footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(document.leftMargin, 10 * mm, label)
        if page_numbers:
            canvas.drawRightString(A4[0] - document.rightMargin, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    left, right, top, bottom = margins
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="coordination",
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
    )
    document.build(list(story), onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buffer.getvalue()
