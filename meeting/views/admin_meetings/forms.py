"""Plain HTML forms of the meeting set-up pages: parse, check field by field, re-render.

The services validate again (and are the authority); the checks here exist to put a
translated message next to the very field that is wrong, using the same validators
(scoring.rubric.rubric_from_json, scoring.aggregate.bands_from_json).
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from flask_babel import gettext as _

from meeting.models import RANKS, Meeting
from meeting.services.setup.overview import TownshipRow
from scoring.aggregate import DEFAULT_BANDS, DEFAULT_RULE, RULES, BandError, bands_from_json, bands_to_json
from scoring.rubric import (DEFAULT_RUBRIC, EXACT, FULL_MARK, MAX_CRITERIA, InputError, RubricError, decimal_str,
                            parse_number, rubric_from_json, rubric_to_json)

CRIT_FIELDS = ("key", "label_zh", "label_en", "weight", "min", "max", "step")
BAND_FIELDS = ("key", "label_zh", "label_en", "min")
NUMERIC = {"weight", "min", "max", "step"}
MAX_BANDS = 10
# The ranges meetings._clean_settings enforces (it stays the authority; these give field messages).
ROUNDS_RANGE = (1, 200)
QUORUM_RANGE = (1, 99)
_WHERE = re.compile(r"(criteria|bands)\[(\d+)\]\.(\w+)")


def nfkc(value: str) -> str:
    """Full-width digits and punctuation typed with a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", value).strip()


def _int_in(raw: str, low: int, high: int) -> int | None:
    text = nfkc(raw)
    if not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _whole_number_message(low: int, high: int) -> str:
    return _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)


def _rows(form: Mapping[str, str], prefix: str, fields: tuple[str, ...], limit: int) -> list[dict[str, str]]:
    count = _int_in(form.get(f"{prefix}_rows", "0"), 0, limit) or 0
    return [{f: (form.get(f"{prefix}-{i}-{f}") or "").strip() for f in fields} for i in range(count)]


def _field_message(code: str, column: str) -> str:
    """A translated message for a rubric/band validation code, as shown next to one cell."""
    if code == "missing":
        return _("Required.")
    if code == "format" and column == "key":
        return _("Use lowercase letters, digits and _, starting with a letter.")
    if code in ("format", "type", "not_finite"):
        return _("Not a plain number (for example 30 or 0.5).")
    if code == "too_long":
        return _("Too long.")
    if code == "duplicate":
        return _("This key is used twice.")
    if code == "label":
        return _("Required; keep it short.") if column == "label_zh" else _("Too long.")
    if code == "not_positive":
        return _("Must be greater than 0.")
    if code == "negative":
        return _("Must be 0 or more.")
    if code == "empty_range":
        return _("Must be greater than the minimum.")
    if code == "off_step":
        return _("Max minus min must be a whole number of steps.")
    if code == "too_many_choices":
        return _("Too many steps between min and max (at most 1000).")
    if code == "out_of_range":
        return _("A number from 0 to 100.")
    if code == "order":
        return _("Each band must start lower than the band above it.")
    if code == "bottom":
        return _("The lowest band must start at 0.")
    return _("Not valid.")


def weighted_full_mark(criteria: list[dict[str, str]]) -> str | None:
    """Sum of weight × max over filled rows, exactly (None while a number is unreadable)."""
    total = Decimal(0)
    try:
        with decimal.localcontext(EXACT):
            for row in criteria:
                if any(row.values()):
                    total += (parse_number(nfkc(row.get("weight") or "1"), "", InputError)
                              * parse_number(nfkc(row.get("max") or ""), "", InputError))
    except (InputError, decimal.DecimalException):
        return None
    return decimal_str(total)


