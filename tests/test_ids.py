from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import Form

from coordination.form_fields import IdField, IdsField, options
from coordination.ids import MAX_ID, parse_id
from coordination.models import (
    AgendaItem,
    Audience,
    Convening,
    ConveningStatus,
    InvitationStatus,
    MinuteEntry,
    Organisation,
    TeamMembership,
    User,
)
from tests.test_permission_matrix import _row_counts

ODD_IDS = (None, "", "0", "-3", "4.0", "²", "٣", "1e3", str(MAX_ID + 1), "9" * 25, "12abc")


def test_parse_id_accepts_plain_numbers_a_row_could_have():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID


def test_parse_id_refuses_what_names_no_row():
    for raw in ODD_IDS:
        assert parse_id(raw) is None, raw


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("/convenings/1", True),
        (f"/convenings/{MAX_ID}", True),
        (f"/convenings/{MAX_ID + 1}", False),
        ("/convenings/0", False),
        ("/convenings/-1", False),
        ("/convenings/\u0663", False),
        ("/convenings/\u00b2", False),
        ("/convenings/1.0", False),
    ],
)
def test_id_converter_matches_only_ids_a_row_could_have(app, path, matches):
    urls = app.url_map.bind("coordination.example.org")

    try:
        endpoint, values = urls.match(path)
    except NotFound:
        endpoint, values = None, {}

    assert (endpoint == "convenings.show") is matches
    assert values == ({"convening_id": int(path.rsplit("/", 1)[1])} if matches else {})


class ChoiceForm(Form):
    one = IdField(message="Choose one from the list.")
    several = IdsField(message="Choose some from the list.")
    order = IdsField(separator=",", message="Send the order.")


def test_id_field_reads_plain_ids_and_empty_as_none():
    form = ChoiceForm(
        MultiDict([("one", " 12 "), ("several", "3"), ("several", "4"), ("order", "5, 6,")])
    )

    assert form.validate()
    assert (form.one.data, form.several.data, form.order.data) == (12, [3, 4], [5, 6])
    assert ChoiceForm(MultiDict([("one", "")])).one.data is None


@pytest.mark.parametrize("raw", [value for value in ODD_IDS if value not in (None, "")])
def test_id_field_refuses_a_value_no_row_could_have_with_its_message(raw):
    form = ChoiceForm(
        MultiDict([("one", raw), ("several", "3"), ("several", raw), ("order", f"1,{raw}")])
    )

    assert not form.validate()
    assert form.errors == {
        "one": ["Choose one from the list."],
        "several": ["Choose some from the list."],
        "order": ["Send the order."],
    }


def test_id_field_checks_the_options_when_asked():
    class OfferedForm(Form):
        one = IdField(
            choices=options([("", "None"), ("7", "Seven")]), validate_choice=True, message="No."
        )

    assert OfferedForm(MultiDict([("one", "7")])).validate()
    assert OfferedForm(MultiDict([("one", "")])).validate()
    refused = OfferedForm(MultiDict([("one", "8")]))
    assert not refused.validate()
    assert refused.errors == {"one": ["No."]}


# --- Routes: ids past 64 bits in the address, unreadable ids in what is posted --------------

PAST_64_BITS = "18446744073709551616"
TOO_MANY_DIGITS = "9" * 25


@dataclass
class Scene:
    """A draft convening with an organisation to invite, an invitation, an item and a note."""

    organiser: User
    convening: Convening
    item: AgendaItem
    entry: MinuteEntry
    membership: TeamMembership


