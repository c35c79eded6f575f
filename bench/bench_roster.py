"""Time the demo roster: generation, bulk load, and a raw-driver baseline on the same rows.

    .venv/bin/python bench/bench_roster.py [--scale 1.0] [--seed 2013] [--repeat 3]
                                           [--database-url postgresql://…/scratch]

By default every load goes into a fresh, migrated SQLite file in a temporary directory. With
--database-url the database must be a SCRATCH database: it is migrated, must have an empty
roster, and the roster tables are emptied again after each load (TRUNCATE … CASCADE on
PostgreSQL).

The baseline writes exactly the rows load_roster writes (same ids, same schema and indexes,
one transaction) with the bare driver and no Python work per row beyond the driver's own:
stdlib sqlite3 executemany on SQLite, psycopg COPY on PostgreSQL. load / baseline is therefore
the cost of the loader's own code (SQLAlchemy, building the rows) over what the database needs.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402

from meeting.database import make_engine, normalise_url  # noqa: E402
from meeting.migrate import upgrade  # noqa: E402
from meeting.demo.model import Roster  # noqa: E402
from meeting.demo.generator import generate_roster  # noqa: E402
from meeting.demo.load import load_roster, roster_is_empty  # noqa: E402
from meeting.demo.load import ROSTER_MODELS, _batches  # noqa: E402


def fresh_sqlite(directory: str, name: str) -> str:
    """A newly migrated SQLite file; returns its URL."""
    path = os.path.join(directory, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


def empty_roster(engine: sa.Engine) -> None:
    """Remove the roster rows a run wrote (scratch databases only)."""
    names = [m.__table__.name for m in ROSTER_MODELS]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(names):
                conn.execute(sa.text(f"DELETE FROM {name}"))


class Timer:
    """Wall-clock and this process's CPU seconds of a block.

    On SQLite the database runs inside this process, so CPU seconds are the figure that a busy
    shared machine disturbs least; on PostgreSQL they cover the client side only.
    """

    def __enter__(self) -> "Timer":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def time_load(url: str, roster: Roster) -> Timer:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session, Timer() as timer:
            load_roster(session, roster)
        return timer
    finally:
        engine.dispose()


def prepared_rows(roster: Roster) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
    """load_roster's rows, built before the clock starts."""
    return [(table.name, columns, list(rows)) for table, columns, rows, _ in _batches(roster)]


def baseline_sqlite(path: str, batches: list) -> Timer:
    """stdlib sqlite3 executemany, same pragmas as the app's engine, one transaction."""
    def plain(value):
        if isinstance(value, dt.date):
            return value.isoformat()  # what SQLAlchemy's SQLite Date stores
        return int(value) if isinstance(value, bool) else value

    batches = [(name, cols, [tuple(plain(v) for v in row) for row in rows]) for name, cols, rows in batches]
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "busy_timeout=30000", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    with Timer() as timer:
        conn.execute("BEGIN")
        for name, cols, rows in batches:
            conn.executemany(f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                             rows)
        conn.execute("COMMIT")
    conn.close()
    return timer


def baseline_postgres(url: str, batches: list) -> Timer:
    """psycopg COPY of the same rows, one transaction."""
    import psycopg

    dsn = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, Timer() as timer:
        with conn.cursor() as cur:
            for name, cols, rows in batches:
                with cur.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
    return timer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step; min and median shown")
    parser.add_argument("--database-url", default=None, help="a SCRATCH database (default: temp SQLite)")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    gen_times: list[Timer] = []
    load_times: list[Timer] = []
    base_times: list[Timer] = []
    dialect = "postgresql" if args.database_url and args.database_url.startswith("postgres") else "sqlite"
    server = f"SQLite {sqlite3.sqlite_version}"
    with tempfile.TemporaryDirectory(prefix="bench_roster_") as tmp:
        roster = None
        for _ in range(args.repeat):
            with Timer() as timer:
                roster = generate_roster(args.scale, args.seed)
            gen_times.append(timer)
        assert roster is not None
        counts = roster.counts()
        batches = prepared_rows(roster)
        if args.database_url:
            upgrade(args.database_url)
            engine = make_engine(args.database_url)
            with so.Session(engine) as session:
                if not roster_is_empty(session):
                    parser.error("the database already has a roster: give a scratch database")
                if dialect == "postgresql":
                    server = "PostgreSQL " + session.scalar(sa.text("SHOW server_version")).split()[0]
        for _ in range(args.repeat):
            if args.database_url:
                load_times.append(time_load(args.database_url, roster))
                empty_roster(engine)
                if dialect == "postgresql":
                    base_times.append(baseline_postgres(args.database_url, batches))
                    empty_roster(engine)
            else:
                load_times.append(time_load(fresh_sqlite(tmp, "load.db"), roster))
            if dialect == "sqlite":
                fresh_sqlite(tmp, "baseline.db")
                base_times.append(baseline_sqlite(os.path.join(tmp, "baseline.db"), batches))
        if args.database_url:
            engine.dispose()

    rows = sum(counts.values())
    base_label = "baseline: raw sqlite3 executemany" if dialect == "sqlite" else "baseline: raw psycopg COPY"
    where = "temporary SQLite file" if not args.database_url else dialect
    print(f"Roster generation and loading: scale {args.scale:g}, seed {args.seed}, {args.repeat} runs, {where}")
    print(f"machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, "
          f"SQLAlchemy {sa.__version__}, {server}")
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" (total {rows:,})")
    cpu_note = "" if dialect == "sqlite" else " (client only)"
    print(f"{'step':<36}{'wall min':>9}{'median':>8}{'µs/row':>8}{'×base':>7}"
          f"{'CPU min' + cpu_note:>{9 + len(cpu_note)}}{'×base':>7}")
    base_wall = min(t.wall for t in base_times)
    base_cpu = min(t.cpu for t in base_times)
    for label, times in (("generate_roster", gen_times), ("load_roster", load_times), (base_label, base_times)):
        wall, cpu = min(t.wall for t in times), min(t.cpu for t in times)
        is_db = label != "generate_roster"
        wall_ratio = f"{wall / base_wall:.2f}" if is_db else ""
        cpu_ratio = f"{cpu / base_cpu:.2f}" if is_db and dialect == "sqlite" else ""
        print(f"{label:<36}{wall:>9.2f}{statistics.median(t.wall for t in times):>8.2f}"
              f"{wall / rows * 1e6:>8.1f}{wall_ratio:>7}{cpu:>{9 + len(cpu_note)}.2f}{cpu_ratio:>7}")
    print(f"{'generate + load':<36}{min(t.wall for t in gen_times) + min(t.wall for t in load_times):>9.2f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB; "
          f"load average at start {load_before[0]:.2f}, at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
