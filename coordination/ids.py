"""Row ids as they arrive in URLs and forms."""

from __future__ import annotations

# Ids are 64-bit signed integers in every database we run on: a larger number names nothing,
# and handing it to the database would raise an error rather than find nothing.
MAX_ID = 2**63 - 1
# Stands in for a posted id that cannot name a row, so that validation reports it as unknown.
NO_SUCH_ID = -1
# The URL converter for ids: too large a number does not match the route (404).
ID_CONVERTER = f"int(max={MAX_ID})"


def parse_id(raw: str | None) -> int | None:
    """The id a posted value names, or None when it is not a plain number a row could have."""
    raw = (raw or "").strip()
    # isdigit() alone also accepts digits such as "²" that int() refuses.
    if not (raw.isascii() and raw.isdigit()):
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None


def id_or_nothing(raw: str | None) -> int:
    """Like parse_id, but a value that names nothing becomes NO_SUCH_ID, which no row has."""
    number = parse_id(raw)
    return NO_SUCH_ID if number is None else number