@dataclass
class SettingsForm:
    """The meeting settings form: values as typed, rubric and band rows, errors by field name."""

    values: dict[str, Any]
    criteria: list[dict[str, str]]
    bands: list[dict[str, str]]
    scoring: bool = True
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def defaults(cls) -> "SettingsForm":
        """A new meeting: the Yishui defaults (rubric, bands, trimmed mean)."""
        values = {"title": "", "date": "", "venue": "", "branch_venues": "", "rounds_planned": "10",
                  "quorum": "5", "aggregation": DEFAULT_RULE, "show_juror_names": False, "rehearsal": False}
        return cls(values, rubric_to_json(DEFAULT_RUBRIC), bands_to_json(DEFAULT_BANDS))

    @classmethod
    def from_meeting(cls, meeting: Meeting) -> "SettingsForm":
        """The stored settings of a meeting."""
        values = {"title": meeting.title, "date": meeting.date.isoformat() if meeting.date else "",
                  "venue": meeting.venue, "branch_venues": "\n".join(meeting.branch_venues or []),
                  "rounds_planned": str(meeting.rounds_planned), "quorum": str(meeting.quorum),
                  "aggregation": meeting.aggregation, "show_juror_names": meeting.show_juror_names,
                  "rehearsal": meeting.rehearsal}
        criteria = [{f: str(c.get(f, "")) for f in CRIT_FIELDS} for c in meeting.rubric or []]
        bands = [{f: str(b.get(f, "")) for f in BAND_FIELDS} for b in meeting.grade_bands or []]
        return cls(values, criteria, bands, scoring=meeting.status == "setup")

    @classmethod
    def from_post(cls, form: Mapping[str, str], scoring: bool) -> "SettingsForm":
        """What was posted. `scoring`: whether rubric, bands, rule and quorum are part of it."""
        values = {k: (form.get(k) or "").strip() for k in ("title", "date", "venue", "rounds_planned",
                                                            "quorum", "aggregation")}
        values["branch_venues"] = form.get("branch_venues") or ""
        values["show_juror_names"] = form.get("show_juror_names") == "1"
        values["rehearsal"] = form.get("rehearsal") == "1"
        criteria = _rows(form, "crit", CRIT_FIELDS, MAX_CRITERIA + 1)
        bands = _rows(form, "band", BAND_FIELDS, MAX_BANDS + 1)
        return cls(values, criteria, bands, scoring=scoring)

    def apply_op(self, op: str) -> bool:
        """Add or remove a rubric/band row (no saving); False if `op` is not a row edit."""
        kind, _sep, index = op.partition(":")
        rows = {"crit": self.criteria, "band": self.bands}.get(kind.split("_")[-1])
        if rows is None or kind.split("_")[0] not in ("add", "remove"):
            return False
        if kind.startswith("add"):
            limit = MAX_CRITERIA if rows is self.criteria else MAX_BANDS
            fields = CRIT_FIELDS if rows is self.criteria else BAND_FIELDS
            if len(rows) < limit:
                rows.append({f: "" for f in fields})
            return True
        if index.isdigit() and int(index) < len(rows):
            del rows[int(index)]
        return True

    @property
    def full_mark(self) -> str | None:
        """The weighted full mark of the rubric rows as typed."""
        return weighted_full_mark(self.criteria)

    def data(self) -> dict[str, Any] | None:
        """The settings for meetings.create_meeting/update_meeting, or None with self.errors filled."""
        self.errors = {}
        v = self.values
        out: dict[str, Any] = {"title": v["title"], "venue": v["venue"], "date": nfkc(v["date"]),
                               "branch_venues": v["branch_venues"], "show_juror_names": v["show_juror_names"]}
        if not v["title"] or len(v["title"]) > 200:
            self.errors["title"] = _("Enter a title of 1 to 200 characters.")
        if out["date"]:
            try:
                dt.date.fromisoformat(out["date"])
            except ValueError:
                self.errors["date"] = _("Enter the date as YYYY-MM-DD.")
        rounds = _int_in(v["rounds_planned"], *ROUNDS_RANGE)
        if rounds is None:
            self.errors["rounds_planned"] = _whole_number_message(*ROUNDS_RANGE)
        out["rounds_planned"] = rounds
        if self.scoring:
            quorum = _int_in(v["quorum"], *QUORUM_RANGE)
            if quorum is None:
                self.errors["quorum"] = _whole_number_message(*QUORUM_RANGE)
            out["quorum"] = quorum
            if v["aggregation"] not in RULES:
                self.errors["aggregation"] = _("Choose one of the aggregation rules.")
            out["aggregation"] = v["aggregation"]
            out["rubric"] = self._checked("criteria", self.criteria, CRIT_FIELDS)
            out["grade_bands"] = self._checked("bands", self.bands, BAND_FIELDS)
        return None if self.errors else out

    def _checked(self, what: str, rows: list[dict[str, str]], fields: tuple[str, ...]) -> list[dict[str, str]]:
        """Rows as JSON items (empty rows dropped, empty optional cells left to their defaults),
        checked with the scoring validator; the first problem is put on its cell."""
        items, where = [], []
        for i, row in enumerate(rows):
            if not any(row.values()):
                continue
            # An empty cell is left out: the validator then says "missing" or applies its default.
            items.append({f: (nfkc(row[f]) if f in NUMERIC else row[f]) for f in fields if row[f]})
            where.append(i)
        prefix, table = ("crit", "rubric") if what == "criteria" else ("band", "bands")
        try:
            (rubric_from_json if what == "criteria" else bands_from_json)(items)
        except (RubricError, BandError) as exc:
            match = _WHERE.fullmatch(exc.field)
            if match and int(match.group(2)) < len(where):
                column = match.group(3)
                self.errors[f"{prefix}-{where[int(match.group(2))]}-{column}"] = _field_message(exc.code, column)
                self.errors[table] = _("Correct the marked cell.")
            elif exc.code == "full_mark":
                self.errors[table] = _("The full mark (the sum of weight × max) must be %(full)s; it is now "
                                       "%(total)s.", full=decimal_str(FULL_MARK), total=self.full_mark or "?")
            elif exc.code == "count" and what == "criteria":
                self.errors[table] = _("A rubric has 1 to %(n)s criteria.", n=MAX_CRITERIA)
            elif exc.code == "count":
                self.errors[table] = _("There are 1 to %(n)s grade bands.", n=MAX_BANDS)
            else:
                self.errors[table] = _field_message(exc.code, "")
        return items


