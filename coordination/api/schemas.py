"""Shapes every resource shares: references to other resources, and pages of a list."""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from ..models import (
    ActionPriority,
    ActionStatus,
    AgendaItemKind,
    AttendanceMode,
    ConveningStatus,
    InvitationStatus,
    MinuteKind,
    OrganisationKind,
)

Item = TypeVar("Item")

# What names a stored object in a path or a body: the same range the pages' URLs accept.
ObjectId = Annotated[int, Field(ge=1, le=2**31 - 1)]


def values_of(enum_type: type[enum.Enum]) -> Any:
    """The enum's stored values as a Literal: the API names each member as the database does,
    and a member added to the model is described and accepted at once."""
    return Literal[tuple(member.value for member in enum_type)]


ConveningStatusName = values_of(ConveningStatus)
InvitationStatusName = values_of(InvitationStatus)
AttendanceName = values_of(AttendanceMode)
OrganisationKindName = values_of(OrganisationKind)
AgendaItemKindName = values_of(AgendaItemKind)
MinuteKindName = values_of(MinuteKind)
ActionStatusName = values_of(ActionStatus)
ActionPriorityName = values_of(ActionPriority)


def _written_as_a_date_time(value: Any) -> Any:
    # The lenient parser would read "0.5" as a Unix time; the API takes RFC 3339 text only.
    if isinstance(value, str) and ("T" not in value.upper() or len(value) < 16):
        raise ValueError("Give a date and time with its offset, such as 2027-03-02T09:00:00Z.")
    return value


# An instant in a query string: RFC 3339 with its offset, never a bare number.
QueryInstant = Annotated[AwareDatetime, BeforeValidator(_written_as_a_date_time)]


def _written_as_a_day(value: Any) -> Any:
    # As for instants: "0" would otherwise be read as 1 January 1970.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Give a day as YYYY-MM-DD, such as 2027-03-02.")
    return value


# A day in a query string: YYYY-MM-DD only.
QueryDay = Annotated[date, BeforeValidator(_written_as_a_day)]


class Input(BaseModel):
    """A request body: fields not described are refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class Named(BaseModel):
    id: int
    name: str


class ItemsPage(BaseModel, Generic[Item]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` for the next (null at the end)."""

    items: list[Item]
    next_cursor: str | None
