"""The demonstration's agendas and minutes, as plain facts for ``agenda`` to build."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from ..models import AgendaItemKind as Kind
from ..models import AudienceKind, MinuteKind, OrganisationKind


@dataclass(frozen=True)
class DemoItem:
    kind: Kind
    title: str
    minutes: int
    description: str = ""
    # Presenting organisations, and delegates as (organisation, delegate name).
    organisations: tuple[str, ...] = ()
    delegates: tuple[tuple[str, str], ...] = ()
    presenters_text: str = ""
    audience: AudienceKind = AudienceKind.EVERYONE
    # For AudienceKind.KINDS: kinds admitted; for ORGANISATIONS: organisation names.
    audience_kinds: tuple[OrganisationKind, ...] = ()
    audience_organisations: tuple[str, ...] = field(default=())
    # Wall-clock start in the convening's zone, for items that must begin at a set time.
    fixed_start: time | None = None


GOVERNMENT_ONLY = "Interagency coordination (government only)"
PARTNERS_ONLY = "Working with international partners"
TEAM_DEBRIEF = "Team debrief"

# Washington, 09:00 to 16:30 America/New_York: 450 minutes, lunch fixed at 12:30.
WASHINGTON = [
    DemoItem(
        Kind.SESSION,
        "Welcome and framing",
        30,
        "Why we are here, what the day should produce, and how we will work together. "
        "The discussion is held under the **Chatham House Rule**.",
        presenters_text="The Deputy Attorney General (Justice Department)",
    ),
    DemoItem(
        Kind.BRIEFING,
        "Briefing: the terrorist group's online messaging",
        45,
        "How the group's propaganda is made, where it travels and how it reaches young "
        "audiences; what platforms see and what they miss. Slides will not be circulated.",
        delegates=(("National Counterterrorism Center", "Robert Hale"),),
    ),
    DemoItem(Kind.BREAK, "Coffee break", 15),
    DemoItem(
        Kind.DISCUSSION,
        "Faster takedowns of propaganda accounts on social platforms",
        60,
        "Where reporting, review and removal are slow today; shared signals between "
        "platforms; how quickly accounts return under new names.\n\n"
        "- What a 24-hour target would need\n- What figures platforms can publish",
        organisations=("Twitter", "Facebook"),
        presenters_text="Moderated by the Justice Department",
    ),
    DemoItem(
        Kind.DISCUSSION,
        "Counter-narratives and optimistic messaging",
        60,
        "How advertising and entertainment firms could help credible voices tell a more "
        "hopeful story than the propaganda does, and reach the same audiences.",
        organisations=("MTV",),
        presenters_text="Advertising and entertainment firms",
    ),
    DemoItem(Kind.MEAL, "Lunch", 60, "Served in the Great Hall foyer.", fixed_start=time(12, 30)),
    DemoItem(
        Kind.DISCUSSION,
        "Community groups' perspectives",
        45,
        "What works locally, what backfires, and what community groups need from companies "
        "and government.",
        organisations=("Bridges Community Alliance", "Youth Voices Against Extremism"),
    ),
    DemoItem(
        Kind.SESSION,
        GOVERNMENT_ONLY,
        30,
        "Agencies align on follow-up, points of contact and what can be shared with partners. "
        "Held in Conference Room 5111.",
        organisations=("National Security Council", "State Department"),
        audience=AudienceKind.KINDS,
        audience_kinds=(OrganisationKind.GOVERNMENT_AGENCY,),
    ),
    DemoItem(
        Kind.SESSION,
        f"{PARTNERS_ONLY} (embassies and the State Department)",
        30,
        "Allied missions and the State Department on joint campaigns abroad.",
        organisations=("State Department",),
        audience=AudienceKind.ORGANISATIONS,
        audience_organisations=(
            "British Embassy Washington",
            "Embassy of France",
            "Delegation of the European Union",
            "State Department",
        ),
    ),
    DemoItem(Kind.BREAK, "Coffee break", 15),
    DemoItem(
        Kind.SESSION,
        "Closing and next steps",
        45,
        "Commitments made today, owners and dates; the follow-up meeting in the spring.",
        organisations=("Justice Department", "State Department"),
    ),
    DemoItem(
        Kind.OTHER,
        TEAM_DEBRIEF,
        15,
        "What went well, what to chase, and the draft summary for participants.",
        audience=AudienceKind.TEAM,
    ),
]

# Version 2 of the Washington agenda: the takedowns discussion gains fifteen minutes from the
# counter-narratives discussion, and the community session is retitled.
LONGER = ("Faster takedowns of propaganda accounts on social platforms", 75)
SHORTER = ("Counter-narratives and optimistic messaging", 45)
RETITLED = ("Community groups' perspectives", "What works locally: community groups' perspectives")

# Silicon Valley, 10:00 to 15:00 America/Los_Angeles (concluded).
VALLEY = [
    DemoItem(
        Kind.SESSION,
        "Welcome and purpose of the visit",
        20,
        organisations=("Justice Department",),
    ),
    DemoItem(
        Kind.BRIEFING,
        "Briefing: terrorist use of platforms for recruitment",
        60,
        organisations=("National Counterterrorism Center",),
    ),
    DemoItem(
        Kind.DISCUSSION,
        "Working together against online recruitment",
        100,
        "Detection, reporting channels, and what companies can tell government and the public.",
        organisations=("Apple", "Facebook", "Twitter"),
    ),
    DemoItem(
        Kind.MEAL,
        "Working lunch: next steps",
        75,
        organisations=("National Security Council",),
    ),
    DemoItem(Kind.OTHER, TEAM_DEBRIEF, 45, audience=AudienceKind.TEAM),
]

# (kind, agenda item title or None for a general note, text)
VALLEY_MINUTES = [
    (
        MinuteKind.NOTE,
        "Briefing: terrorist use of platforms for recruitment",
        "Recruiters move people from public posts to private and encrypted channels within "
        "days; the first contact is usually on the most popular platforms.",
    ),
    (
        MinuteKind.NOTE,
        "Working together against online recruitment",
        "Companies asked for **one point of contact** in government for urgent referrals, "
        "rather than several agencies writing separately.",
    ),
    (
        MinuteKind.DECISION,
        "Working together against online recruitment",
        "Platforms will share quarterly figures on propaganda account takedowns.",
    ),
    (
        MinuteKind.DECISION,
        "Working together against online recruitment",
        "The Justice Department will name a single point of contact for urgent referrals "
        "by the end of the month.",
    ),
    (
        MinuteKind.DECISION,
        "Working lunch: next steps",
        "A follow-up convening in Washington will bring in advertising and entertainment "
        "firms and community groups to work on counter-narratives.",
    ),
    (
        MinuteKind.NOTE,
        None,
        "Attendance was high; every company sent someone from policy and from trust and safety.",
    ),
    (
        MinuteKind.NOTE,
        TEAM_DEBRIEF,
        "Two companies were reluctant to publish figures before their own reports are out; "
        "follow up with them individually before Washington. Not for participants.",
    ),
]

# Los Angeles, 09:30 to 13:00 America/Los_Angeles: a draft not yet published.
STUDIOS = [
    DemoItem(
        Kind.SESSION,
        "Welcome and introductions",
        15,
        organisations=("State Department",),
    ),
    DemoItem(
        Kind.BRIEFING,
        "What the propaganda looks like, and who it reaches",
        45,
        organisations=("Justice Department",),
    ),
    DemoItem(
        Kind.DISCUSSION,
        "Stories that offer a more hopeful narrative",
        120,
        "How film, television and advertising could support credible voices, and what "
        "studios would need to take part.",
        organisations=("MTV",),
        presenters_text="Studio heads",
    ),
    DemoItem(
        Kind.SESSION,
        "Next steps ahead of Washington",
        30,
        organisations=("State Department", "Justice Department"),
    ),
]
