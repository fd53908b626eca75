"""The agenda as each viewer sees it: the page, the second zone, the PDF, and query counts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from coordination.models import AudienceKind, ConveningStatus, InvitationStatus

from .helpers import add_item, text_of, utc

GOVERNMENT_ONLY = {"audience": AudienceKind.KINDS, "organisation_kinds": ("government_agency",)}


def publish(client, auth, setting) -> None:
    auth.sign_in(setting.organiser)
    response = client.post(f"/convenings/{setting.convening.id}/agenda/publish", data={})
    assert response.status_code == 302
    auth.sign_out()


@pytest.fixture
def agenda(db, setting):
    """A published agenda with a government-only item in the middle and an Apple-only one."""
    convening = setting.convening
    add_item(db, convening, "Welcome", 30, description="Coffee from *08:30*.")
    add_item(db, convening, "Threat briefing", 60, **GOVERNMENT_ONLY)
    add_item(db, convening, "Counter-narratives", 60)
    add_item(
        db,
        convening,
        "Apple breakout",
        30,
        audience=AudienceKind.ORGANISATIONS,
        organisations=(setting.company,),
    )
    add_item(db, convening, "Team debrief", 30, audience=AudienceKind.TEAM)
    return convening


def agenda_text(client, convening, query="") -> str:
    response = client.get(f"/convenings/{convening.id}/agenda{query}")
    assert response.status_code == 200
    return text_of(response.get_data(as_text=True))


def pdf_text(client, convening, query="") -> str:
    response = client.get(f"/convenings/{convening.id}/agenda.pdf{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="agenda-madison-valleywood.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(page.extract_text() for page in reader.pages)


def test_participant_sees_nothing_before_publishing(client, auth, agenda, setting):
    auth.sign_in(setting.company_person)

    page = agenda_text(client, agenda)

    assert "The agenda has not been published yet." in page
    assert "Welcome" not in page


def test_company_sees_only_its_items_with_no_trace_of_the_others(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.company_person)

    page = agenda_text(client, agenda)

    assert "Welcome" in page and "Counter-narratives" in page and "Apple breakout" in page
    assert "Threat briefing" not in page and "Team debrief" not in page
    assert "Draft" not in page and "Free time" not in page and "For:" not in page
    # The counter-narratives follow the hidden briefing: their time shows, nothing in between.
    assert "09:00\N{EN DASH}09:30 EST" in page and "10:30\N{EN DASH}11:30 EST" in page
    assert "09:30\N{EN DASH}10:30" not in page
    assert "Coffee from 08:30" in page


def test_agency_sees_the_government_item_but_not_the_company_one(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.agency_person)

    page = agenda_text(client, agenda)

    assert "Threat briefing" in page and "09:30\N{EN DASH}10:30 EST" in page
    assert "Apple breakout" not in page and "Team debrief" not in page


def test_participants_see_the_published_version_not_later_drafts(client, auth, db, agenda, setting):
    publish(client, auth, setting)
    add_item(db, agenda, "Added after publishing", 15)
    auth.sign_in(setting.company_person)

    page = agenda_text(client, agenda)

    assert "Welcome" in page and "Added after publishing" not in page


def test_team_sees_the_draft_with_a_note_and_the_published_version(
    client, auth, db, agenda, setting
):
    publish(client, auth, setting)
    add_item(db, agenda, "Added after publishing", 15)
    auth.sign_in(setting.coordinator)

    page = agenda_text(client, agenda)

    assert "participants do not see it until it is published; they see version 1 below" in page
    assert "Added after publishing" in page
    assert "Published agenda, version 1" in page
    assert "Team debrief" in page and "For: The team only" in page
    assert "For: Only: Apple" in page and "For: Only: Government agency" in page


def test_team_previews_what_one_organisation_sees(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.organiser)

    page = agenda_text(client, agenda, f"?as={setting.company.id}")
    text = pdf_text(client, agenda, f"?as={setting.company.id}")

    assert "previewing the published agenda as Apple sees it" in page
    assert "Apple breakout" in page and "Threat briefing" not in page
    assert "Team debrief" not in page
    assert "Apple breakout" in text and "Threat briefing" not in text


def test_participant_cannot_preview_as_another_organisation(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.company_person)

    page = agenda_text(client, agenda, f"?as={setting.agency.id}")
    text = pdf_text(client, agenda, f"?as={setting.agency.id}")

    assert "Threat briefing" not in page and "Threat briefing" not in text


def test_pdf_for_a_company_has_no_government_item(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.company_person)

    text = pdf_text(client, agenda)

    assert "Madison Valleywood" in text and "Agenda, version 1" in text
    assert "Welcome" in text and "Counter-narratives" in text and "Apple breakout" in text
    assert "Threat briefing" not in text and "Team debrief" not in text


def test_pdf_for_a_government_agency_has_the_government_item(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.agency_person)

    text = pdf_text(client, agenda)

    assert "Threat briefing" in text and "09:30\N{EN DASH}10:30 EST" in text
    assert "Apple breakout" not in text


def test_pdf_for_the_team_before_publishing_is_the_draft(client, auth, agenda, setting):
    auth.sign_in(setting.organiser)

    text = pdf_text(client, agenda)

    assert "Draft agenda" in text and "Team debrief" in text


def test_second_zone_is_shown_and_remembered(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.company_person)

    chosen = agenda_text(client, agenda, "?zone=Europe/London")
    later = agenda_text(client, agenda)
    text = pdf_text(client, agenda)
    cleared = agenda_text(client, agenda, "?zone=")

    assert "09:00\N{EN DASH}09:30 EST (14:00\N{EN DASH}14:30 GMT)" in chosen
    assert "(14:00\N{EN DASH}14:30 GMT)" in later
    assert "14:00\N{EN DASH}14:30 GMT" in text
    assert "GMT" not in cleared


def test_unknown_zone_is_refused_with_a_message(client, auth, agenda, setting):
    auth.sign_in(setting.company_person)

    response = client.get(f"/convenings/{agenda.id}/agenda?zone=Mars/Olympus")

    assert response.status_code == 400
    assert "Enter a time zone from the list" in response.get_data(as_text=True)


def test_agenda_of_a_draft_convening_is_hidden_from_participants(client, auth, db, agenda, setting):
    agenda.status = ConveningStatus.DRAFT
    db.commit()
    auth.sign_in(setting.company_person)

    assert client.get(f"/convenings/{agenda.id}/agenda").status_code == 404
    assert client.get(f"/convenings/{agenda.id}/agenda.pdf").status_code == 404


def test_declined_organisation_still_sees_only_its_own_audience(client, auth, db, agenda, setting):
    publish(client, auth, setting)
    setting.company_invitation.status = InvitationStatus.DECLINED
    db.commit()
    auth.sign_in(setting.company_person)

    page = agenda_text(client, agenda)

    assert "Apple breakout" in page and "Threat briefing" not in page


def _fill(db, convening, count: int, setting) -> None:
    for number in range(count):
        item = add_item(
            db,
            convening,
            f"Item {number}",
            5,
            audience=AudienceKind.ORGANISATIONS if number % 2 else AudienceKind.EVERYONE,
            organisations=(setting.company,) if number % 2 else (),
        )
        assert item.id


@pytest.mark.parametrize("who", ["organiser", "company_person"])
def test_agenda_page_queries_do_not_grow_with_items(
    client, auth, db, make, setting, count_queries, who
):
    small = setting.convening
    large = make.convening(
        "Large", starts_at=utc(2030, 1, 15, 14, 0), hours=12, organisers=(setting.organiser,)
    )
    make.invitation(large, setting.company)
    _fill(db, small, 5, setting)
    _fill(db, large, 100, setting)
    auth.sign_in(setting.organiser)
    for convening in (small, large):
        client.post(f"/convenings/{convening.id}/agenda/publish", data={})
    add_item(db, small, "Unpublished", 5)
    add_item(db, large, "Unpublished", 5)
    auth.sign_out()
    auth.sign_in(getattr(setting, who))

    counts = []
    for convening in (small, large):
        with count_queries() as queries:
            response = client.get(f"/convenings/{convening.id}/agenda")
        assert response.status_code == 200
        counts.append(queries.count)

    assert counts[0] == counts[1]
    assert "Item 99" in response.get_data(as_text=True)


def test_team_sees_an_unchanged_draft_once(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.coordinator)

    page = agenda_text(client, agenda)

    assert "The draft is the same as the published version 1 below." in page
    assert page.count("Threat briefing") == 1


def test_pdf_for_the_team_names_the_audience_of_each_item(client, auth, agenda, setting):
    publish(client, auth, setting)
    auth.sign_in(setting.coordinator)

    text = pdf_text(client, agenda)

    assert "Team copy" in text
    assert "Threat briefing" in text and "For: Only: Government agency" in text
    assert "For: The team only" in text
