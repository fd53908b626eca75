"""Paginating a select statement."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.number * self.per_page)


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd means the first page."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(1, min(number, 100_000))


def paginate(
    session: Session,
    statement: Select,
    number: int,
    per_page: int,
    count_statement: Select | None = None,
) -> Page:
    """One page of the statement's rows plus the total, in two queries.

    ``count_statement`` counts the same rows more cheaply when the statement loads much more
    than it filters on.
    """
    if count_statement is None:
        count_statement = select(func.count()).select_from(statement.order_by(None).subquery())
    total = session.scalar(count_statement) or 0
    last_page = max(1, math.ceil(total / per_page))
    number = min(number, last_page)
    items = list(
        session.scalars(statement.limit(per_page).offset((number - 1) * per_page)).unique()
    )
    return Page(items=items, number=number, per_page=per_page, total=total)
