"""Slowing repeated failed sign-ins, per account and per address, shared by every process.

The counters live in the database, so every server process sees the same ones. An
attempt first locks its counters (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write
transaction already serialises writers), so parallel requests cannot all slip past
the check before the first failure is counted.

The wait grows with each failure past the free ones, up to a ceiling, and the count
starts again an hour after the last failure: nobody can lock a victim out for good,
and a password reset lifts the account's wait at once.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import SignInThrottle, utcnow

WINDOW = timedelta(hours=1)
FIRST_DELAY_SECONDS = 30
# One address may be shared by a whole office behind a NAT: it gets more free attempts.
ADDRESS_ALLOWANCE_FACTOR = 4

ACCOUNT_PREFIX = "account:"
ADDRESS_PREFIX = "address:"


def account_key(email: str) -> str:
    return f"{ACCOUNT_PREFIX}{email.strip().lower()}"[:300]


def address_key(address: str | None) -> str:
    """The counter of an address; IPv6 addresses count per /64, as one host usually holds one."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return f"{ADDRESS_PREFIX}unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return f"{ADDRESS_PREFIX}{ip.ipv4_mapped}"
        return f"{ADDRESS_PREFIX}{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"{ADDRESS_PREFIX}{ip}"


@dataclass(frozen=True)
class Keys:
    account: str
    address: str

    def all(self) -> list[str]:
        return sorted({self.account, self.address})


def keys_for(email: str, address: str | None) -> Keys:
    return Keys(account=account_key(email), address=address_key(address))


def free_attempts(key: str) -> int:
    config = current_app.config
    free = int(config["SIGN_IN_FREE_ATTEMPTS"])
    if key.startswith(ADDRESS_PREFIX):
        return int(
            config.get("SIGN_IN_FREE_ATTEMPTS_PER_ADDRESS") or free * ADDRESS_ALLOWANCE_FACTOR
        )
    return free


def delay_after(failures: int, free: int) -> int:
    """Seconds to wait after this many failures: none within the free ones, then doubling."""
    if failures < free:
        return 0
    ceiling = int(current_app.config["SIGN_IN_MAX_DELAY_SECONDS"])
    return min(ceiling, FIRST_DELAY_SECONDS * 2 ** min(failures - free, 20))


def _insert_for(session: Session):
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def acquire(session: Session, keys: list[str], now: datetime | None = None) -> int:
    """Lock the counters of an attempt; return the seconds still to wait (0: go ahead)."""
    now = now or utcnow()
    keys = sorted(set(keys))  # one order everywhere, so two attempts cannot deadlock
    insert = _insert_for(session)
    session.execute(
        insert(SignInThrottle)
        .values([{"key": key, "failures": 0, "last_failure_at": now} for key in keys])
        .on_conflict_do_nothing(index_elements=[SignInThrottle.key])
    )
    rows = session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key.in_(keys))
        .order_by(SignInThrottle.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    latest = max((row.blocked_until for row in rows if row.blocked_until), default=None)
    if latest is None:
        return 0
    return max(0, math.ceil((latest - now).total_seconds()))


def record_failure(session: Session, keys: list[str], now: datetime | None = None) -> None:
    """Count a failed attempt on counters locked by ``acquire`` and set the wait that follows."""
    now = now or utcnow()
    rows = session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))).all()
    for row in rows:
        if row.last_failure_at < now - WINDOW:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        delay = delay_after(row.failures, free_attempts(row.key))
        row.blocked_until = now + timedelta(seconds=delay) if delay else None
    session.flush()


def record_success(session: Session, keys: Keys, now: datetime | None = None) -> None:
    """Forget the account's failures; the address keeps counting, so a spray stays slowed."""
    clear(session, [keys.account])
    # The address's counter was only created to be locked: drop it if it counts nothing.
    session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.key == keys.address, SignInThrottle.failures == 0
        ),
        execution_options={"synchronize_session": False},
    )
    purge_stale(session, now or utcnow())


def clear(session: Session, keys: list[str]) -> None:
    session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(keys)))


def purge_stale(session: Session, now: datetime) -> None:
    """Delete counters nobody needs any more (their window and wait are over)."""
    stale = (
        select(SignInThrottle.key)
        .where(
            SignInThrottle.last_failure_at < now - WINDOW,
            or_(SignInThrottle.blocked_until.is_(None), SignInThrottle.blocked_until < now),
        )
        .limit(500)
        # Counters other attempts hold are left for later rather than waited for.
        .with_for_update(skip_locked=True)
    )
    session.execute(
        delete(SignInThrottle).where(SignInThrottle.key.in_(stale)),
        execution_options={"synchronize_session": False},
    )


def describe_wait(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def wait_message(seconds: int) -> str:
    return (
        f"Too many failed attempts. Wait {describe_wait(seconds)} and try again, "
        "or reset your password."
    )
