"""Facts for the Madison Valleywood demonstration: organisations, people and convenings."""

from __future__ import annotations

from ..models import OrganisationKind as K

# (name, kind, country, sectors, website)
ORGANISATIONS: list[tuple[str, K, str, tuple[str, ...], str | None]] = [
    # Technology ("Valley")
    ("Apple", K.COMPANY, "US", ("Technology", "Consumer devices"), "https://www.apple.com"),
    ("Twitter", K.COMPANY, "US", ("Technology", "Social media"), "https://twitter.com"),
    ("Facebook", K.COMPANY, "US", ("Technology", "Social media"), "https://www.facebook.com"),
    ("Snapchat", K.COMPANY, "US", ("Technology", "Social media"), "https://www.snapchat.com"),
    ("Google", K.COMPANY, "US", ("Technology", "Search", "Video"), "https://www.google.com"),
    ("Microsoft", K.COMPANY, "US", ("Technology", "Software"), "https://www.microsoft.com"),
    ("LinkedIn", K.COMPANY, "US", ("Technology", "Social media"), "https://www.linkedin.com"),
    ("Tumblr", K.COMPANY, "US", ("Technology", "Social media"), "https://www.tumblr.com"),
    ("Yahoo", K.COMPANY, "US", ("Technology", "Media"), "https://www.yahoo.com"),
    ("Pinterest", K.COMPANY, "US", ("Technology", "Social media"), "https://www.pinterest.com"),
    ("Reddit", K.COMPANY, "US", ("Technology", "Social media"), "https://www.reddit.com"),
    ("Dropbox", K.COMPANY, "US", ("Technology", "Cloud storage"), "https://www.dropbox.com"),
    ("Brightwave Analytics", K.COMPANY, "US", ("Technology", "Data analysis"), None),
    ("Northlight Labs", K.COMPANY, "US", ("Technology", "Content moderation"), None),
    # Entertainment ("Hollywood")
    ("MTV", K.COMPANY, "US", ("Entertainment", "Television", "Music"), "https://www.mtv.com"),
    ("Warner Bros.", K.COMPANY, "US", ("Entertainment", "Film"), "https://www.warnerbros.com"),
    ("Sony Pictures", K.COMPANY, "US", ("Entertainment", "Film"), "https://www.sonypictures.com"),
    ("Universal Pictures", K.COMPANY, "US", ("Entertainment", "Film"), None),
    ("Paramount Pictures", K.COMPANY, "US", ("Entertainment", "Film"), None),
    ("Lionsgate", K.COMPANY, "US", ("Entertainment", "Film"), None),
    ("Netflix", K.COMPANY, "US", ("Entertainment", "Streaming"), "https://www.netflix.com"),
    ("Harbor Street Films", K.COMPANY, "US", ("Entertainment", "Documentary"), None),
    # Advertising ("Madison")
    ("Omnicom Group", K.COMPANY, "US", ("Advertising",), None),
    ("WPP", K.COMPANY, "GB", ("Advertising",), None),
    ("Interpublic Group", K.COMPANY, "US", ("Advertising",), None),
    ("Publicis Groupe", K.COMPANY, "FR", ("Advertising",), None),
    ("Havas", K.COMPANY, "FR", ("Advertising",), None),
    ("Canal Street Creative", K.COMPANY, "US", ("Advertising", "Digital campaigns"), None),
    # Government
    (
        "Justice Department",
        K.GOVERNMENT_AGENCY,
        "US",
        ("Justice", "Counterterrorism"),
        "https://www.justice.gov",
    ),
    ("National Security Council", K.GOVERNMENT_AGENCY, "US", ("National security",), None),
    (
        "State Department",
        K.GOVERNMENT_AGENCY,
        "US",
        ("Diplomacy", "Public diplomacy"),
        "https://www.state.gov",
    ),
    ("National Counterterrorism Center", K.GOVERNMENT_AGENCY, "US", ("Counterterrorism",), None),
    ("Department of Homeland Security", K.GOVERNMENT_AGENCY, "US", ("Homeland security",), None),
    ("Federal Bureau of Investigation", K.GOVERNMENT_AGENCY, "US", ("Law enforcement",), None),
    # Foreign missions and international bodies
    ("British Embassy Washington", K.EMBASSY, "GB", ("Diplomacy",), None),
    ("Embassy of France", K.EMBASSY, "FR", ("Diplomacy",), None),
    ("Delegation of the European Union", K.INTERNATIONAL_ORGANISATION, "BE", ("Diplomacy",), None),
    (
        "Global Counter-Messaging Forum",
        K.INTERNATIONAL_ORGANISATION,
        "CH",
        ("Counter-messaging",),
        None,
    ),
    # Community groups and NGOs
    ("Bridges Community Alliance", K.COMMUNITY_GROUP, "US", ("Community", "Interfaith"), None),
    (
        "Youth Voices Against Extremism",
        K.COMMUNITY_GROUP,
        "US",
        ("Youth", "Counter-messaging"),
        None,
    ),
    ("Neighbourhood Resilience Network", K.COMMUNITY_GROUP, "US", ("Community",), None),
    ("Families for Peace", K.COMMUNITY_GROUP, "US", ("Community", "Families"), None),
    ("Open Minds Education Trust", K.COMMUNITY_GROUP, "GB", ("Education",), None),
    ("Digital Citizens Coalition", K.COMMUNITY_GROUP, "US", ("Digital literacy",), None),
    ("Counterpoint Media Project", K.COMMUNITY_GROUP, "US", ("Media", "Counter-messaging"), None),
    ("Midwest Muslim Leadership Forum", K.COMMUNITY_GROUP, "US", ("Community", "Interfaith"), None),
    ("Survivors' Voices Foundation", K.COMMUNITY_GROUP, "US", ("Victims' support",), None),
    ("Campus Dialogue Initiative", K.COMMUNITY_GROUP, "US", ("Youth", "Education"), None),
    ("Center for Online Safety Research", K.OTHER, "US", ("Research",), None),
    ("Institute for Narrative Strategy", K.OTHER, "US", ("Research", "Counter-messaging"), None),
]

