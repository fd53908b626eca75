"""What changed between two published agendas, for everyone or as one viewer sees it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..audiences import Viewer, admits
from ..models import AgendaVersion
from .presenters import PublishedItem

CHANGE_KINDS = ("added", "removed", "retimed", "retitled")


def visible(items: Iterable[dict[str, Any]], viewer: Viewer) -> list[dict[str, Any]]:
    """The snapshot items the viewer may see; the others are simply absent."""
    return [item for item in items if admits(item.get("audience") or {}, viewer)]


def published_items(version: AgendaVersion | None, viewer: Viewer) -> list[PublishedItem]:
    if version is None:
        return []
    return [PublishedItem.from_snapshot(item) for item in visible(version.items, viewer)]


def _brief(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "item_id": item["item_id"],
        "title": item["title"],
        "starts_at": item["starts_at"],
        "ends_at": item["ends_at"],
        "audience": item.get("audience") or {},
    }


def _identity(item: dict[str, Any]) -> tuple[Any, Any]:
    """An item's id, with its creation time where known (ids of deleted rows can come back)."""
    return item["item_id"], item.get("created_at")


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list]:
    """Items added, removed, retimed (start or end moved) and retitled, matched by item id."""
    previous = {_identity(item): item for item in before}
    current = {_identity(item): item for item in after}
    changes: dict[str, list] = {kind: [] for kind in CHANGE_KINDS}
    for item in after:
        old = previous.get(_identity(item))
        if old is None:
            changes["added"].append(_brief(item))
            continue
        if (old["starts_at"], old["ends_at"]) != (item["starts_at"], item["ends_at"]):
            changes["retimed"].append(
                {
                    **_brief(item),
                    "before": {"starts_at": old["starts_at"], "ends_at": old["ends_at"]},
                }
            )
        if old["title"] != item["title"]:
            changes["retitled"].append({**_brief(item), "before": old["title"]})
    changes["removed"] = [_brief(item) for item in before if _identity(item) not in current]
    return changes


def diff_for(version: AgendaVersion, previous: list[dict[str, Any]], viewer: Viewer) -> dict:
    """What changed as this viewer sees it: items they cannot see never appear."""
    return diff(visible(previous, viewer), visible(version.items, viewer))


def has_changes(changes: dict[str, list]) -> bool:
    return any(changes.get(kind) for kind in CHANGE_KINDS)
