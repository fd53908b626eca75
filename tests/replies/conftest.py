"""Fixtures: the reply receiver running as its own process, and an application whose
calendar requests carry reply addresses."""

from __future__ import annotations

import pytest

from .receiver import BASE_URL, REPLY_ADDRESS, Receiver


@pytest.fixture(scope="module")
def receiver(database_url, migrated_app, tmp_path_factory):
    running = Receiver(database_url, tmp_path_factory.mktemp("receiver"), REPLY_MAX_BYTES="200000")
    yield running
    running.stop()


@pytest.fixture
def reply_app(make_app):
    return make_app(REPLY_ADDRESS=REPLY_ADDRESS, BASE_URL=BASE_URL)
