"""The demonstration's briefing documents: PDFs generated with reportlab, uploaded through
the briefing services as an organiser would upload them.

A document whose title the convening already has is left as it is, so running the demo
again adds nothing. Each upload is dated as if done in the days before its convening.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..briefings import services
from ..briefings.details import DocumentInput
from ..briefings.uploads import Upload
from ..models import AgendaItem, AudienceKind, Convening, Document, OrganisationKind, User
from ..principal import load_principal
from ..storage import Staging
from ..timezones import utc_to_local
from .agenda import _dated

if TYPE_CHECKING:
    from .seed import SeedReport


@dataclass(frozen=True)
class DemoDocument:
    title: str
    filename: str
    sensitivity: str
    description: str
    # Pages of the PDF, each a heading and its paragraphs.
    pages: list[tuple[str, list[str]]]
    audience: AudienceKind = AudienceKind.EVERYONE
    audience_kinds: tuple[OrganisationKind, ...] = ()
    # The agenda item it belongs to, by a word of its title.
    agenda_word: str | None = None
    # Released to participants only from the start of the meeting day.
    embargoed: bool = False
    # Later versions: (file name, pages).
    revisions: list[tuple[str, list[tuple[str, list[str]]]]] = field(default_factory=list)


WASHINGTON = [
    DemoDocument(
        title="Threat briefing: online propaganda trends",
        filename="threat-briefing-online-propaganda-trends.pdf",
        sensitivity="Official-Sensitive",
        description=(
            "The National Counterterrorism Center's assessment of how the group recruits "
            "and spreads its messaging online. **For government agencies only**; each copy "
            "is stamped with the name of the person who downloads it."
        ),
        audience=AudienceKind.KINDS,
        audience_kinds=(OrganisationKind.GOVERNMENT_AGENCY,),
        agenda_word="online messaging",
        pages=[
            (
                "Threat briefing: online propaganda trends",
                [
                    "Prepared for the Madison Valleywood convening by the National "
                    "Counterterrorism Center.",
                    "Summary: the volume of propaganda has grown, its production values "
                    "have risen, and its distribution moves quickly between platforms.",
                ],
            ),
            (
                "Trends",
                [
                    "1. Short video and still images made for sharing on mobile phones.",
                    "2. Accounts recreated within hours of being taken down.",
                    "3. Messaging in many languages aimed at young audiences abroad.",
                ],
            ),
        ],
    ),
    DemoDocument(
        title="Counter-narrative toolkit",
        filename="counter-narrative-toolkit.pdf",
        sensitivity="Official",
        description=(
            "Practical guidance for platforms, studios, agencies and community groups on "
            "counter-narratives and optimistic messaging."
        ),
        agenda_word="Counter-narratives",
        pages=[
            (
                "Counter-narrative toolkit (draft)",
                [
                    "Who this is for: communications teams at technology, advertising and "
                    "entertainment firms, and community groups.",
                    "Principles: credible voices, local stories, hope over fear.",
                ],
            ),
        ],
        revisions=[
            (
                "counter-narrative-toolkit-v2.pdf",
                [
                    (
                        "Counter-narrative toolkit",
                        [
                            "Who this is for: communications teams at technology, "
                            "advertising and entertainment firms, and community groups.",
                            "Principles: credible voices, local stories, hope over fear.",
                        ],
                    ),
                    (
                        "Case studies",
                        [
                            "A youth video competition run with community groups.",
                            "A studio-backed series told by former recruits.",
                        ],
                    ),
                ],
            )
        ],
    ),
    DemoDocument(
        title="Takedown process overview",
        filename="takedown-process-overview.pdf",
        sensitivity="Official",
        description="How referrals reach the platforms and how fast each step should be.",
        agenda_word="takedowns",
        pages=[
            (
                "Takedown process overview",
                [
                    "Step 1: a referral names the account and the material.",
                    "Step 2: the platform checks it against its terms of service.",
                    "Step 3: the account is suspended and the decision recorded.",
                    "Goal discussed at the meeting: hours, not days.",
                ],
            ),
        ],
    ),
    DemoDocument(
        title="Meeting-day data pack",
        filename="meeting-day-data-pack.pdf",
        sensitivity="Official",
        description="Figures presented on the day; shared with participants when the meeting "
        "begins.",
        embargoed=True,
        pages=[
            (
                "Meeting-day data pack",
                [
                    "Accounts referred and removed, by quarter.",
                    "Reach of counter-narrative campaigns run by participants.",
                ],
            ),
        ],
    ),
]

VALLEY = [
    DemoDocument(
        title="Silicon Valley visit: read-out",
        filename="silicon-valley-visit-read-out.pdf",
        sensitivity="Official",
        description="What was discussed with technology leaders in San Jose.",
        pages=[
            (
                "Silicon Valley visit: read-out",
                [
                    "Participants agreed to continue the conversation in Washington.",
                    "Themes: faster takedowns, support for counter-messaging, research.",
                ],
            ),
        ],
    ),
]


def pdf_of(pages: list[tuple[str, list[str]]], label: str) -> bytes:
    """A small A4 PDF with a heading and paragraphs on each page, and the label in the footer."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    _width, height = A4
    for heading, paragraphs in pages:
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(20 * mm, height - 30 * mm, heading)
        pdf.setFont("Helvetica", 11)
        y = height - 45 * mm
        for paragraph in paragraphs:
            pdf.drawString(20 * mm, y, paragraph)
            y -= 8 * mm
        pdf.setFont("Helvetica", 8)
        pdf.drawString(20 * mm, 12 * mm, f"{label} · Madison Valleywood")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _agenda_item_id(session: Session, convening: Convening, word: str | None) -> int | None:
    if word is None:
        return None
    items = session.scalars(select(AgendaItem).where(AgendaItem.convening_id == convening.id)).all()
    return next((item.id for item in items if word.lower() in item.title.lower()), None)


