"""Cadres (keyed by number), households (keyed by code) and demands (replaced per household).

References are checked against this import and the database; when the referenced list is in
the import but its header is broken (`trusted` False) its keys are unknown, so references to
it are not reported, to avoid a flood of consequential errors.
"""
from __future__ import annotations

from flask_babel import gettext as _

from meeting.services.roster.importing.formats import VOCAB_DEFAULTS
from meeting.services.roster.importing.snapshot import DEMAND_FIELDS, Snapshot
from meeting.services.roster.importing.validate import BoundSheet, Errors, Plan, parse_rows

_DEMAND_DEFAULTS = {"category": "", "status": VOCAB_DEFAULTS["status"], "level": None,
                    "public_answer": "", "raised_on": None, "resolved_on": None, "private": False}


def plan_cadres(sheet: BoundSheet, snap: Snapshot, plan: Plan, errors: Errors,
                trusted: dict[str, bool]) -> None:
    """Validate the cadres list into plan.cadres (dicts of the present columns)."""
    kind, headers = "cadres", sheet.headers
    first_row: dict[int, int] = {}
    for number, values, ok in parse_rows(sheet, errors):
        plan.rows += 1
        cadre_number = values.get("number")
        if cadre_number is not None:
            plan.cadre_numbers.add(cadre_number)
            if cadre_number in first_row:
                errors.add(kind, number, headers["number"],
                           _("Cadre number %(number)s already appears in row %(row)d.",
                             number=cadre_number, row=first_row[cadre_number]))
                ok = False
            else:
                first_row[cadre_number] = number
        township = values.pop("township", None)
        if "township" in headers:
            code = None
            if township:
                code = (plan.township_names.get(township)
                        or (township if township in plan.townships else None)
                        or snap.township_code_for(township))
                if code is None and trusted["villages"]:
                    errors.add(kind, number, headers["township"],
                               _("No township is called %(name)s (neither in the database nor in "
                                 "this import).", name=township))
                    ok = False
            values["township_code"] = code
        village = values.get("village_code")
        if village and village not in plan.village_codes and village not in snap.villages \
                and trusted["villages"]:
            errors.add(kind, number, headers["village_code"], _unknown_village(village))
            ok = False
        if ok:
            plan.cadres.append(values)


def plan_households(sheet: BoundSheet, snap: Snapshot, plan: Plan, errors: Errors,
                    trusted: dict[str, bool]) -> None:
    """Validate the households list into plan.households."""
    kind, headers = "households", sheet.headers
    has_phone = "phone" in sheet.present
    first_row: dict[str, int] = {}
    for number, values, ok in parse_rows(sheet, errors):
        plan.rows += 1
        code = values.get("code")
        if code:
            plan.household_codes.add(code)
            if code in first_row:
                errors.add(kind, number, headers["code"],
                           _("Household code %(code)s already appears in row %(row)d.",
                             code=code, row=first_row[code]))
                ok = False
            else:
                first_row[code] = number
        village = values.get("village_code")
        if village and village not in plan.village_codes and village not in snap.villages \
                and trusted["villages"]:
            errors.add(kind, number, headers["village_code"], _unknown_village(village))
            ok = False
        cadre = values.get("cadre_number")
        if cadre is not None and cadre not in plan.cadre_numbers and cadre not in snap.cadres \
                and trusted["cadres"]:
            errors.add(kind, number, headers["cadre_number"],
                       _("No cadre has the number %(number)s (neither in the database nor in "
                         "this import).", number=cadre))
            ok = False
        if ok:
            phone = values["phone"] if has_phone else None
            plan.households.append((code, values["name"], village, phone, cadre))


def plan_demands(sheet: BoundSheet, snap: Snapshot, plan: Plan, errors: Errors,
                 trusted: dict[str, bool]) -> None:
    """Validate the demands list into plan.demands, grouped by household code."""
    kind, headers = "demands", sheet.headers
    for number, values, ok in parse_rows(sheet, errors):
        plan.rows += 1
        code = values.get("household_code")
        if code and code not in plan.household_codes and code not in snap.households \
                and trusted["households"]:
            errors.add(kind, number, headers["household_code"],
                       _("No household has the code %(code)s (neither in the database nor in "
                         "this import).", code=code))
            ok = False
        raised, resolved = values.get("raised_on"), values.get("resolved_on")
        if raised and resolved and resolved < raised:
            errors.add(kind, number, headers["resolved_on"],
                       _("The resolution date is before the date the demand was raised."))
            ok = False
        if ok:
            demand = tuple(values.get(f, _DEMAND_DEFAULTS.get(f)) for f in DEMAND_FIELDS)
            plan.demands.setdefault(code, []).append(demand)


def _unknown_village(code: str) -> str:
    return _("No village has the code %(code)s (neither in the database nor in this import).",
             code=code)
