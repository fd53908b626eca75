"""Repeated failed sign-ins are slowed per account and per address, never for good."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from coordination.auth import throttle
from coordination.models import SignInThrottle, utcnow

from .helpers import error_summary, is_signed_in, sign_in

WAIT = "Too many failed attempts. Wait"


def _fail(client, email: str, times: int, address: str | None = None) -> None:
    for _ in range(times):
        response = sign_in(client, email, "wrong guess", address=address)
        assert response.status_code in (400, 429)


def _move_into_past(db, key: str | None = None, by: timedelta = timedelta(hours=2)) -> None:
    """Let the wait (and the counting window) pass, as if time had gone by."""
    db.expire_all()
    statement = select(SignInThrottle)
    if key is not None:
        statement = statement.where(SignInThrottle.key == key)
    for row in db.scalars(statement):
        row.last_failure_at -= by
        if row.blocked_until is not None:
            row.blocked_until -= by
    db.commit()


def test_after_the_free_attempts_even_the_right_password_waits(app, client, make):
    user = make.user()
    free = app.config["SIGN_IN_FREE_ATTEMPTS"]
    _fail(client, user.email, free - 1)
    assert sign_in(client, user.email, "wrong guess").status_code == 400

    response = sign_in(client, user.email)

    assert response.status_code == 429
    assert WAIT in error_summary(response)
    assert not is_signed_in(client)


def test_free_attempts_then_right_password_signs_in(app, client, make):
    user = make.user()
    _fail(client, user.email, app.config["SIGN_IN_FREE_ATTEMPTS"] - 1)

    assert sign_in(client, user.email).status_code == 302


def test_success_starts_the_account_count_again(app, client, make):
    user = make.user()
    free = app.config["SIGN_IN_FREE_ATTEMPTS"]
    _fail(client, user.email, free - 1)
    sign_in(client, user.email)
    client.post("/account/sign-out")

    _fail(client, user.email, free - 1)

    assert sign_in(client, user.email).status_code == 302


def test_account_throttle_holds_from_every_address(app, client, make):
    user = make.user()
    _fail(client, user.email, app.config["SIGN_IN_FREE_ATTEMPTS"], address="198.51.100.1")

    response = sign_in(client, user.email, address="198.51.100.2")

    assert response.status_code == 429


def test_unknown_account_is_throttled_like_a_known_one(app, client, make):
    make.user(email="known@example.org")
    free = app.config["SIGN_IN_FREE_ATTEMPTS"]
    _fail(client, "known@example.org", free)
    _fail(client, "nobody@example.org", free)

    known = sign_in(client, "known@example.org", "wrong guess")
    unknown = sign_in(client, "nobody@example.org", "wrong guess")

    assert known.status_code == unknown.status_code == 429
    assert error_summary(known) == error_summary(unknown)


def test_wait_is_capped_and_the_right_password_works_after_it(app, client, make, db):
    user = make.user()
    key = f"account:{user.email_normalized}"
    _fail(client, user.email, app.config["SIGN_IN_FREE_ATTEMPTS"])
    # Many more failures, as after days of someone hammering the account.
    for number in range(40):
        _move_into_past(db, key, timedelta(minutes=20))
        _fail(client, user.email, 1, address=f"198.51.100.{number}")
    db.expire_all()
    row = db.get(SignInThrottle, key)
    assert row.failures > 40

    waiting = sign_in(client, user.email)

    assert waiting.status_code == 429
    ceiling = app.config["SIGN_IN_MAX_DELAY_SECONDS"]
    assert row.blocked_until - utcnow() <= timedelta(seconds=ceiling)
    minutes = int(re.search(r"Wait (\d+) minute", error_summary(waiting)).group(1))
    assert minutes <= ceiling // 60
    _move_into_past(db, key, timedelta(seconds=ceiling + 1))
    assert sign_in(client, user.email).status_code == 302


def test_counting_starts_again_an_hour_after_the_last_failure(app, client, make, db):
    user = make.user()
    free = app.config["SIGN_IN_FREE_ATTEMPTS"]
    _fail(client, user.email, free)
    _move_into_past(db, by=timedelta(hours=1, minutes=1))

    _fail(client, user.email, free - 1)

    assert sign_in(client, user.email).status_code == 302


def test_address_throttle_blocks_many_accounts_tried_from_one_address(app, make):
    client = app.test_client()
    spray = "203.0.113.7"
    with app.app_context():
        allowance = throttle.free_attempts(throttle.address_key(spray))
    assert allowance > app.config["SIGN_IN_FREE_ATTEMPTS"]
    victim = make.user()
    for number in range(allowance):
        _fail(client, f"target{number}@example.org", 1, address=spray)

    from_spray = sign_in(client, victim.email, address=spray)
    elsewhere = sign_in(app.test_client(), victim.email, address="198.51.100.9")

    assert from_spray.status_code == 429
    assert WAIT in error_summary(from_spray)
    assert elsewhere.status_code == 302


def test_address_counter_is_not_reset_by_the_attackers_own_success(app, make):
    client = app.test_client()
    spray = "203.0.113.8"
    with app.app_context():
        allowance = throttle.free_attempts(throttle.address_key(spray))
    own = make.user()
    for number in range(allowance - 1):
        _fail(client, f"target{number}@example.org", 1, address=spray)
    assert sign_in(client, own.email, address=spray).status_code == 302
    client.post("/account/sign-out")

    _fail(client, "one-more@example.org", 1, address=spray)

    assert sign_in(client, own.email, address=spray).status_code == 429


def test_throttle_holds_across_processes_sharing_the_database(make_app, make):
    user = make.user()
    first, second = make_app(), make_app()
    free = first.config["SIGN_IN_FREE_ATTEMPTS"]
    for number in range(free):
        server = first if number % 2 else second
        assert sign_in(server.test_client(), user.email, "wrong guess").status_code == 400

    on_first = sign_in(first.test_client(), user.email)
    on_second = sign_in(second.test_client(), user.email)

    assert on_first.status_code == on_second.status_code == 429


@pytest.mark.parametrize(
    ("one", "other", "shared"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:203.0.113.5", "203.0.113.5", True),
        ("203.0.113.5", "203.0.113.6", False),
    ],
)
def test_address_key_groups_an_ipv6_host_network(one, other, shared):
    assert (throttle.address_key(one) == throttle.address_key(other)) is shared


def test_stale_counters_are_purged_on_a_successful_sign_in(client, make, db):
    user = make.user()
    _fail(client, "someone-else@example.org", 2, address="198.51.100.3")
    _move_into_past(db, by=timedelta(hours=3))

    sign_in(client, user.email, address="198.51.100.4")

    keys = set(db.scalars(select(SignInThrottle.key)))
    assert "account:someone-else@example.org" not in keys
    assert "address:198.51.100.3" not in keys


def test_parallel_attempts_cannot_slip_past_the_count(app, make, db):
    email = make.user().email
    free = app.config["SIGN_IN_FREE_ATTEMPTS"]
    attempts = free + 5
    start = threading.Barrier(attempts)

    def attempt(number: int):
        client = app.test_client()
        start.wait()
        return sign_in(client, email, f"wrong guess {number}", address=f"198.51.100.{number}")

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = [response.status_code for response in pool.map(attempt, range(attempts))]

    assert statuses.count(400) == free
    assert statuses.count(429) == attempts - free
    db.expire_all()
    assert db.get(SignInThrottle, f"account:{email.lower()}").failures == free
