"""Write a validated plan: bulk inserts (COPY on PostgreSQL) and executemany updates, one transaction.

Only rows whose values differ from the snapshot are rewritten, so re-importing the same file
touches nothing. Ids of rows created here are read back with one query per table.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator

import sqlalchemy as sa

from meeting.models import Cadre, Demand, Household, Township, Village, WorkArea
from meeting.services.roster.importing.snapshot import CADRE_COLUMNS, DEMAND_FIELDS, Snapshot
from meeting.services.roster.importing.types import ImportResult
from meeting.services.roster.importing.validate import Plan

CHUNK = 5000  # rows per executemany: bounded memory, few round trips
IN_CHUNK = 500  # keys per IN (...) list: far below every backend's parameter limit


def apply_plan(conn: sa.Connection, plan: Plan, snap: Snapshot) -> ImportResult:
    """Insert and update everything in `plan`; the caller commits."""
    result = ImportResult(kinds=list(plan.kinds))
    townships = {code: row[0] for code, row in snap.townships.items()}
    villages = {code: (row[0], row[3]) for code, row in snap.villages.items()}
    if "villages" in plan.kinds:
        townships, villages = _write_grid(conn, plan, snap, result)
    cadres = {number: row[0] for number, row in snap.cadres.items()}
    if "cadres" in plan.kinds:
        cadres = _write_cadres(conn, plan, snap, townships, villages, result)
    new_households: set[str] = set()
    if "households" in plan.kinds:
        new_households = _write_households(conn, plan, snap, villages, cadres, result)
    if "demands" in plan.kinds:
        _write_demands(conn, plan, snap, new_households, result)
    return result


def _chunks(rows: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(conn: sa.Connection, table: sa.Table, rows: Iterable[dict]) -> None:
    """Core executemany; on PostgreSQL COPY, about 2.5× faster there (measured) than executemany.

    Every row of one call has the same keys. One statement per chunk keeps each well inside
    the configured statement_timeout.
    """
    use_copy = conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg"
    for batch in _chunks(rows):
        if not use_copy:
            conn.execute(sa.insert(table), batch)
            continue
        columns = list(batch[0])
        quote = conn.dialect.identifier_preparer.quote
        sql = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
        with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in batch:
                copy.write_row([row[c] for c in columns])


def _update(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """executemany UPDATE … WHERE id = :b_id; rows are grouped by the set of columns they set."""
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        keys = tuple(sorted(k for k in row if k != "id"))
        groups.setdefault(keys, []).append({f"b_{k}": v for k, v in row.items()})
    for keys, params in groups.items():
        stmt = (sa.update(table).where(table.c.id == sa.bindparam("b_id"))
                .values({k: sa.bindparam(f"b_{k}") for k in keys}))
        for batch in _chunks(params):
            conn.execute(stmt, batch)


def _count(result: ImportResult, kind: str, created: int, updated: int) -> None:
    result.created[kind] = result.created.get(kind, 0) + created
    result.updated[kind] = result.updated.get(kind, 0) + updated


def _write_grid(conn: sa.Connection, plan: Plan, snap: Snapshot,
                result: ImportResult) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    old_towns = {row[0]: (code, row[1], row[2]) for code, row in snap.townships.items()}
    inserts, updates = [], []
    for code, (name, kind, existing_id) in plan.townships.items():
        if existing_id is None:
            inserts.append({"code": code, "name": name, "kind": kind or "township"})
            continue
        old = old_towns[existing_id]
        new = (code, name, kind or old[2])
        if new != old:
            updates.append({"id": existing_id, "code": code, "name": name, "kind": new[2]})
    _update(conn, Township.__table__, updates)
    _insert(conn, Township.__table__, inserts)
    _count(result, "townships", len(inserts), len(plan.townships) - len(inserts))
    townships = dict(conn.execute(sa.select(Township.code, Township.id)).all())

    old_areas = {row[0]: (code, row[1], row[2]) for code, row in snap.work_areas.items()}
    inserts, updates = [], []
    for code, (name, township_code, existing_id) in plan.work_areas.items():
        new = {"code": code, "name": name, "township_id": townships[township_code]}
        if existing_id is None:
            inserts.append(new)
        elif old_areas[existing_id] != (code, name, new["township_id"]):
            updates.append({"id": existing_id, **new})
    _update(conn, WorkArea.__table__, updates)
    _insert(conn, WorkArea.__table__, inserts)
    _count(result, "work_areas", len(inserts), len(plan.work_areas) - len(inserts))
    areas = dict(conn.execute(sa.select(WorkArea.code, WorkArea.id)).all())

    inserts, updates = [], []
    for code, name, area_code, township_code in plan.villages:
        new = {"code": code, "name": name, "work_area_id": areas[area_code],
               "township_id": townships[township_code]}
        old = snap.villages.get(code)
        if old is None:
            inserts.append(new)
        elif old[1:] != (name, new["work_area_id"], new["township_id"]):
            updates.append({"id": old[0], **new})
    _update(conn, Village.__table__, updates)
    _insert(conn, Village.__table__, inserts)
    _count(result, "villages", len(inserts), len(plan.villages) - len(inserts))
    villages = {code: (id_, tw) for code, id_, tw in
                conn.execute(sa.select(Village.code, Village.id, Village.township_id))}
    return townships, villages


def _write_cadres(conn: sa.Connection, plan: Plan, snap: Snapshot, townships: dict[str, int],
                  villages: dict[str, tuple[int, int]], result: ImportResult) -> dict[int, int]:
    inserts, updates = [], []
    for record in plan.cadres:
        values = {k: record[k] for k in ("name", "position", "unit", "rank", "phone") if k in record}
        village_id = village_township = None
        if "village_code" in record:
            if record["village_code"]:
                village_id, village_township = villages[record["village_code"]]
            values["village_id"] = village_id
        if "township_code" in record:
            code = record["township_code"]
            values["township_id"] = townships[code] if code else village_township
        elif "village_code" in record and village_township is not None:
            values["township_id"] = village_township  # a cadre's village says their township
        old = snap.cadres.get(record["number"])
        if old is None:
            inserts.append({"number": record["number"], "position": "", "unit": "", "rank": "cadre",
                            "township_id": None, "village_id": None, "phone": "", "active": True,
                            **values})
        elif any(old[1 + CADRE_COLUMNS.index(k)] != v for k, v in values.items()):
            updates.append({"id": old[0], **values})
    _update(conn, Cadre.__table__, updates)
    _insert(conn, Cadre.__table__, inserts)
    _count(result, "cadres", len(inserts), len(plan.cadres) - len(inserts))
    return dict(conn.execute(sa.select(Cadre.number, Cadre.id)).all())


def _write_households(conn: sa.Connection, plan: Plan, snap: Snapshot,
                      villages: dict[str, tuple[int, int]], cadres: dict[int, int],
                      result: ImportResult) -> set[str]:
    updates: list[dict] = []
    new_codes: set[str] = set()

    def inserts() -> Iterator[dict]:
        for code, name, village_code, phone, cadre_number in plan.households:
            village_id, cadre_id = villages[village_code][0], cadres[cadre_number]
            old = snap.households.get(code)
            if old is None:
                new_codes.add(code)
                yield {"code": code, "name": name, "village_id": village_id,
                       "phone": phone or "", "cadre_id": cadre_id}
                continue
            # old = (id, name, village_id, phone, cadre_id); phone None = column absent: keep
            if (name, village_id, cadre_id) != (old[1], old[2], old[4]) or \
                    (phone is not None and phone != old[3]):
                row = {"id": old[0], "name": name, "village_id": village_id, "cadre_id": cadre_id}
                if phone is not None:
                    row["phone"] = phone
                updates.append(row)

    _insert(conn, Household.__table__, inserts())
    _update(conn, Household.__table__, updates)
    _count(result, "households", len(new_codes), len(plan.households) - len(new_codes))
    return new_codes


def _write_demands(conn: sa.Connection, plan: Plan, snap: Snapshot, new_households: set[str],
                   result: ImportResult) -> None:
    ids = {code: row[0] for code, row in snap.households.items()}
    wanted = [code for code in plan.demands if code not in ids]
    for batch in _chunks(wanted, IN_CHUNK):
        ids.update(conn.execute(sa.select(Household.code, Household.id)
                                .where(Household.code.in_(batch))).all())
    stale, inserts = [], []
    created = updated = 0
    for code, demands in plan.demands.items():
        household_id = ids[code]
        old = snap.demands.get(household_id, Counter()) if code not in new_households else Counter()
        old_count = sum(old.values())
        kept = min(old_count, len(demands))
        updated += kept
        created += len(demands) - kept
        if old == Counter(demands):
            continue  # same demands: nothing to rewrite
        if old_count:
            stale.append(household_id)
        inserts.extend({"household_id": household_id, **dict(zip(DEMAND_FIELDS, d))} for d in demands)
    table = Demand.__table__
    for batch in _chunks(stale, IN_CHUNK):
        conn.execute(sa.delete(table).where(table.c.household_id.in_(batch)))
    _insert(conn, table, inserts)
    _count(result, "demands", created, updated)
