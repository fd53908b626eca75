"""Row ids as they arrive in URLs and forms: one parser, one URL converter."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

# Ids (and versions) are INTEGER columns: 32-bit signed on PostgreSQL. A larger number names
# nothing, and handing it to the database would raise an error rather than find nothing.
MAX_ID = 2**31 - 1


def parse_id(raw: str | None) -> int | None:
    """The id a posted value names, or None when it is not a plain number a row could have."""
    raw = (raw or "").strip()
    # isdigit() alone also accepts digits such as "²" or "٣" that are not plain ASCII numbers.
    if not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


class IdConverter(BaseConverter):
    """``<id:name>`` in a route: ASCII digits naming 1..MAX_ID; anything else matches no route.

    Werkzeug's own ``int`` converter matches any Unicode digit (``/convenings/٣`` would name
    convening 3) and hands numbers of any size to the database.
    """

    regex = r"[0-9]+"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))
