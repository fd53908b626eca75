"""Shapes every resource shares: references to other resources, and pages of a list."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Item = TypeVar("Item")

# What names a stored object in a path or a body: the same range the pages' URLs accept.
ObjectId = Annotated[int, Field(ge=1, le=2**31 - 1)]


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
