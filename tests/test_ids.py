import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from wtforms import Form

from coordination.form_fields import IdField, IdsField, options
from coordination.ids import MAX_ID, parse_id

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
