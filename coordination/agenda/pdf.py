"""The agenda as a PDF (reportlab), for the same viewer and with the same filtering as the page."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..markdown import render_markdown
from ..pdf_layout import build_a4, fonts
from ..timezones import format_local, utc_to_local

if TYPE_CHECKING:
    from .presenters import AgendaPage


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14),
        "day": ParagraphStyle(
            "day",
            base,
            fontName=bold,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "time": ParagraphStyle("time", base, fontName=bold),
        "item": ParagraphStyle("item", base, fontName=bold, fontSize=10.5, leading=13.5),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=11, textColor=colors.grey),
    }


def _text(value: str) -> str:
    """Plain text made safe for reportlab's paragraph markup."""
    return html.escape(value or "", quote=False)


def _description(markdown_text: str) -> list[str]:
    """Markdown rendered and sanitised, then read back as plain paragraphs."""
    rendered = str(render_markdown(markdown_text or ""))
    rendered = re.sub(r"<li>", "• ", rendered)
    rendered = re.sub(r"</(p|li|h\d|blockquote|pre|tr)>|<br\s*/?>", "\n", rendered)
    plain = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    return [line.strip() for line in plain.splitlines() if line.strip()]


def _row(styles, clock, title: str, kind: str, presenters: str, description: str, audience=None):
    time_cell = [Paragraph(_text(clock.text), styles["time"])]
    if clock.other:
        time_cell.append(Paragraph(_text(clock.other), styles["small"]))
    body = [Paragraph(_text(title), styles["item"])]
    details = [kind]
    if presenters:
        details.append(f"Presenting: {presenters}")
    if audience:
        details.append(f"For: {audience}")
    body.append(Paragraph(_text(" · ".join(details)), styles["small"]))
    body.extend(Paragraph(_text(line), styles["base"]) for line in _description(description))
    return [time_cell, body]


def _table(rows: list) -> Table:
    table = Table(rows, colWidths=[42 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.lightgrey),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def _days(styles, entries) -> list:
    """Flowables for (clock, row) pairs, a heading at each new day."""
    flowables, rows = [], []
    for clock, row in entries:
        if clock.day:
            if rows:
                flowables.append(_table(rows))
                rows = []
            flowables.append(Paragraph(_text(clock.day), styles["day"]))
        rows.append(row)
    if rows:
        flowables.append(_table(rows))
    return flowables


def build_pdf(page: AgendaPage) -> bytes:
    """The agenda shown on the page, as a PDF: published version (or, for the team, a draft)."""
    styles = _styles()
    convening = page.convening
    story = [Paragraph(_text(convening.title), styles["title"])]
    when = (
        f"{format_local(convening.starts_at, convening.timezone)} to "
        f"{format_local(convening.ends_at, convening.timezone)}"
    )
    story.append(Paragraph(_text(when), styles["subtitle"]))
    place = ", ".join(p for p in (convening.venue_name, convening.venue_room) if p)
    if place:
        story.append(Paragraph(_text(place), styles["subtitle"]))
    if page.version is not None:
        heading = (
            f"Agenda, version {page.version.number}, published "
            f"{utc_to_local(page.version.published_at, convening.timezone):%d %b %Y}"
        )
        team_copy = page.viewer.is_team and page.preview is None
        if page.preview is not None:
            heading += f", as {page.preview.name} sees it"
        elif team_copy:
            heading += ". Team copy: it lists the items of every audience"
        entries = [
            (
                clock,
                _row(
                    styles,
                    clock,
                    i.title,
                    i.kind_label,
                    i.presenters,
                    i.description,
                    page.audience_of(i) if team_copy else None,
                ),
            )
            for i, clock in page.published
        ]
    elif page.draft is not None:
        heading = "Draft agenda: not yet published, for the team only"
        entries = [
            (
                row["clock"],
                _row(
                    styles,
                    row["clock"],
                    row["item"].title,
                    row["item"].kind.label,
                    row["presenters"],
                    row["item"].description,
                    row["audience"],
                ),
            )
            for row in page.draft
        ]
    else:
        heading, entries = "The agenda has not been published yet.", []
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_text(heading), styles["subtitle"]))
    zones = convening.timezone + (f" (and {page.other_zone})" if page.other_zone else "")
    story.append(Paragraph(_text(f"Times in {zones}."), styles["small"]))
    story.append(Spacer(1, 2 * mm))
    story.extend(_days(styles, entries))

    return build_a4(
        story,
        title=f"Agenda: {convening.title}",
        footer=f"{convening.sensitivity} · {convening.title}",
        margins=(18 * mm, 18 * mm, 16 * mm, 18 * mm),
        page_numbers=True,
    )