@pytest.fixture
def scene(make, db) -> Scene:
    organiser = make.user(name="Olivia Organiser")
    coordinator = make.user(name="Colin Coordinator")
    convening = make.convening(
        "Ids", status=ConveningStatus.DRAFT, organisers=(organiser,), coordinators=(coordinator,)
    )
    invited = make.organisation("Invited")
    make.contact(invited, name="Focal Point", email="focal@invited.example")
    make.invitation(convening, invited, status=InvitationStatus.DRAFT)
    make.organisation("Not yet invited")
    item = AgendaItem(
        convening_id=convening.id,
        position=0,
        title="Opening",
        duration_minutes=30,
        audience=Audience(),
    )
    entry = MinuteEntry(convening_id=convening.id, body="A note")
    db.add_all([item, entry])
    db.commit()
    membership = db.scalar(select(TeamMembership).where(TeamMembership.user_id == coordinator.id))
    return Scene(organiser, convening, item, entry, membership)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/convenings/{convening}/minutes/" + PAST_64_BITS + "/edit"),
        ("POST", "/convenings/{convening}/minutes/" + PAST_64_BITS + "/edit"),
        ("POST", "/convenings/{convening}/team/" + PAST_64_BITS + "/role"),
        ("POST", "/convenings/" + PAST_64_BITS + "/team/{membership}/role"),
    ],
)
def test_id_past_64_bits_in_the_address_is_not_found(client, auth, scene, method, path):
    auth.sign_in(scene.organiser)
    url = path.format(convening=scene.convening.id, membership=scene.membership.id)

    response = client.open(url, method=method, data={"role": "organiser", "body": "x"})

    assert response.status_code == 404


def _convening_form(**overrides) -> dict[str, str]:
    return {
        "title": "Another",
        "timezone": "Europe/London",
        "starts_at": "2030-01-15T10:00",
        "ends_at": "2030-01-15T16:00",
        "sensitivity": "Official",
        **overrides,
    }


def _item_form() -> dict[str, str]:
    return {"kind": "session", "title": "Inserted", "duration_minutes": "20"}


# What each form is posted, with the id to spoil named {bad}, and the message it must show.
POSTED_IDS = {
    "invite organisation": (
        "/convenings/{convening}/invitations/new",
        {"organisation_id": "{bad}", "seat_quota": "2"},
        "Choose an organisation",
    ),
    "invite focal point": (
        "/convenings/{convening}/invitations/new",
        {"organisation_id": "{organisation}", "seat_quota": "2", "focal_point_id": "{bad}"},
        "Choose a contact from the list.",
    ),
    "bulk send": (
        "/convenings/{convening}/invitations/send",
        {"invitation": "{bad}"},
        "Tick invitations from the list.",
    ),
    "host organisation": (
        "/convenings/new",
        _convening_form(host_organisation_id="{bad}"),
        "Choose an organisation from the directory.",
    ),
    "series": (
        "/convenings/new",
        _convening_form(series_id="{bad}"),
        "Choose a series from the list.",
    ),
    "agenda order": (
        "/convenings/{convening}/agenda/order",
        {"order": "{item},{bad}"},
        "Send the order as item numbers separated by commas.",
    ),
    "agenda insert before": (
        "/convenings/{convening}/agenda/items/new?before={bad}",
        _item_form(),
        "The item you chose to insert next to is no longer on the agenda",
    ),
    "minutes agenda item": (
        "/convenings/{convening}/minutes/new",
        {"kind": "note", "body": "Agreed", "agenda_item_id": "{bad}"},
        "Choose an item from this convening",
    ),
}


@pytest.mark.parametrize("bad", ["\u00b2", TOO_MANY_DIGITS, str(MAX_ID + 1)])
@pytest.mark.parametrize("case", sorted(POSTED_IDS))
def test_unreadable_posted_id_is_a_field_error_and_stores_nothing(
    client, auth, db, scene, case, bad
):
    path, data, message = POSTED_IDS[case]
    known = {
        "bad": bad,
        "convening": scene.convening.id,
        "item": scene.item.id,
        "organisation": db.scalar(
            select(Organisation.id).where(Organisation.name == "Not yet invited")
        ),
    }
    auth.sign_in(scene.organiser)
    before = _row_counts(db)

    response = client.post(
        path.format(**known), data={name: value.format(**known) for name, value in data.items()}
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert _row_counts(db) == before
