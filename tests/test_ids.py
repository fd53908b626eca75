from coordination.ids import MAX_ID, NO_SUCH_ID, id_or_nothing, parse_id


def test_parse_id_accepts_plain_numbers_a_row_could_have():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID


def test_parse_id_refuses_what_names_no_row():
    for raw in (None, "", "0", "-3", "4.0", "²", "٣", "1e3", str(MAX_ID + 1), "12abc"):
        assert parse_id(raw) is None, raw


def test_id_or_nothing_turns_bad_values_into_an_id_no_row_has():
    assert id_or_nothing("²") == NO_SUCH_ID
    assert id_or_nothing("15") == 15