def _add(
    session: Session,
    report: SeedReport,
    convening: Convening,
    documents: list[DemoDocument],
    actor: User,
    when: datetime,
) -> None:
    existing = set(
        session.scalars(select(Document.title).where(Document.convening_id == convening.id))
    )
    principal = load_principal(session, actor)
    meeting_day = utc_to_local(convening.starts_at, convening.timezone).replace(tzinfo=None)
    for number, demo in enumerate(documents):
        if demo.title in existing:
            continue
        data = DocumentInput(
            title=demo.title,
            description=demo.description,
            sensitivity=demo.sensitivity,
            audience_kind=demo.audience.value,
            audience_kinds=[kind.value for kind in demo.audience_kinds],
            embargo_local=meeting_day if demo.embargoed else None,
            agenda_item_id=_agenda_item_id(session, convening, demo.agenda_word),
        )
        uploaded_at = when + timedelta(hours=number)
        # The demo is committed by the command that runs it; its files are kept at once.
        with Staging() as staging, _dated(session, uploaded_at):
            upload = Upload(io.BytesIO(pdf_of(demo.pages, demo.sensitivity)), demo.filename)
            document = services.create_document(
                session, principal, convening, data, upload, staging
            )
            document.created_at = uploaded_at
            document.latest.uploaded_at = uploaded_at
            for revision, (filename, pages) in enumerate(demo.revisions, start=1):
                revised_at = uploaded_at + timedelta(days=revision * 2)
                version = services.replace_file(
                    session,
                    principal,
                    document,
                    Upload(io.BytesIO(pdf_of(pages, demo.sensitivity)), filename),
                    staging,
                    document.version,
                )
                version.uploaded_at = revised_at
            session.flush()
            staging.keep()
        report.note(f"briefing document {demo.title}")


def add(
    session: Session,
    report: SeedReport,
    washington: Convening,
    valley: Convening,
    users: dict[str, User],
    now: datetime,
) -> None:
    """Briefing documents for the Washington meeting and the earlier valley visit."""
    organiser = users["organiser@example.org"]
    _add(
        session,
        report,
        washington,
        WASHINGTON,
        organiser,
        min(now, washington.starts_at) - timedelta(days=8),
    )
    _add(session, report, valley, VALLEY, organiser, valley.starts_at - timedelta(days=5))