@dataclass
class PlanForm:
    """The draw plan form: the kind, the ranks kept, draws, and per township an order and draws."""

    kind: str
    draws: str
    ranks: list[str]
    strata: list[dict[str, Any]]
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_plan(cls, plan: Mapping[str, Any], townships: list[TownshipRow], rounds_planned: int) -> "PlanForm":
        """The stored (canonical) plan, or a whole-pool plan with the planned rounds."""
        by_code = {t.code: t for t in townships}
        strata: list[dict[str, Any]] = []
        kind = plan.get("kind") or "whole"
        draws = str(rounds_planned)
        if kind == "strata":
            for n, s in enumerate(plan.get("strata") or [], start=1):
                t = by_code.get(s["key"])
                strata.append(_stratum(s["key"], t, str(n), str(s["draws"])))
        elif plan.get("strata"):
            draws = str(plan["strata"][0]["draws"])
        chosen = {s["code"] for s in strata}
        strata += [_stratum(t.code, t, "", "") for t in townships if t.code not in chosen]
        return cls(kind, draws, list(plan.get("ranks") or []), strata)

    @classmethod
    def from_post(cls, form: Any, townships: list[TownshipRow]) -> "PlanForm":
        """What was posted (township rows in the posted order)."""
        by_code = {t.code: t for t in townships}
        strata = []
        for i in range(_int_in(form.get("st_rows", "0"), 0, 10_000) or 0):
            code = (form.get(f"st-{i}-code") or "").strip()
            if code:
                strata.append(_stratum(code, by_code.get(code), (form.get(f"st-{i}-order") or "").strip(),
                                       (form.get(f"st-{i}-draws") or "").strip()))
        return cls((form.get("kind") or "").strip(), (form.get("draws") or "").strip(),
                   [r for r in form.getlist("ranks") if r], strata)

    def plan(self) -> dict[str, Any] | None:
        """The plan for draw_plan.save_draw_plan, or None with self.errors filled."""
        self.errors = {}
        bad_ranks = [r for r in self.ranks if r not in RANKS]
        if bad_ranks:
            self.errors["ranks"] = _("Unknown rank.")
        if self.kind in ("whole", "filter"):
            draws = _int_in(self.draws, 1, 1_000_000)
            if draws is None:
                self.errors["draws"] = _whole_number_message(1, 1_000_000)
            if self.kind == "filter" and not self.ranks:
                self.errors["ranks"] = _("Choose at least one rank to keep.")
            # Ranks ticked with "whole pool" make it a filtered pool (normalise_plan says "filter").
            return None if self.errors else {"kind": self.kind, "draws": draws, "ranks": self.ranks}
        if self.kind != "strata":
            self.errors["kind"] = _("Choose how cadres are drawn.")
            return None
        chosen = []
        for position, row in enumerate(self.strata):
            if not row["draws"] or nfkc(row["draws"]) == "0":
                continue
            draws = _int_in(row["draws"], 1, 1_000_000)
            order = _int_in(row["order"], 1, 10_000) if row["order"] else 10_001
            if draws is None:
                self.errors[f"st-{position}-draws"] = _whole_number_message(0, 1_000_000)
            if order is None:
                self.errors[f"st-{position}-order"] = _whole_number_message(1, 10_000)
            chosen.append((order or 0, position, {"key": row["code"], "draws": draws}))
        if not chosen and not self.errors:
            self.errors["strata"] = _("Give at least one township a number of draws.")
        if self.errors:
            return None
        chosen.sort(key=lambda c: c[:2])  # by order, then by the row's place in the table
        return {"kind": "strata", "ranks": self.ranks, "strata": [s for _o, _p, s in chosen]}


def _stratum(code: str, township: TownshipRow | None, order: str, draws: str) -> dict[str, Any]:
    return {"code": code, "name": township.name if township else code,
            "count": township.count() if township else 0, "order": order, "draws": draws}
