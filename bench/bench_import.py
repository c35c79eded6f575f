"""Time the roster import at Yishui scale: read + validate + write, CSV and xlsx, with baselines.

    .venv/bin/python bench/bench_import.py [--scale 1.0] [--seed 2013] [--skip-xlsx]
                                           [--database-url postgresql://…/scratch]

The roster comes from roster_generator (scale 1.0 = 10,180 cadres, ~305,000 households,
~36,000 demands), exported in the import template format: four UTF-8-with-BOM CSV files, and
one workbook saved the way Excel/WPS save it (shared strings, dimensions; see
roster_import.export.excel_like).

Each import goes into an empty, migrated database: a fresh SQLite file in a temporary
directory by default; with --database-url a SCRATCH database whose roster tables are emptied
(TRUNCATE … CASCADE) before every run. Measured in the same run:

  import csv     import_files() of the four CSV files (one transaction)
  import xlsx    import_roster() of the workbook
  re-import csv  the same CSV files again (every row matched, nothing changed, nothing written)
  baselines      a bare csv.reader pass over the same CSV bytes; a bare openpyxl read-only
                 pass over the same workbook; a plain bulk insert of the same rows (ids
                 precomputed, no validation) into an empty database: Core executemany on
                 SQLite, COPY on PostgreSQL (the importer's own insert paths)
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402

from meeting.database import make_engine  # noqa: E402
from meeting.migrate import upgrade  # noqa: E402
from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea  # noqa: E402
from meeting.demo.model import Roster  # noqa: E402
from meeting.demo.generator import generate_roster  # noqa: E402
from meeting.services.roster.importing.service import import_files, import_roster  # noqa: E402
from meeting.services.roster.importing.export import excel_like, roster_to_csv, roster_to_xlsx  # noqa: E402

TABLES = [Township, WorkArea, Village, Cadre, Household, Demand]
CHUNK = 5000


class Target:
    """An empty migrated database per run: fresh SQLite files, or a truncated scratch database."""

    def __init__(self, url: str | None, directory: str) -> None:
        self.url, self.directory, self.runs = url, directory, 0

    def fresh(self) -> str:
        self.runs += 1
        if self.url is None:
            url = f"sqlite:///{os.path.join(self.directory, f'run{self.runs}.db')}"
            upgrade(url)
            return url
        upgrade(self.url)
        engine = engine_for(self.url)
        with engine.begin() as conn:
            names = ", ".join(m.__table__.name for m in TABLES)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return self.url


def engine_for(url: str) -> sa.Engine:
    """The app's own engine settings (pragmas, timeouts), without building the whole app."""
    return make_engine(url)


def timed(fn):
    """(wall seconds, value); the CPU seconds of this process go to CPU_SECONDS."""
    global CPU_SECONDS
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    CPU_SECONDS = time.process_time() - cpu
    return time.perf_counter() - start, value


CPU_SECONDS = 0.0


def bare_csv(files: dict[str, bytes]) -> int:
    rows = 0
    for data in files.values():
        for _row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
            rows += 1
    return rows


def bare_xlsx(data: bytes) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = 0
    for sheet in workbook.worksheets:
        for _row in sheet.iter_rows(values_only=True):
            rows += 1
    return rows


def plain_rows(roster: Roster) -> list[tuple[type, list[dict]]]:
    """The rows the import writes, as dicts with precomputed ids: the write floor."""
    towns = {t.code: i for i, t in enumerate(roster.townships, 1)}
    areas = {w.code: i for i, w in enumerate(roster.work_areas, 1)}
    villages = {v.code: i for i, v in enumerate(roster.villages, 1)}
    cadres = {c.number: i for i, c in enumerate(roster.cadres, 1)}
    households = {h.code: i for i, h in enumerate(roster.households, 1)}
    return [
        (Township, [{"id": i, "code": t.code, "name": t.name, "kind": t.kind}
                    for t, i in zip(roster.townships, towns.values())]),
        (WorkArea, [{"id": areas[w.code], "code": w.code, "name": w.name,
                     "township_id": towns[w.township_code]} for w in roster.work_areas]),
        (Village, [{"id": villages[v.code], "code": v.code, "name": v.name,
                    "work_area_id": areas[v.work_area_code], "township_id": towns[v.township_code]}
                   for v in roster.villages]),
        (Cadre, [{"id": cadres[c.number], "number": c.number, "name": c.name, "position": c.position,
                  "unit": c.unit, "rank": c.rank, "phone": c.phone, "active": True,
                  "township_id": towns.get(c.township_code), "village_id": villages.get(c.village_code)}
                 for c in roster.cadres]),
        (Household, [{"id": households[h.code], "code": h.code, "name": h.name, "phone": h.phone,
                      "village_id": villages[h.village_code], "cadre_id": cadres[h.cadre_number]}
                     for h in roster.households]),
        (Demand, [{"household_id": households[d.household_code], "text": d.text, "category": d.category,
                   "status": d.status, "level": d.level, "public_answer": d.public_answer,
                   "raised_on": d.raised_on, "resolved_on": d.resolved_on} for d in roster.demands]),
    ]