# Organisations by the convenings they are invited to.
STUDIO_MEETING = [
    "MTV",
    "Warner Bros.",
    "Sony Pictures",
    "Universal Pictures",
    "Paramount Pictures",
    "Lionsgate",
    "Netflix",
    "Harbor Street Films",
    "Omnicom Group",
    "Interpublic Group",
    "State Department",
    "Justice Department",
]
VALLEY_VISIT = [
    "Apple",
    "Twitter",
    "Facebook",
    "Google",
    "Microsoft",
    "LinkedIn",
    "Dropbox",
    "Yahoo",
    "Justice Department",
    "National Counterterrorism Center",
    "National Security Council",
]

DEMO_ACCOUNTS = [
    # (email, name, role text, organisation of the contact or None, is_admin)
    ("admin@example.org", "Alex Administrator", "administrator", None, True),
    (
        "organiser@example.org",
        "Olivia Organiser",
        "organiser of the series",
        "Justice Department",
        False,
    ),
    (
        "coordinator@example.org",
        "Colin Coordinator",
        "coordinator of the series",
        "State Department",
        False,
    ),
    ("focal.apple@example.org", "Priya Raman", "Apple's focal point", "Apple", False),
    (
        "focal.embassy@example.org",
        "James Whitfield",
        "the British Embassy's focal point",
        "British Embassy Washington",
        False,
    ),
]

SERIES_NAME = "Madison Valleywood"
SERIES_DESCRIPTION = (
    "Engagement with technology, advertising and entertainment firms and community groups on "
    "countering terrorist propaganda online. The project's name joins Madison Avenue "
    "(advertising), Silicon Valley (technology) and Hollywood (entertainment)."
)

MAIN_SUMMARY = """\
A working meeting hosted by the **Justice Department** with nearly fifty technology firms,
advertising and entertainment companies, community groups and government partners.

The agenda focuses on:

- a briefing on the terrorist group's online messaging and how it reaches young audiences;
- plans to counter its propaganda with *counter-narratives and optimistic messaging*;
- faster takedowns of propaganda accounts on social platforms.

The director of the National Counterterrorism Center will speak. Delegations are asked to bring
examples of campaigns that worked, and figures on account takedowns where they can share them.
"""

