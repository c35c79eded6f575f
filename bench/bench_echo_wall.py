"""Time the echo wall of the largest township (35,000 demands, 2,000 cases) against its bare SQL.

    .venv/bin/python bench/bench_echo_wall.py [--demands 35000] [--cases 2000] [--repeat 5]
                                              [--database-url postgresql://…/scratch]

One township with 40 villages, two demands per household, 2,000 cases (each naming one demand
and that household) is bulk-inserted into a fresh, migrated SQLite file in a temporary
directory, or into --database-url, which must be a SCRATCH database (its tables are emptied at
the end). Then, for the wall's first page, in the same run:
- baseline: the SQL statements the service sends (captured once with a SQLAlchemy event
  listener), replayed on the bare DB-API connection (sqlite3 / psycopg) and fetched;
- service: meeting.services.followup.echo.township_wall(page=1), ORM objects, masking and the
  overdue assessment included;
- HTTP: GET /echo/<township>/ through the Flask test client (the template and headers too).
Medians of --repeat runs (after one warm-up), and the ratios to the baseline.
Then the staff dashboard of cases (services/followup/dashboard.py), in the same run: the
service's first page with no filter and filtered by status + township, and GET /cases (both
ways) through the test client logged in as an admin; each against the SQL it sends itself
(for the page: the log-in check and the filter form's choices too), replayed the same way.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402

from meeting.database import make_engine  # noqa: E402
from meeting.migrate import upgrade  # noqa: E402
from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea  # noqa: E402
from meeting.models.cases import GENESIS_HASH, Case, CaseStream, case_demands, case_households  # noqa: E402
from meeting.services.followup import echo  # noqa: E402

TOWNSHIP = "T01"
VILLAGES = 40
STATUSES = ("open", "replied", "return_visit", "reopened", "closed")
TABLES = ("users", "case_demands", "case_households", "case_events", "cases", "case_streams", "demands", "households",
          "cadres", "villages", "work_areas", "townships")


def build(engine: sa.Engine, demands: int, cases: int) -> dict[str, int]:
    """Bulk-insert the township; returns rows per table."""
    households = -(-demands // 2)
    opened = dt.date(2026, 3, 24)
    rows: dict[str, list[dict[str, Any]]] = {
        "townships": [{"id": 1, "code": TOWNSHIP, "name": "许家湖镇", "kind": "township"}],
        "work_areas": [{"id": 1, "code": "W01", "name": "第一工作片", "township_id": 1}],
        "villages": [{"id": v, "code": f"V{v:03d}", "name": f"第{v}村", "work_area_id": 1, "township_id": 1}
                     for v in range(1, VILLAGES + 1)],
        "cadres": [{"id": c, "number": c, "name": f"干部{c}", "unit": f"许家湖镇第{c}站所", "township_id": 1}
                   for c in range(1, 101)],
        "households": [{"id": h, "code": f"H{h:06d}", "name": f"王{h % 97}花", "village_id": 1 + h % VILLAGES,
                        "cadre_id": 1 + h % 100, "phone": ""} for h in range(1, households + 1)],
        "demands": [{"id": d, "household_id": 1 + (d - 1) // 2, "text": f"诉求{d}：道路硬化", "category": "基础设施",
                     "status": "open" if d % 3 else "resolved", "public_answer": "", "private": d % 50 == 0}
                    for d in range(1, demands + 1)],
    }
    step = max(1, demands // cases)
    case_rows, cd, ch = [], [], []
    for i in range(1, cases + 1):
        demand = 1 + (i - 1) * step
        status = STATUSES[i % len(STATUSES)]
        case_rows.append({"id": i, "stream_id": 1, "code": f"2026-03-24-R{1 + i // 100}-{i % 100 + 1:02d}-{i}",
                          "kind": "rectification", "status": status, "opened_on": opened,
                          "reply_due": opened + dt.timedelta(days=15), "deadline": opened + dt.timedelta(days=60),
                          "promise": "限期整改", "items": ["限期整改"], "responsible_unit": f"许家湖镇第{1 + i % 100}站所",
                          "township_id": 1, "closed_on": opened + dt.timedelta(days=30) if status == "closed" else None,
                          # every other open case is past its reply day (the dashboard puts those first)
                          "overdue_reason": "reply" if status == "open" and i % 10 == 0 else None,
                          "overdue_since": opened + dt.timedelta(days=16 + i % 7) if status == "open" and i % 10 == 0
                          else None})
        cd.append({"case_id": i, "demand_id": demand})
        ch.append({"case_id": i, "household_id": 1 + (demand - 1) // 2})
    tables = {t.name: t for t in (Township.__table__, WorkArea.__table__, Village.__table__, Cadre.__table__,
                                  Household.__table__, Demand.__table__, CaseStream.__table__, Case.__table__)}
    with engine.begin() as conn:
        for name in ("townships", "work_areas", "villages", "cadres", "households", "demands"):
            conn.execute(tables[name].insert(), rows[name])
        conn.execute(tables["case_streams"].insert(), [{"id": 1, "code": "county", "name": "", "seq": 0,
                                                        "last_hash": GENESIS_HASH}])
        conn.execute(tables["cases"].insert(), case_rows)
        conn.execute(case_demands.insert(), cd)
        conn.execute(case_households.insert(), ch)
    return {"households": households, "demands": demands, "cases": cases}


def capture(engine: sa.Engine, fn: Callable[[], object]) -> list[tuple[str, Any]]:
    """The (statement, parameters) pairs `fn` sends through `engine`."""
    sent: list[tuple[str, Any]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return sent


def replay(raw: Any, statements: list[tuple[str, Any]]) -> None:
    """Run captured statements on the bare DB-API connection and fetch every row."""
    cur = raw.cursor()
    for statement, parameters in statements:
        cur.execute(statement, parameters)
        if cur.description is not None:
            cur.fetchall()
    cur.close()
    raw.rollback()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall seconds of `repeat` calls, after one warm-up call."""
    fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def explain(raw: Any, dialect: str, sent: list[tuple[str, Any]]) -> None:
    """Print the query plan of each captured statement."""
    cur = raw.cursor()
    for statement, parameters in sent:
        prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN ANALYZE "
        cur.execute(prefix + statement, parameters)
        print(" ".join(statement.split())[:110], "…")
        for row in cur.fetchall():
            print("   ", row)
    cur.close()
    raw.rollback()


