"""Throughput, latency and queries per page at Madison Valleywood scale and ten times it.

Run with `make bench` (or `.venv/bin/python bench/run.py`). It generates the data, serves the
application with gunicorn as in production, loads each page with wrk from a second process,
counts SQL queries per page in-process, prints one table and writes bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from bench.datasets import BENCH_PASSWORD, Scale, generate  # noqa: E402
from coordination import create_app  # noqa: E402
from coordination.db import get_database  # noqa: E402
from coordination.migrate import upgrade  # noqa: E402

PAGES = {
    "hello world (baseline)": "/bench/hello",
    "sign-in": "/account/sign-in",
    "dashboard": "/dashboard",
    "convenings": "/convenings/",
    "convening": "/convenings/{convening_id}",
    "directory": "/directory/",
    "organisation": "/directory/{organisation_id}",
    "invitations": "/convenings/{convening_id}/invitations",
    "RSVP board": "/convenings/{convening_id}/rsvp",
    "attendee list": "/convenings/{convening_id}/attendees",
    "agenda builder": "/convenings/{convening_id}/agenda/builder",
    "agenda": "/convenings/{convening_id}/agenda",
    "documents": "/convenings/{convening_id}/documents",
    "convening's actions": "/convenings/{convening_id}/actions",
    "tracker": "/tracker",
    "tracker board": "/tracker/board",
    "follow-up report": "/convenings/{convening_id}/follow-up",
    "series dashboard": "/series/{series_id}/dashboard",
    "organisation history": "/organisations/{organisation_id}/history",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(workdir: Path, factor: int):
    database_url = f"sqlite:///{workdir / f'bench-{factor}.sqlite3'}"
    config = {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(workdir),
        "SECRET_KEY": "benchmark",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "SIGN_IN_FREE_ATTEMPTS": 1000,
    }
    app = create_app(config)
    upgrade(app)
    with app.app_context(), get_database(app).session() as session:
        dataset = generate(session, Scale.times(factor))
    return app, config, dataset


ANONYMOUS_PAGES = {"/account/sign-in"}
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def sign_in(base: str, email: str) -> str:
    """Sign in over HTTP as a browser would and return the session cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/account/sign-in", timeout=30).read().decode()
    fields = {"email": email, "password": BENCH_PASSWORD, "csrf_token": CSRF_FIELD.search(form)[1]}
    opener.open(f"{base}/account/sign-in", data=urllib.parse.urlencode(fields).encode(), timeout=30)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def count_queries(app, email: str, paths: dict[str, str]) -> dict[str, int]:
    client = app.test_client()
    form = client.get("/account/sign-in").get_data(as_text=True)
    client.post(
        "/account/sign-in",
        data={"email": email, "password": BENCH_PASSWORD, "csrf_token": CSRF_FIELD.search(form)[1]},
    )
    engine = get_database(app).engine
    counts = {}
    for name, path in paths.items():
        statements: list[str] = []

        def on_execute(_c, _cu, statement, *_a, sink=statements):
            if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK)", statement, re.I):
                sink.append(statement)

        event.listen(engine, "before_cursor_execute", on_execute)
        # The sign-in page is measured as a visitor sees it, the rest signed in.
        response = (app.test_client() if path in ANONYMOUS_PAGES else client).get(path)
        event.remove(engine, "before_cursor_execute", on_execute)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        counts[name] = len(statements)
    return counts


def run_wrk(
    url: str, cookie: str, seconds: int, connections: int, header: str = ""
) -> dict[str, float]:
    """Load ``url`` with wrk, with the session ``cookie`` or another ``header`` on each request."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {}
    for label in ("50%", "99%"):
        match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        latency[label] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": requests,
        "p50": latency["50%"],
        "p99": latency["99%"],
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def serve(config: dict, port: int, workers: int) -> subprocess.Popen:
    environment = dict(os.environ)
    for key, value in config.items():
        environment[f"COORDINATION_{key}"] = str(value)
    environment["COORDINATION_BASE_URL"] = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench.server:app",
        ],
        cwd=ROOT,
        env=environment,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def machine_details() -> list[str]:
    memory = ""
    if Path("/proc/meminfo").exists():
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{total_kb / 1024 / 1024:.1f} GiB"
    cpu = platform.processor() or "unknown"
    if Path("/proc/cpuinfo").exists():
        names = re.findall(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = names[0] if names else cpu
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores; memory {memory}",
        f"- {platform.platform()}; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}",
        f"- run on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="load per page and scale")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--factors", default="1,10", help="data scales to run")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.md"))
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it)")

    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for factor in (int(part) for part in arguments.factors.split(",")):
            workdir = Path(directory) / f"x{factor}"
            workdir.mkdir()
            app, config, dataset = prepare(workdir, factor)
            values = {
                "convening_id": dataset.main_convening_id,
                "organisation_id": dataset.organisation_id,
                "series_id": dataset.series_id,
            }
            paths = {name: path.format(**values) for name, path in PAGES.items()}
            measured = {k: v for k, v in paths.items() if not v.startswith("/bench")}
            queries = count_queries(app, dataset.organiser_email, measured)
            port = free_port()
            server = serve(config, port, arguments.workers)
            try:
                base = f"http://127.0.0.1:{port}"
                cookie = sign_in(base, dataset.organiser_email)
                for name, path in paths.items():
                    page_cookie = "" if path in ANONYMOUS_PAGES else cookie
                    result = run_wrk(
                        base + path, page_cookie, arguments.seconds, arguments.connections
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

    lines = [
        "# Benchmark results",
        "",
        "Generated by `make bench` (bench/run.py). Scale x1 is Madison Valleywood size "
        "(60 organisations with 240 contacts, 3 convenings each with 60 invitations, "
        "250 delegates, 30 agenda items, 40 documents and 150 actions); x10 is ten times that "
        "(600 organisations, 30 convenings). Pages are measured on the first convening; "
        "the tracker at 1,000 and 100,000 actions is in tracker-results.md.",
        f"gunicorn with {arguments.workers} sync workers; wrk with 2 threads, "
        f"{arguments.connections} connections, {arguments.seconds} s per page; SQLite.",
        "",
        *machine_details(),
        "",
        "| scale | page | requests/s | p50 ms | p99 ms | non-2xx | SQL queries |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for factor, name, result, count in rows:
        lines.append(
            f"| x{factor} | {name} | {result['rps']:.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {result['errors']} | {count} |"
        )
    Path(arguments.output).write_text("\n".join(lines) + "\n")
    print(f"\nWritten to {arguments.output}")


if __name__ == "__main__":
    main()
