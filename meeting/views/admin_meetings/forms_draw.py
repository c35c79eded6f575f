"""The draw plan form: the kind, the ranks kept, draws, and per township an order and draws."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, Form, FormField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, ValidationError

from meeting.models import RANKS
from meeting.services.setup.overview import TownshipRow
from meeting.views.admin_meetings.forms import (WholeNumber, add_error, flat_errors, nfkc, strip, whole_number,
                                                whole_number_message)
from scoring.pool import MAX_DRAWS_PER_STRATUM

KINDS = ("whole", "filter", "strata")
# The order column of the township table (a page-only rule: the plan stores the order itself).
MAX_ORDER = 10_000
MAX_TOWNSHIP_ROWS = 10_000


class StratumRow(Form):
    """One township of the table: its code (hidden), an order and a number of draws as typed."""

    code = StringField(filters=[strip])
    order = StringField(filters=[nfkc])
    draws = StringField(filters=[nfkc])


class PlanForm(FlaskForm):
    """The draw plan. Township rows carry the township's name and size for the page."""

    kind = StringField(filters=[strip], validators=[AnyOf(KINDS, message=_l("Choose how cadres are drawn."))])
    draws = StringField(filters=[nfkc])
    ranks = SelectMultipleField(choices=list(RANKS), validate_choice=False)
    st = FieldList(FormField(StratumRow), max_entries=MAX_TOWNSHIP_ROWS)
    # Optional: draws from the cadres with an overdue case, first (services/draw/pool.py: 督办逾期)
    overdue = StringField(filters=[nfkc])

    def __init__(self, *args: Any, townships: Sequence[TownshipRow] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.townships = {t.code: t for t in townships}
        sent = [entry.data for entry in self.st]
        if any(not row["code"] for row in sent):
            self.st.process(None, [row for row in sent if row["code"]])  # rows without a township: dropped

    @classmethod
    def from_plan(cls, plan: Mapping[str, Any], townships: list[TownshipRow], rounds_planned: int) -> "PlanForm":
        """The stored (canonical) plan, or a whole-pool plan with the planned rounds."""
        kind = plan.get("kind") or "whole"
        draws = str(rounds_planned)
        rows: list[dict[str, str]] = []
        if kind == "strata":
            rows = [{"code": s["key"], "order": str(n), "draws": str(s["draws"])}
                    for n, s in enumerate(plan.get("strata") or [], start=1)]
        elif plan.get("strata"):
            draws = str(plan["strata"][0]["draws"])
        chosen = {row["code"] for row in rows}
        rows += [{"code": t.code, "order": "", "draws": ""} for t in townships if t.code not in chosen]
        overdue = str((plan.get("overdue_stratum") or {}).get("draws") or "")
        return cls(formdata=None, townships=townships, kind=kind, draws=draws, ranks=list(plan.get("ranks") or []),
                   st=rows, overdue=overdue)

    @property
    def chosen_ranks(self) -> list[str]:
        """The ranks ticked."""
        return [r for r in self.ranks.data or [] if r]

    @property
    def strata(self) -> list[dict[str, Any]]:
        """The township rows for the page: code, name, active cadres, order and draws as typed."""
        out = []
        for entry in self.st:
            row, township = entry.data, self.townships.get(entry.data["code"])
            out.append({**row, "name": township.name if township else row["code"],
                        "count": township.count() if township else 0})
        return out

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field by HTML name ("draws", "st-2-order"), the table's under "strata"."""
        return flat_errors(self, {"st": "strata"})

    def validate_ranks(self, field: Field) -> None:
        """Known ranks; a filtered plan keeps at least one."""
        if any(r not in RANKS for r in self.chosen_ranks):
            raise ValidationError(_("Unknown rank."))
        if self.kind.data == "filter" and not self.chosen_ranks:
            raise ValidationError(_("Choose at least one rank to keep."))

    def validate_draws(self, field: Field) -> None:
        """The draws of a whole or filtered pool."""
        if self.kind.data in ("whole", "filter"):
            WholeNumber(1, MAX_DRAWS_PER_STRATUM)(self, field)

    def validate_overdue(self, field: Field) -> None:
        """Empty (no such stratum), or a whole number of draws with a plan by township."""
        if not field.data:
            return
        if self.kind.data != "strata":
            raise ValidationError(_("The stratum of cadres with overdue cases needs a plan by township."))
        WholeNumber(1, MAX_DRAWS_PER_STRATUM)(self, field)

    def validate_st(self, field: FieldList) -> None:
        """A plan by township: each row drawn from has its draws and a valid order (or none);
        at least one row is drawn from."""
        if self.kind.data != "strata":
            return
        drawn = False
        for entry in field.entries:
            cells = entry.form
            if not cells.draws.data or cells.draws.data == "0":
                continue
            drawn = True
            if whole_number(cells.draws.data, 1, MAX_DRAWS_PER_STRATUM) is None:
                add_error(cells.draws, whole_number_message(0, MAX_DRAWS_PER_STRATUM))
            if cells.order.data and whole_number(cells.order.data, 1, MAX_ORDER) is None:
                add_error(cells.order, whole_number_message(1, MAX_ORDER))
        if not drawn and not self.field_errors:
            raise ValidationError(_("Give at least one township a number of draws."))

    def plan(self) -> dict[str, Any] | None:
        """The plan for draw_plan.save_draw_plan, or None if a field is wrong."""
        self.validate()
        if self.field_errors:
            return None
        kind = self.kind.data
        if kind in ("whole", "filter"):
            # Ranks ticked with "whole pool" make it a filtered pool (normalise_plan says "filter").
            return {"kind": kind, "draws": int(self.draws.data), "ranks": self.chosen_ranks}
        chosen = []
        for position, row in enumerate(entry.data for entry in self.st):
            if row["draws"] and row["draws"] != "0":
                order = int(row["order"]) if row["order"] else MAX_ORDER + 1
                chosen.append((order, position, {"key": row["code"], "draws": int(row["draws"])}))
        chosen.sort(key=lambda c: c[:2])  # by order, then by the row's place in the table
        plan = {"kind": "strata", "ranks": self.chosen_ranks, "strata": [s for _o, _p, s in chosen]}
        if self.overdue.data:
            plan["overdue_stratum"] = {"draws": int(self.overdue.data)}
        return plan
