"""How each kind of resource is shown to a principal: by the API, and by webhooks.

A domain's ``api.py`` registers, for a model class, the function that shows one object to a
principal (or answers None when the principal may not see it). Webhook deliveries use the same
functions as the subscription's owner, so a delivery never carries what the owner could not
read through the API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ..principal import Principal

Representer = Callable[[Session, Principal, Any], BaseModel | None]

_REPRESENTERS: dict[type, tuple[str, Representer]] = {}


def representer(model: type, kind: str) -> Callable[[Representer], Representer]:
    """Register how objects of ``model`` are shown, under the resource name ``kind``."""

    def register(function: Representer) -> Representer:
        _REPRESENTERS[model] = (kind, function)
        return function

    return register


def represent(session: Session, principal: Principal, obj: Any) -> tuple[str, dict] | None:
    """The resource's name and its JSON form as ``principal`` may see it, or None."""
    entry = _REPRESENTERS.get(type(obj))
    if entry is None:
        return None
    kind, function = entry
    shown = function(session, principal, obj)
    if shown is None:
        return None
    return kind, shown.model_dump(mode="json")


def kinds() -> dict[type, str]:
    return {model: kind for model, (kind, _function) in _REPRESENTERS.items()}