def plain_write(url: str, rows: list[tuple[type, list[dict]]]) -> float:
    engine = engine_for(url)

    def write() -> None:
        with engine.begin() as conn:
            for model, dicts in rows:
                for i in range(0, len(dicts), CHUNK):
                    if engine.dialect.name != "postgresql":
                        conn.execute(sa.insert(model.__table__), dicts[i:i + CHUNK])
                        continue
                    columns = list(dicts[0])
                    sql = f"COPY {model.__table__.name} ({', '.join(columns)}) FROM STDIN"
                    with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
                        for row in dicts[i:i + CHUNK]:
                            copy.write_row([row[c] for c in columns])
            if engine.dialect.name == "postgresql":  # ids were given: move the sequences on
                for model, dicts in rows:
                    name = model.__table__.name
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                         f"(SELECT max(id) FROM {name}))"))

    elapsed, _ = timed(write)
    engine.dispose()
    return elapsed


def run_import(url: str, call) -> tuple[float, object]:
    engine = engine_for(url)
    session = so.Session(bind=engine, expire_on_commit=False)
    try:
        return timed(lambda: call(session))
    finally:
        session.close()
        engine.dispose()


def traced_peak(url: str, call) -> int:
    """Peak bytes the import allocates beyond what already exists (its files are not counted)."""
    import tracemalloc

    tracemalloc.start()
    try:
        run_import(url, call)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--database-url", default=None, help="a SCRATCH database (default: temp SQLite)")
    parser.add_argument("--skip-xlsx", action="store_true", help="CSV only (the xlsx read is the slow part)")
    parser.add_argument("--memory", action="store_true",
                        help="also measure the import's peak Python allocations (tracemalloc, slow)")
    args = parser.parse_args(argv)

    generated, roster = timed(lambda: generate_roster(scale=args.scale, seed=args.seed))
    counts = roster.counts()
    exported, (csv_files, workbook) = timed(lambda: (
        roster_to_csv(roster), None if args.skip_xlsx else excel_like(roster_to_xlsx(roster))))
    csv_list = [(f"{kind}.csv", data) for kind, data in csv_files.items()]
    data_rows = sum(counts[k] for k in ("villages", "cadres", "households", "demands"))
    print(f"roster scale {args.scale:g} seed {args.seed}: " +
          ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"generated in {generated:.1f} s; exported in {exported:.1f} s "
          f"(CSV {sum(map(len, csv_files.values())) / 1e6:.1f} MB"
          + ("" if workbook is None else f", xlsx {len(workbook) / 1e6:.1f} MB") + ")")
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
          f"database {'SQLite (temp file)' if args.database_url is None else 'PostgreSQL (scratch)'}")

    results: list[tuple[str, float, float]] = []

    def record(name: str, seconds: float) -> None:
        results.append((name, seconds, CPU_SECONDS))

    with tempfile.TemporaryDirectory() as directory:
        target = Target(args.database_url, directory)
        record("baseline: csv.reader pass", timed(lambda: bare_csv(csv_files))[0])
        rows = plain_rows(roster)
        record("baseline: plain bulk insert", plain_write(target.fresh(), rows))
        del rows
        url = target.fresh()
        elapsed, result = run_import(url, lambda s: import_files(s, csv_list))
        assert result.created["households"] == counts["households"], result
        record("import csv (read+validate+write)", elapsed)
        elapsed, result = run_import(url, lambda s: import_files(s, csv_list))
        assert sum(result.created.values()) == 0 and result.updated["households"] == counts["households"]
        record("re-import csv (nothing changed)", elapsed)
        if workbook is not None:
            record("baseline: openpyxl read-only pass", timed(lambda: bare_xlsx(workbook))[0])
            elapsed, result = run_import(target.fresh(), lambda s: import_roster(s, "roster.xlsx", workbook))
            assert result.created["households"] == counts["households"], result
            record("import xlsx (read+validate+write)", elapsed)
        if args.memory:
            url = target.fresh()
            memory = {"csv import": traced_peak(url, lambda s: import_files(s, csv_list)),
                      "csv re-import": traced_peak(url, lambda s: import_files(s, csv_list))}
            if workbook is not None:
                memory["xlsx import"] = traced_peak(target.fresh(), lambda s: import_roster(s, "roster.xlsx", workbook))

    measured = {name: wall for name, wall, _cpu in results}
    cpu_seconds = {name: c for name, _wall, c in results}
    print()
    print(f"{'step':<36}{'wall s':>9}{'CPU s':>9}{'rows/s':>11}")
    for name, seconds, cpu in results:
        print(f"{name:<36}{seconds:>9.2f}{cpu:>9.2f}{data_rows / seconds:>11,.0f}")
    print()
    ratios = [("import csv", "baseline: csv.reader pass")]
    if workbook is not None:
        ratios.append(("import xlsx", "baseline: openpyxl read-only pass"))
    for step, read in ratios:
        name = f"{step} (read+validate+write)"
        tables = [("wall", measured)]
        if args.database_url is None:  # SQLite works in this process: its CPU time is the cost
            tables.append(("CPU", cpu_seconds))
        for label, table in tables:
            floor = table[read] + table["baseline: plain bulk insert"]
            print(f"{step} / ({read[10:]} + plain bulk insert), {label}: {table[name] / floor:.2f}")
    if args.memory:
        for kind, peak in memory.items():
            print(f"peak Python allocations, {kind} (tracemalloc): {peak / 2**20:,.0f} MiB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:,.0f} MB (the roster, its files and the baselines' rows too)")
    print("CPU s = this process only: on PostgreSQL the server's work shows in wall time alone;"
          " wall time also grows when other processes compete for the CPUs.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
