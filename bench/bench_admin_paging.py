"""Time the admin roster pages at full scale: first page, deep pages, filtered searches.

    .venv/bin/python bench/bench_admin_paging.py [--scale 1.0] [--seed 2013] [--repeat 7]
                                                 [--database-url postgresql://…/scratch]

The generated roster (generate_roster + load_roster) goes into a fresh, migrated SQLite file
in a temporary directory, or into --database-url, which must be a SCRATCH database with an
empty roster (its roster tables are emptied at the end).

For each case, in the same run:
- service: the call to meeting.services.roster.query (COUNT, the page's ids, the page's rows
  with cadre/village/township, per-row counts), ORM objects and all;
- baseline: exactly the SQL statements the service sent (captured once), replayed on the bare
  DB-API connection (sqlite3 / psycopg) and fetched: service / baseline is the cost of the ORM
  and our Python over the database's own work;
- naive SQL: the page a hand-written query would give (COUNT over the joined tables, one
  joined SELECT … LIMIT 50 OFFSET n), bare driver: shows why the service cuts the page on the
  primary key before joining;
- HTTP: the whole page through the Flask test client (log-in check, queries, template).
"""
from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402

from meeting.database import make_engine  # noqa: E402
from meeting.migrate import upgrade  # noqa: E402
from meeting.models import Cadre, Household, Township, User, Village  # noqa: E402
from meeting.services.roster import query as rq  # noqa: E402
from meeting.demo.generator import generate_roster  # noqa: E402
from meeting.demo.load import ROSTER_MODELS, load_roster, roster_is_empty  # noqa: E402

PER_PAGE = 50

HOUSEHOLD_SQL = """
SELECT h.id, h.code, h.name, h.phone, c.number, c.name, v.name, t.name
FROM households h JOIN cadres c ON c.id = h.cadre_id
JOIN villages v ON v.id = h.village_id JOIN townships t ON t.id = v.township_id
WHERE {where} ORDER BY h.id LIMIT {per_page} OFFSET {offset}"""
HOUSEHOLD_COUNT_SQL = """
SELECT count(*) FROM households h JOIN villages v ON v.id = h.village_id
JOIN cadres c ON c.id = h.cadre_id WHERE {where}"""
CADRE_SQL = """
SELECT c.id, c.number, c.name, c.position, t.name, v.name
FROM cadres c LEFT JOIN townships t ON t.id = c.township_id LEFT JOIN villages v ON v.id = c.village_id
WHERE {where} ORDER BY c.number LIMIT {per_page} OFFSET {offset}"""
CADRE_COUNT_SQL = "SELECT count(*) FROM cadres c LEFT JOIN villages v ON v.id = c.village_id WHERE {where}"


@dataclass
class Case:
    """One page to time: the service call, a naive hand-written SQL page, the URL."""

    label: str
    service: Callable[[so.Session], object]
    naive: tuple[str, str, tuple]  # (count sql, page sql, params)
    url: str


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
        cur.fetchall()
    cur.close()
    raw.rollback()


@dataclass
class Timing:
    """Wall and CPU seconds of repeated calls. On SQLite the database runs inside this
    process, so CPU time covers it too and is not inflated by other processes' load."""

    wall: list[float]
    cpu: list[float]


def timed(fn: Callable[[], object], repeat: int) -> Timing:
    """Times of `repeat` calls, after one warm-up call."""
    fn()
    result = Timing([], [])
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        result.cpu.append(time.process_time() - cpu)
        result.wall.append(time.perf_counter() - wall)
    return result


