"""The JSON API's main lists at Madison Valleywood scale and ten times it, beside hello world.

Run with `make bench-api` (or `.venv/bin/python bench/api.py`). Same data, server and load as
bench/run.py, with a bearer token instead of a session; writes bench/api-results.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402

from bench.run import free_port, machine_details, prepare, run_wrk, serve  # noqa: E402
from coordination.api import tokens  # noqa: E402
from coordination.db import get_database  # noqa: E402
from coordination.models import User  # noqa: E402
from coordination.principal import load_principal  # noqa: E402

LISTS = {
    "hello world (baseline)": "/bench/hello",
    "convenings": "/api/v1/convenings",
    "convening": "/api/v1/convenings/{convening_id}",
    "organisations": "/api/v1/organisations",
    "invitations": "/api/v1/convenings/{convening_id}/invitations",
    "agenda": "/api/v1/convenings/{convening_id}/agenda",
    "documents": "/api/v1/convenings/{convening_id}/documents",
    "convening's actions": "/api/v1/convenings/{convening_id}/actions",
    "tracker (all actions)": "/api/v1/actions",
    "follow-up figures": "/api/v1/convenings/{convening_id}/follow-up",
}


def make_token(app, email: str) -> str:
    with app.app_context(), get_database(app).session() as session:
        user = session.scalar(select(User).where(User.email_normalized == func.lower(email)))
        issued = tokens.issue(
            session, load_principal(session, user), name="Benchmark", scope="read", days=1
        )
        session.commit()
        return issued.secret


def count_queries(app, secret: str, paths: dict[str, str]) -> dict[str, int]:
    client = app.test_client()
    engine = get_database(app).engine
    counts = {}
    for name, path in paths.items():
        statements: list[str] = []

        def on_execute(_c, _cu, statement, *_a, sink=statements):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", statement, re.I):
                sink.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        response = client.get(path, headers={"Authorization": f"Bearer {secret}"})
        event.remove(engine, "before_cursor_execute", on_execute)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[name] = len(statements)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="load per list and scale")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--factors", default="1,10", help="data scales to run")
    parser.add_argument("--output", default=str(ROOT / "bench" / "api-results.md"))
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench-api does it)")

    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for factor in (int(part) for part in arguments.factors.split(",")):
            workdir = Path(directory) / f"x{factor}"
            workdir.mkdir()
            app, config, dataset = prepare(workdir, factor)
            # The limit is per token; the benchmark's one token makes every request.
            config["API_REQUESTS_PER_MINUTE"] = 10**9
            secret = make_token(app, dataset.organiser_email)
            values = {"convening_id": dataset.main_convening_id}
            paths = {name: path.format(**values) for name, path in LISTS.items()}
            measured = {k: v for k, v in paths.items() if not v.startswith("/bench")}
            queries = count_queries(app, secret, measured)
            port = free_port()
            server = serve(config, port, arguments.workers)
            try:
                base = f"http://127.0.0.1:{port}"
                for name, path in paths.items():
                    result = run_wrk(
                        base + path,
                        "",
                        arguments.seconds,
                        arguments.connections,
                        header=f"Authorization: Bearer {secret}",
                    )
                    rows.append((factor, name, result, queries.get(name, 0)))
                    print(
                        f"x{factor:<3} {name:24} {result['rps']:8.0f} req/s  "
                        f"p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms  "
                        f"{queries.get(name, 0):3d} queries",
                        flush=True,
                    )
            finally:
                server.terminate()
                server.wait(timeout=30)

    hello = {factor: result["rps"] for factor, name, result, _ in rows if name.startswith("hello")}
    lines = [
        "# API benchmark results",
        "",
        "Generated by `make bench-api` (bench/api.py), on the data of bench/run.py: scale x1 is "
        "Madison Valleywood size (60 organisations, 3 convenings each with 60 invitations, "
        "30 agenda items, 40 documents and 150 actions), x10 ten times that. Each list is its "
        "first page (50 items) as the organiser's read token sees it.",
        f"gunicorn with {arguments.workers} sync workers; wrk with 2 threads, "
        f"{arguments.connections} connections, {arguments.seconds} s per list; SQLite.",
        "",
        *machine_details(),
        "",
        "| scale | list | requests/s | % of hello world | p50 ms | p99 ms | non-2xx "
        "| SQL queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for factor, name, result, count in rows:
        share = 100 * result["rps"] / hello[factor] if hello.get(factor) else 0
        lines.append(
            f"| x{factor} | {name} | {result['rps']:.0f} | {share:.1f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {result['errors']} | {count} |"
        )
    Path(arguments.output).write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {arguments.output}")


if __name__ == "__main__":
    main()
