"""Fixtures of the minutes tests."""

from __future__ import annotations

import pytest

from . import world as worlds


@pytest.fixture
def world(make, db) -> worlds.World:
    return worlds.build(make, db)