STUDIO_SUMMARY = """\
A meeting with heads of film and television studios and advertising leaders in Los Angeles,
ahead of the Washington convening, on how storytelling can offer young people a more hopeful
narrative than terrorist propaganda.
"""

VALLEY_SUMMARY = """\
A visit by administration representatives to Silicon Valley to meet technology executives on
terrorist use of their platforms and on working together against online recruitment.
"""

# --- Invitations and delegations ------------------------------------------------------------

# Invited organisations whose focal point is a demo account (the others get a generated
# focal-point contact).
FOCAL_ACCOUNTS = {
    "Apple": "focal.apple@example.org",
    "British Embassy Washington": "focal.embassy@example.org",
}

# The people some organisations send, head of delegation first: (name, title, email or None).
DELEGATIONS: dict[str, list[tuple[str, str, str | None]]] = {
    "Apple": [
        ("Marcus Bell", "Vice President, Public Policy", None),
        ("Priya Raman", "Senior Manager, Government Affairs", "focal.apple@example.org"),
        ("Hannah Cole", "Director, Trust and Safety", None),
    ],
    "Twitter": [
        ("Daniel Ortiz", "Head of Global Public Policy", None),
        ("Mei Tanaka", "Trust and Safety Lead", None),
    ],
    "Facebook": [
        ("Rachel Lindqvist", "Head of Counterterrorism Policy", None),
        ("Omar Haddad", "Public Policy Manager", None),
    ],
    "MTV": [
        ("Jasmine Porter", "Executive Vice President, Social Impact", None),
    ],
    "State Department": [
        ("Katherine Moss", "Special Envoy for Strategic Communications", None),
        ("Thomas Greer", "Senior Adviser, Public Diplomacy", None),
        ("Ana Lucía Fernández", "Programme Officer", None),
    ],
    "National Counterterrorism Center": [
        ("Robert Hale", "Director", None),
        ("Elena Petrova", "Senior Analyst, Online Radicalisation", None),
    ],
}

FIRST_NAMES = [
    "Aisha", "Ben", "Carmen", "David", "Elif", "Farid", "Grace", "Hiro", "Isabel", "Jamal",
    "Katrin", "Luis", "Maya", "Noah", "Olusegun", "Paula", "Quentin", "Rosa", "Samir", "Tess",
    "Uma", "Victor", "Wen", "Xavier", "Yasmin", "Zach", "Amara", "Bruno", "Chloé", "Dmitri",
    "Esther", "Felix", "Gabriela", "Henrik", "Ines", "Jonah", "Leila", "Mateo", "Nadia",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer", "Gupta", "Hollis",
    "Ibrahim", "Jensen", "Kowalski", "Lambert", "Murphy", "Nakamura", "Okonkwo", "Patel",
    "Quinn", "Rossi", "Schmidt", "Takahashi", "Underwood", "Varga", "Walsh", "Yilmaz",
    "Zhang", "Alvarez", "Boateng", "Chen", "Delacroix", "Evans", "Fontaine",
]  # fmt: skip
TITLES = {
    K.COMPANY: [
        "Vice President, Public Policy",
        "Director, Trust and Safety",
        "Head of Content Policy",
        "Senior Counsel",
    ],
    K.GOVERNMENT_AGENCY: ["Deputy Director", "Senior Adviser", "Programme Manager", "Analyst"],
    K.EMBASSY: ["Counsellor (Political)", "First Secretary", "Second Secretary"],
    K.INTERNATIONAL_ORGANISATION: ["Head of Unit", "Policy Officer", "Programme Officer"],
    K.COMMUNITY_GROUP: ["Executive Director", "Programme Coordinator", "Youth Outreach Lead"],
    K.OTHER: ["Director", "Research Fellow", "Senior Researcher"],
}
# Needs given by some delegates: (accessibility, dietary).
NEEDS = [
    ("Step-free access to the venue (wheelchair user)", ""),
    ("", "Vegetarian"),
    ("A hearing loop in the meeting room", ""),
    ("", "Halal"),
    ("", "Nut allergy"),
]

# Apple asks for one more seat on the Washington convening.
SEAT_REQUEST = (
    "Apple",
    1,
    "Our Director of Trust and Safety would like to join to present this year's figures on "
    "account takedowns.",
)
