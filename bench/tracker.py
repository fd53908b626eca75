"""The action tracker at 1,000 and 100,000 actions: throughput, latency, queries and CSV memory.

Run with `make bench-tracker` (or `.venv/bin/python bench/tracker.py`). For each size it writes
the actions with bulk inserts, serves the application with gunicorn, loads the tracker pages with
wrk, counts SQL queries per page in-process, streams the whole CSV export once while tracing the
memory it allocates, prints one table and writes bench/tracker-results.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.datasets import BENCH_PASSWORD  # noqa: E402
from bench.run import (  # noqa: E402
    CSRF_FIELD,
    count_queries,
    free_port,
    machine_details,
    run_wrk,
    serve,
    sign_in,
)
from coordination import create_app  # noqa: E402
from coordination.db import get_database  # noqa: E402
from coordination.migrate import upgrade  # noqa: E402
from coordination.models import (  # noqa: E402
    ActionItem,
    ActionPriority,
    ActionStatus,
    Convening,
    ConveningStatus,
    Organisation,
    OrganisationKind,
    Series,
    TeamMembership,
    TeamRole,
    User,
)

ORGANISATIONS = 60
CONVENINGS = 12
BATCH = 5_000
PAGES = {
    "tracker (first page)": "/tracker",
    "tracker, open and overdue": "/tracker?status=open&status=in_progress&overdue=y&sort=due",
    "tracker, page 20": "/tracker?page=20",
    "board": "/tracker/board",
    "totals per organisation": "/tracker/organisations",
}


def generate(app, actions: int) -> str:
    """Write organisations, a series of convenings and ``actions`` actions; returns the email."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024)
    with app.app_context(), get_database(app).session() as session:
        organiser = User(
            email="bench.organiser@example.org",
            email_normalized="bench.organiser@example.org",
            name="Bench Organiser",
            password_hash=hasher.hash(BENCH_PASSWORD),
            email_confirmed_at=datetime.now(UTC),
        )
        kinds = list(OrganisationKind)
        organisations = [
            Organisation(
                name=f"Organisation {n:03d}",
                name_normalized=f"organisation {n:03d}",
                kind=kinds[n % len(kinds)],
                notes="",
            )
            for n in range(ORGANISATIONS)
        ]
        series = Series(name="Benchmark series")
        start = datetime(2026, 1, 14, 15, 0, tzinfo=UTC)
        convenings = [
            Convening(
                title=f"Benchmark convening {n}",
                timezone="America/New_York",
                starts_at=start + timedelta(days=30 * n),
                ends_at=start + timedelta(days=30 * n, hours=6),
                sensitivity="Official",
                status=ConveningStatus.CONCLUDED,
                series=series,
                team=[TeamMembership(user=organiser, role=TeamRole.COORDINATOR)],
            )
            for n in range(CONVENINGS)
        ]
        session.add_all([organiser, *organisations, *convenings])
        session.flush()
        statuses, priorities = list(ActionStatus), list(ActionPriority)
        today = date.today()
        now = datetime.now(UTC)
        rows = [
            {
                "convening_id": convenings[n % CONVENINGS].id,
                "title": f"Action {n:06d}: follow up on what was agreed",
                "description": "Generated for the benchmark.",
                "owner_organisation_id": organisations[n % ORGANISATIONS].id,
                "due_on": today + timedelta(days=n % 60 - 30),
                "priority": priorities[n % len(priorities)],
                "status": statuses[n % len(statuses)],
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for n in range(actions)
        ]
        for offset in range(0, len(rows), BATCH):
            session.execute(insert(ActionItem), rows[offset : offset + BATCH])
        session.commit()
        return organiser.email


def csv_export(app, email: str) -> tuple[int, float, float]:
    """Stream the unfiltered CSV once: its rows, the seconds taken and the peak MiB allocated."""
    client = app.test_client()
    form = client.get("/account/sign-in").get_data(as_text=True)
    client.post(
        "/account/sign-in",
        data={"email": email, "password": BENCH_PASSWORD, "csrf_token": CSRF_FIELD.search(form)[1]},
    )
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get("/tracker.csv", buffered=False)
    lines = 0
    for chunk in response.response:
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    elapsed = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines - 1, elapsed, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000", help="numbers of actions to run")
    parser.add_argument("--seconds", type=int, default=5, help="load per page and size")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--output", default=str(ROOT / "bench" / "tracker-results.md"))
    arguments = parser.parse_args()

    rows, exports = [], []
    with tempfile.TemporaryDirectory() as directory:
        for size in (int(part) for part in arguments.sizes.split(",")):
            workdir = Path(directory) / f"n{size}"
            workdir.mkdir()
            config = {
                "DATABASE_URL": f"sqlite:///{workdir / 'tracker.sqlite3'}",
                "INSTANCE_PATH": str(workdir),
                "SECRET_KEY": "benchmark",
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 1024,
                "SIGN_IN_FREE_ATTEMPTS": 1000,
            }
            app = create_app(config)
            upgrade(app)
            email = generate(app, size)
            queries = count_queries(app, email, PAGES)
            exports.append((size, *csv_export(app, email)))
            port = free_port()
            server = serve(config, port, arguments.workers)
            try:
                base = f"http://127.0.0.1:{port}"
                cookie = sign_in(base, email)
                for name, path in {"hello world (baseline)": "/bench/hello", **PAGES}.items():
                    result = run_wrk(base + path, cookie, arguments.seconds, arguments.connections)
                    rows.append((size, name, result, queries.get(name, 0)))
                    print(
                        f"{size:>7} {name:28} {result['rps']:8.0f} req/s  "
                        f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
                        f"{queries.get(name, 0):3d} queries",
                        flush=True,
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)

    lines = [
        "# Tracker benchmark results",
        "",
        "Generated by `make bench-tracker` (bench/tracker.py): 60 organisations, a series of "
        f"{CONVENINGS} convenings and the given number of actions in every status, all in the "
        "convenings one coordinator works on, so the tracker sees every action. "
        f"gunicorn with {arguments.workers} sync workers; wrk with 2 threads, "
        f"{arguments.connections} connections, {arguments.seconds} s per page; SQLite.",
        "",
        *machine_details(),
        "",
        "| actions | page | requests/s | p50 ms | p99 ms | non-2xx | SQL queries |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, name, result, count in rows:
        lines.append(
            f"| {size} | {name} | {result['rps']:.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {result['errors']} | {count} |"
        )
    lines += [
        "",
        "CSV export of every action, streamed once in-process (memory traced by tracemalloc):",
        "",
        "| actions | rows | seconds | peak MiB allocated |",
        "|---:|---:|---:|---:|",
    ]
    for size, exported, seconds, peak in exports:
        lines.append(f"| {size} | {exported} | {seconds:.2f} | {peak:.1f} |")
    Path(arguments.output).write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-len(exports) - 1 :]))
    print(f"\nWritten to {arguments.output}")


if __name__ == "__main__":
    main()