def dashboard_rows(app: Any, engine: sa.Engine, raw: Any, cases: int, repeat: int,
                   show_plans: bool) -> list[tuple[str, int, float, float]]:
    """Time the staff dashboard of cases (service and /cases as an admin), each against the bare
    SQL it sends itself; returns (what, statements, bare median, median) rows."""
    from werkzeug.security import generate_password_hash

    from meeting.extensions import db
    from meeting.models import User
    from meeting.services.followup import dashboard as board

    with engine.begin() as conn:  # a cheap hash: the benchmark is not about password hashing
        conn.execute(User.__table__.insert(), [{"username": "bench", "role": "admin", "session_version": 1,
                                                "password_hash": generate_password_hash("bench-pass",
                                                                                        method="pbkdf2:sha256:1000")}])
    client = app.test_client()
    assert client.post("/login", data={"username": "bench", "password": "bench-pass"}).status_code == 302
    with app.app_context():
        app_engine = db.engine
    replied = sum(1 for i in range(1, cases + 1) if STATUSES[i % len(STATUSES)] == "replied")
    late = cases // 10  # the open cases built overdue
    chosen = {"no filter": (board.CaseFilter(), cases, late),
              "status=replied, township": (board.CaseFilter(status="replied", township_id=1), replied, 0)}
    out = []
    for label, (f, expected, overdue) in chosen.items():
        def service(f: board.CaseFilter = f, expected: int = expected, overdue: int = overdue) -> None:
            with so.Session(engine) as s:
                result = board.dashboard(s, f, page=1)
                assert result.total == expected and len(result.rows) == min(expected, board.PER_PAGE)
                assert result.overdue == overdue and bool(result.rows[0]["overdue_reason"]) == (overdue > 0)

        sent = capture(engine, service)
        if show_plans:
            explain(raw, engine.dialect.name, sent)
        out.append((f"service dashboard(), first page, {label}", len(sent),
                    statistics.median(timed(lambda: replay(raw, sent), repeat)),
                    statistics.median(timed(service, repeat))))
    for path in ("/cases", "/cases?status=replied&township=1"):
        def page(path: str = path) -> None:
            response = client.get(path)
            assert response.status_code == 200 and b'data-case="' in response.data, response.status_code

        sent = capture(app_engine, page)
        out.append((f"HTTP GET {path} (admin)", len(sent), statistics.median(timed(lambda: replay(raw, sent), repeat)),
                    statistics.median(timed(page, repeat))))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demands", type=int, default=35_000)
    parser.add_argument("--cases", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="a SCRATCH database (default: temp SQLite)")
    parser.add_argument("--explain", action="store_true", help="print the query plan of each statement")
    args = parser.parse_args(argv)
    if args.repeat < 3:
        parser.error("--repeat is at least 3 (the median of fewer says little)")

    from meeting import create_app
    from meeting.config import TestConfig

    with tempfile.TemporaryDirectory(prefix="bench_echo_") as tmp:
        url = args.database_url or f"sqlite:///{os.path.join(tmp, 'echo.db')}"
        upgrade(url)
        engine = make_engine(url)
        dialect = engine.dialect.name
        with engine.connect() as conn:
            if conn.execute(sa.select(sa.func.count()).select_from(Township)).scalar():
                parser.error("the database already has townships: give a scratch database")
        started = time.perf_counter()
        counts = build(engine, args.demands, args.cases)
        setup = time.perf_counter() - started
        if dialect == "sqlite":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            server = f"SQLite {sqlite3.sqlite_version}"
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
                server = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
        config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
        app = create_app({**config, "DATABASE_URL": url})
        app.instance_path = tmp
        client = app.test_client()
        try:
            def service() -> None:
                with so.Session(engine) as s:
                    wall = echo.township_wall(s, TOWNSHIP, page=1)
                    assert wall["page"].total == args.demands and len(wall["page"].items) == echo.PER_PAGE

            def page() -> None:
                response = client.get(f"/echo/{TOWNSHIP}/")
                assert response.status_code == 200, response.status_code

            sent = capture(engine, service)
            raw = engine.raw_connection()
            if args.explain:
                explain(raw, dialect, sent)
            base = timed(lambda: replay(raw, sent), args.repeat)
            ours = timed(service, args.repeat)
            http = timed(page, args.repeat)
            board = dashboard_rows(app, engine, raw, args.cases, args.repeat, args.explain)
            raw.close()
        finally:
            if args.database_url and dialect == "postgresql":
                with engine.begin() as conn:
                    conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
            engine.dispose()
            with app.app_context():
                from meeting.extensions import db
                db.engine.dispose()

    b, o, h = (statistics.median(x) for x in (base, ours, http))
    where = "temporary SQLite file" if not args.database_url else dialect
    print(f"Echo wall, first page of township {TOWNSHIP}: {counts['demands']:,} demands, {counts['households']:,} "
          f"households, {counts['cases']:,} cases, {where}; median of {args.repeat} runs, wall ms")
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"SQLAlchemy {sa.__version__}, {server}; set-up {setup:.1f} s; load average {os.getloadavg()[0]:.2f}")
    print("| what | statements | median ms | × bare SQL |")
    print("|---|---:|---:|---:|")
    print(f"| bare SQL (DB-API replay) | {len(sent)} | {b * 1e3:.1f} | 1.0 |")
    print(f"| service township_wall | {len(sent)} | {o * 1e3:.1f} | {o / max(b, 1e-9):.1f} |")
    print(f"| HTTP GET /echo/{TOWNSHIP}/ | — | {h * 1e3:.1f} | {h / max(b, 1e-9):.1f} |")
    print()
    print(f"Staff dashboard of cases, same run ({counts['cases']:,} cases, 50 a page); each against its own bare SQL")
    print("| what | statements | bare SQL ms | median ms | × bare SQL |")
    print("|---|---:|---:|---:|---:|")
    for what, n, bare, median in board:
        print(f"| {what} | {n} | {bare * 1e3:.1f} | {median * 1e3:.1f} | {median / max(bare, 1e-9):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
