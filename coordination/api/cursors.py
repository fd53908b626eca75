"""Cursor pagination: each page starts after the last item of the one before, so items added
meanwhile never shift a page, and every page costs the same queries."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, or_, tuple_
from sqlalchemy.orm import Session

from .problems import ApiProblem


class PageQuery(BaseModel):
    """The paging parameters every list takes."""

    cursor: str | None = Field(
        None, max_length=500, description="The next_cursor of the previous page."
    )
    limit: int = Field(50, ge=1, le=200, description="Items per page.")


@dataclass
class CursorPage:
    items: list[Any]
    next_cursor: str | None


_INSTANT = "t:"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return _INSTANT + value.isoformat()
    if isinstance(value, date):
        return _INSTANT + value.isoformat()
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_INSTANT):
        text = value[len(_INSTANT) :]
        if "T" not in text:
            return date.fromisoformat(text)
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            raise ValueError("an instant without its offset")
        return parsed
    return value


def encode(values: Sequence[Any]) -> str:
    """An opaque cursor carrying the sort values of the last item shown (instants typed)."""
    raw = json.dumps([_plain(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, length: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(values, list):
            values = [_typed(value) for value in values]
    except (ValueError, UnicodeError, TypeError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != length
        or not all(
            isinstance(value, int | str | date) and not isinstance(value, bool) for value in values
        )
    ):
        raise ApiProblem(
            422,
            "The cursor is not one this API gave out. Start again without it.",
            errors=[{"parameter": "cursor", "detail": "Not a cursor from this API."}],
        )
    return values


def _after(columns: Sequence[Any], values: Sequence[Any], descending: Sequence[bool]):
    """Rows strictly after ``values`` in the order of ``columns``."""
    if not any(descending) and len(columns) > 1:
        return tuple_(*columns) > tuple_(*values)
    clauses = []
    for index, column in enumerate(columns):
        equal = [columns[i] == values[i] for i in range(index)]
        step = column < values[index] if descending[index] else column > values[index]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


def page_after(
    session: Session,
    statement: Select,
    *,
    keys: Sequence[Any],
    key_of,
    cursor: str | None,
    limit: int,
    descending: Sequence[bool] | None = None,
    scalars: bool = True,
) -> CursorPage:
    """A page of ``statement`` ordered by ``keys`` (the last one unique, such as the id).

    ``key_of(item)`` answers an item's values of ``keys``, which the next cursor carries.
    """
    descending = list(descending or [False] * len(keys))
    limit = min(limit, int(current_app.config["API_PAGE_MAX"]))
    if cursor:
        statement = statement.where(_after(keys, decode(cursor, len(keys)), descending))
    order = [key.desc() if down else key.asc() for key, down in zip(keys, descending, strict=True)]
    statement = statement.order_by(*order).limit(limit + 1)
    rows = list(session.scalars(statement) if scalars else session.execute(statement))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode(key_of(rows[-1])) if more and rows else None
    return CursorPage(rows, next_cursor)
