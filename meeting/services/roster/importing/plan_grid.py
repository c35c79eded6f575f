"""The villages list: townships and work areas are created from it, villages keyed by code.

Townships are identified by their code when the file gives one, else by name (unique in
the model); work areas by code, else by (township, name). Missing codes are generated from
the names, so the same file always yields the same codes.
"""
from __future__ import annotations

import hashlib

from flask_babel import gettext as _

from meeting.services.roster.importing.snapshot import Snapshot
from meeting.services.roster.importing.validate import BoundSheet, Errors, Plan, parse_rows

KIND = "villages"


def generated_code(prefix: str, *names: str) -> str:
    """A stable code derived from names (the same names give the same code on every import)."""
    digest = hashlib.sha1("\x1f".join(names).encode("utf-8")).hexdigest()[:10].upper()
    return f"{prefix}{digest}"


def plan_villages(sheet: BoundSheet, snap: Snapshot, plan: Plan, errors: Errors) -> None:
    """Validate the villages list and fill plan.townships, plan.work_areas, plan.villages."""
    headers = sheet.headers
    rows = []
    first_row_of_code: dict[str, int] = {}
    for number, values, ok in parse_rows(sheet, errors):
        plan.rows += 1
        code = values.get("code")
        if code:
            plan.village_codes.add(code)
            if code in first_row_of_code:
                errors.add(KIND, number, headers["code"],
                           _("Village code %(code)s already appears in row %(row)d.",
                             code=code, row=first_row_of_code[code]))
                ok = False
            else:
                first_row_of_code[code] = number
        rows.append((number, values, ok))

    _plan_townships(rows, headers, snap, plan, errors)
    wa_codes = _plan_work_areas(rows, headers, snap, plan, errors)
    for number, values, ok in rows:
        key = (values.get("township"), values.get("work_area"))
        if ok and key in wa_codes:
            plan.villages.append((values["code"], values["name"], wa_codes[key],
                                  plan.township_names[key[0]]))


def _agree(entry: dict, field: str, value: object, number: int) -> tuple | None:
    """Record the first non-empty value of `field`; return the earlier (value, row) on a clash."""
    if not value:
        return None
    if field not in entry:
        entry[field] = (value, number)
        return None
    return entry[field] if entry[field][0] != value else None


def _plan_townships(rows: list, headers: dict, snap: Snapshot, plan: Plan, errors: Errors) -> None:
    towns: dict[str, dict] = {}
    for number, values, _ok in rows:
        name = values.get("township")
        if not name:
            continue
        entry = towns.setdefault(name, {})
        clash = _agree(entry, "code", values.get("township_code"), number)
        if clash:
            errors.add(KIND, number, headers["township_code"],
                       _("Township %(name)s has the code %(code)s in row %(row)d.",
                         name=name, code=clash[0], row=clash[1]))
        clash = _agree(entry, "kind", values.get("township_kind"), number)
        if clash:
            errors.add(KIND, number, headers["township_kind"],
                       _("Township %(name)s has another type in row %(row)d.", name=name, row=clash[1]))
    owner: dict[str, str] = {}
    for name, entry in towns.items():
        if "code" in entry:
            code, number = entry["code"]
            if code in owner:
                errors.add(KIND, number, headers["township_code"],
                           _("The code %(code)s is also given to the township %(other)s.",
                             code=code, other=owner[code]))
            owner[code] = name
    for name, entry in towns.items():
        given, number = entry.get("code", (None, 0))
        kind = entry.get("kind", (None, 0))[0]
        by_name = snap.township_code_by_name.get(name)
        if given and given in snap.townships:
            existing_id = snap.townships[given][0]
            if by_name and by_name != given:
                errors.add(KIND, number, headers["township_code"],
                           _("The name %(name)s already belongs to the township with code %(code)s.",
                             name=name, code=by_name))
            code = given
        elif by_name:
            existing_id = snap.townships[by_name][0]
            code = given or by_name  # a newly given code replaces the stored one
        else:
            existing_id = None
            code = given or _free(generated_code("T", name), snap.townships, owner)
        plan.townships[code] = (name, kind, existing_id)
        plan.township_names[name] = code


def _plan_work_areas(rows: list, headers: dict, snap: Snapshot, plan: Plan,
                     errors: Errors) -> dict[tuple[str, str], str]:
    areas: dict[tuple[str, str], dict] = {}
    for number, values, _ok in rows:
        key = (values.get("township"), values.get("work_area"))
        if not key[0] or not key[1]:
            continue
        entry = areas.setdefault(key, {})
        clash = _agree(entry, "code", values.get("work_area_code"), number)
        if clash:
            errors.add(KIND, number, headers["work_area_code"],
                       _("Work area %(name)s has the code %(code)s in row %(row)d.",
                         name=key[1], code=clash[0], row=clash[1]))
    owner: dict[str, tuple[str, str]] = {}
    for key, entry in areas.items():
        if "code" in entry:
            code, number = entry["code"]
            if code in owner:
                errors.add(KIND, number, headers["work_area_code"],
                           _("The code %(code)s is also given to the work area %(other)s.",
                             code=code, other="/".join(owner[code])))
            owner[code] = key
    codes: dict[tuple[str, str], str] = {}
    for key, entry in areas.items():
        given = entry.get("code", (None, 0))[0]
        township_code = plan.township_names[key[0]]
        township_id = plan.townships[township_code][2]
        by_key = snap.work_area_code_by_key.get((township_id, key[1])) if township_id else None
        if given and given in snap.work_areas:
            existing_id, code = snap.work_areas[given][0], given
        elif by_key:
            existing_id, code = snap.work_areas[by_key][0], given or by_key
        else:
            existing_id = None
            code = given or _free(generated_code("W", key[0], key[1]), snap.work_areas, owner)
        plan.work_areas[code] = (key[1], township_code, existing_id)
        codes[key] = code
    return codes


def _free(code: str, *taken: dict) -> str:
    """`code`, or `code-2`, `code-3`… if a stored or given code already has it (hash clash)."""
    candidate, n = code, 1
    while any(candidate in t for t in taken):
        n += 1
        candidate = f"{code}-{n}"
    return candidate
