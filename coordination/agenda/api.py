"""Agenda through the API."""

from __future__ import annotations

from ..api.blueprint import blueprint

__all__ = ["blueprint"]