def cases(session: so.Session, marker: str) -> list[Case]:
    """The pages staff actually open, with values taken from the loaded roster."""
    households = session.scalar(sa.select(sa.func.count()).select_from(Household))
    cadres = session.scalar(sa.select(sa.func.count()).select_from(Cadre))
    last_h = -(-households // PER_PAGE)
    last_c = -(-cadres // PER_PAGE)
    villages = session.scalar(sa.select(sa.func.count()).select_from(Village))
    village = session.scalar(sa.select(Village.name).order_by(Village.id).offset(villages // 2).limit(1))
    number = session.scalar(sa.select(Cadre.number).order_by(Cadre.id).offset(cadres // 2).limit(1))
    full = session.scalar(sa.select(Household.name).order_by(Household.id).offset(households // 3).limit(1))
    surname = full[0]
    township = session.scalar(sa.select(Township.id).order_by(Township.code).limit(1))
    p = marker

    def hh(flt: rq.HouseholdFilter, page: int) -> Callable[[so.Session], object]:
        return lambda s: rq.search_households(s, flt, page, PER_PAGE)

    def cc(flt: rq.CadreFilter, page: int) -> Callable[[so.Session], object]:
        return lambda s: rq.search_cadres(s, flt, page, PER_PAGE)

    def hb(where: str, params: tuple, page: int) -> tuple[str, str, tuple]:
        offset = (page - 1) * PER_PAGE
        return (HOUSEHOLD_COUNT_SQL.format(where=where),
                HOUSEHOLD_SQL.format(where=where, per_page=PER_PAGE, offset=offset), params)

    def cb(where: str, params: tuple, page: int) -> tuple[str, str, tuple]:
        offset = (page - 1) * PER_PAGE
        return (CADRE_COUNT_SQL.format(where=where),
                CADRE_SQL.format(where=where, per_page=PER_PAGE, offset=offset), params)

    mid = last_h // 2
    return [
        Case("households, page 1", hh(rq.HouseholdFilter(), 1), hb("1=1", (), 1),
             "/admin/households"),
        Case(f"households, middle page {mid:,}", hh(rq.HouseholdFilter(), mid), hb("1=1", (), mid),
             f"/admin/households?page={mid}"),
        Case(f"households, last page {last_h:,}", hh(rq.HouseholdFilter(), last_h),
             hb("1=1", (), last_h), f"/admin/households?page={last_h}"),
        Case(f"households, name begins with {surname}", hh(rq.HouseholdFilter(name=surname), 1),
             hb(f"h.name LIKE {p}", (f"{surname}%",), 1), f"/admin/households?name={surname}"),
        Case(f"households, name begins with {full}", hh(rq.HouseholdFilter(name=full), 1),
             hb(f"h.name LIKE {p}", (f"{full}%",), 1), f"/admin/households?name={full}"),
        Case(f"households, village contains {village}", hh(rq.HouseholdFilter(village=village), 1),
             hb(f"v.name LIKE {p}", (f"%{village}%",), 1), f"/admin/households?village={village}"),
        Case(f"households, cadre {number}", hh(rq.HouseholdFilter(cadre_number=number), 1),
             hb(f"c.number = {p}", (number,), 1), f"/admin/households?cadre={number}"),
        Case("households, name begins with 无此人", hh(rq.HouseholdFilter(name="无此人"), 1),
             hb(f"h.name LIKE {p}", ("无此人%",), 1), "/admin/households?name=无此人"),
        Case("cadres, page 1", cc(rq.CadreFilter(), 1), cb("1=1", (), 1), "/admin/cadres"),
        Case(f"cadres, last page {last_c:,}", cc(rq.CadreFilter(), last_c), cb("1=1", (), last_c),
             f"/admin/cadres?page={last_c}"),
        Case("cadres, name contains 建", cc(rq.CadreFilter(name="建"), 1),
             cb(f"c.name LIKE {p}", ("%建%",), 1), "/admin/cadres?name=建"),
        Case("cadres, first township", cc(rq.CadreFilter(township_id=township), 1),
             cb(f"c.township_id = {p}", (township,), 1), f"/admin/cadres?township={township}"),
        Case(f"cadre page {number}", lambda s: rq.cadre_file(s, number),
             ("SELECT count(*) FROM cadres WHERE number = " + p,
              "SELECT h.id, h.code, h.name, h.phone, d.text, d.status, d.level, d.public_answer "
              "FROM cadres c JOIN households h ON h.cadre_id = c.id "
              "LEFT JOIN demands d ON d.household_id = h.id WHERE c.number = " + p, (number,)),
             f"/admin/cadres/{number}"),
    ]


def run_naive(raw, count_sql: str, page_sql: str, params: tuple) -> None:
    """The hand-written page: COUNT, then the joined page, on the bare DB-API connection."""
    cur = raw.cursor()
    cur.execute(count_sql, params[: count_sql.count("?") + count_sql.count("%s")])
    cur.fetchall()
    cur.execute(page_sql, params[: page_sql.count("?") + page_sql.count("%s")])
    cur.fetchall()
    cur.close()
    raw.rollback()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="a SCRATCH database (default: temp SQLite)")
    args = parser.parse_args(argv)

    from meeting import create_app
    from meeting.config import TestConfig

    with tempfile.TemporaryDirectory(prefix="bench_admin_") as tmp:
        url = args.database_url or f"sqlite:///{os.path.join(tmp, 'roster.db')}"
        upgrade(url)
        engine = make_engine(url)
        started = time.perf_counter()
        with so.Session(engine) as session:
            if not roster_is_empty(session):
                parser.error("the database already has a roster: give a scratch database")
            counts = load_roster(session, generate_roster(args.scale, args.seed))
            admin = User(username="bench-admin", role="admin")
            admin.set_password("bench-pass")
            session.add(admin)
            session.commit()
        setup = time.perf_counter() - started
        dialect = engine.dialect.name
        marker = "?" if dialect == "sqlite" else "%s"
        if dialect == "sqlite":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            server = f"SQLite {sqlite3.sqlite_version}"
        else:
            # The steady state autovacuum reaches after a bulk load: statistics and a visibility
            # map (without it, index-only scans for COUNT and OFFSET still visit the heap).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
                server = "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]

        config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
        app = create_app({**config, "DATABASE_URL": url, "ROSTER_PAGE_SIZE": PER_PAGE})
        app.instance_path = tmp
        client = app.test_client()
        client.post("/login", data={"username": "bench-admin", "password": "bench-pass"})

        rows = []
        try:
            with so.Session(engine) as session:
                all_cases = cases(session, marker)
            raw = engine.raw_connection()
            for case in all_cases:
                def service() -> None:
                    with so.Session(engine) as s:
                        case.service(s)
                sent = capture(engine, service)
                base = timed(lambda: replay(raw, sent), args.repeat)
                ours = timed(service, args.repeat)
                naive = timed(lambda: run_naive(raw, *case.naive), args.repeat)

                def page() -> None:
                    response = client.get(case.url)
                    assert response.status_code == 200, (case.url, response.status_code)
                http = timed(page, args.repeat)
                rows.append((case.label, len(sent), base, ours, naive, http))
            raw.close()
        finally:
            if args.database_url:
                with engine.begin() as conn:
                    names = ", ".join(m.__table__.name for m in ROSTER_MODELS)
                    if dialect == "postgresql":
                        conn.exec_driver_sql(f"TRUNCATE {names}, users RESTART IDENTITY CASCADE")
            engine.dispose()
            with app.app_context():
                from meeting.extensions import db
                db.engine.dispose()

    where = "temporary SQLite file" if not args.database_url else dialect
    print(f"Admin roster paging: scale {args.scale:g}, seed {args.seed}, {args.repeat} runs each "
          f"(see the times line), {PER_PAGE} rows per page, {where}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"SQLAlchemy {sa.__version__}, {server}; roster set-up {setup:.1f} s")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    clock = "CPU" if dialect == "sqlite" else "wall"
    pick = (lambda t: t.cpu) if dialect == "sqlite" else (lambda t: t.wall)
    print(f"times: min of the runs, {clock} ms (SQLite runs in-process: CPU time is robust to "
          f"other load); service wall-clock median in its own column")
    print(f"| {'case':<40} | stmts | baseline | service | × baseline | service wall median "
          f"| naive SQL | HTTP page |")
    print(f"|{'-' * 42}|------:|---------:|--------:|-----------:|-------------------:|"
          f"----------:|----------:|")
    for label, stmts, base, ours, naive, http in rows:
        b, o = min(pick(base)), min(pick(ours))
        print(f"| {label:<40} | {stmts:>5} | {b * 1e3:>8.1f} | {o * 1e3:>7.1f} | {o / max(b, 1e-6):>10.1f} "
              f"| {statistics.median(ours.wall) * 1e3:>18.1f} | {min(pick(naive)) * 1e3:>9.1f} "
              f"| {min(pick(http)) * 1e3:>9.1f} |")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
