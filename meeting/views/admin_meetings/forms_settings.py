"""The meeting settings form: the basics, the rule and quorum, the rubric and grade-band tables.

The tables are checked by the scoring core itself (scoring.rubric.rubric_from_json,
scoring.aggregate.bands_from_json); its first complaint is put on the very cell it names.
"""
from __future__ import annotations

import datetime as dt
import decimal
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, FieldList, Form, FormField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, ValidationError

from meeting.services.setup.meetings import ROUNDS_RANGE, TITLE_MAX
from meeting.views.admin_meetings.forms import WholeNumber, add_error, flat_errors, nfkc, strip
from scoring.aggregate import (BAND_MIN_RANGE, BANDS, DEFAULT_BANDS, DEFAULT_RULE, MAX_BANDS, QUORUM_RANGE, RULES,
                               BandError, bands_from_json, bands_to_json)
from scoring.rubric import (CRITERIA, DEFAULT_RUBRIC, EXACT, FULL_MARK, MAX_CRITERIA, MAX_STEPS, InputError,
                            RowRules, RubricError, decimal_str, parse_number, rubric_from_json, rubric_to_json)

if TYPE_CHECKING:
    from meeting.models import Meeting

CRIT_FIELDS = CRITERIA.fields
BAND_FIELDS = BANDS.fields
_WHERE = re.compile(r"(criteria|bands)\[(\d+)\]\.(\w+)")
_NOT_SENT = ("", "0", "false", "off")


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
        return _("Too many steps between min and max (at most %(n)s).", n=MAX_STEPS)
    if code == "out_of_range":
        return _("A number from %(low)s to %(high)s.", low=decimal_str(BAND_MIN_RANGE[0]),
                 high=decimal_str(BAND_MIN_RANGE[1]))
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


def _iso_date(form: Any, field: Field) -> None:
    if field.data:
        try:
            dt.date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(_("Enter the date as YYYY-MM-DD.")) from None


class CriterionRow(Form):
    """One rubric row as typed (numbers in NFKC, so ３０ is 30)."""

    key = StringField(filters=[strip])
    label_zh = StringField(filters=[strip])
    label_en = StringField(filters=[strip])
    weight = StringField(filters=[nfkc])
    min = StringField(filters=[nfkc])
    max = StringField(filters=[nfkc])
    step = StringField(filters=[nfkc])


class BandRow(Form):
    """One grade band as typed."""

    key = StringField(filters=[strip])
    label_zh = StringField(filters=[strip])
    label_en = StringField(filters=[strip])
    min = StringField(filters=[nfkc])


def _items(rows: FieldList) -> tuple[list[dict[str, str]], list[int]]:
    """Filled rows as JSON items (an empty cell left out: the core says "missing" or applies its
    default), and the row index of each item."""
    items, where = [], []
    for i, entry in enumerate(rows.entries):
        if any(entry.data.values()):
            items.append({f: v for f, v in entry.data.items() if v})
            where.append(i)
    return items, where


class SettingsForm(FlaskForm):
    """The settings of a meeting. `scoring`: whether the rubric, bands, rule and quorum are part
    of it (a live meeting's page has them disabled: they are shown, not sent, not checked)."""

    SCORING_FIELDS = ("quorum", "aggregation", "crit", "band", "anonymous_seats")

    title = StringField(filters=[strip], validators=[
        Length(min=1, max=TITLE_MAX, message=_l("Enter a title of 1 to 200 characters."))])
    date = StringField(filters=[nfkc], validators=[_iso_date])
    venue = StringField(filters=[strip])
    branch_venues = TextAreaField(filters=[lambda v: v or ""])
    rounds_planned = StringField(filters=[nfkc], validators=[WholeNumber(*ROUNDS_RANGE)])
    show_juror_names = BooleanField(false_values=_NOT_SENT)
    rehearsal = BooleanField(false_values=_NOT_SENT)
    anonymous_seats = BooleanField(false_values=_NOT_SENT)
    quorum = StringField(filters=[nfkc], validators=[WholeNumber(*QUORUM_RANGE)])
    aggregation = StringField(filters=[strip], validators=[
        AnyOf(RULES, message=_l("Choose one of the aggregation rules."))])
    crit = FieldList(FormField(CriterionRow), max_entries=MAX_CRITERIA + 1)
    band = FieldList(FormField(BandRow), max_entries=MAX_BANDS + 1)

    def __init__(self, *args: Any, scoring: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scoring = scoring

    @classmethod
    def defaults(cls) -> "SettingsForm":
        """A new meeting: the Yishui defaults (rubric, bands, trimmed mean)."""
        return cls(formdata=None, rounds_planned="10", quorum="5", aggregation=DEFAULT_RULE,
                   crit=rubric_to_json(DEFAULT_RUBRIC), band=bands_to_json(DEFAULT_BANDS))

    @classmethod
    def from_meeting(cls, meeting: Meeting) -> "SettingsForm":
        """The stored settings of a meeting."""
        form = cls(formdata=None, title=meeting.title, date=meeting.date.isoformat() if meeting.date else "",
                   venue=meeting.venue, branch_venues="\n".join(meeting.branch_venues or []),
                   rounds_planned=str(meeting.rounds_planned), show_juror_names=meeting.show_juror_names,
                   rehearsal=meeting.rehearsal, scoring=meeting.status == "setup")
        form.show_stored_scoring(meeting)
        return form

    def show_stored_scoring(self, meeting: Meeting) -> None:
        """Put the stored (fixed) rubric, bands, rule and quorum in the form, next to what was typed."""
        self.quorum.data, self.aggregation.data = str(meeting.quorum), meeting.aggregation
        self.anonymous_seats.data = bool(meeting.anonymous_seats)
        self.crit.process(None, [{f: str(c.get(f, "")) for f in CRIT_FIELDS} for c in meeting.rubric or []])
        self.band.process(None, [{f: str(b.get(f, "")) for f in BAND_FIELDS} for b in meeting.grade_bands or []])

    @property
    def criteria(self) -> list[dict[str, str]]:
        """The rubric rows as typed."""
        return [entry.data for entry in self.crit]

    @property
    def bands(self) -> list[dict[str, str]]:
        """The grade-band rows as typed."""
        return [entry.data for entry in self.band]

    @property
    def full_mark(self) -> str | None:
        """The weighted full mark of the rubric rows as typed."""
        return weighted_full_mark(self.criteria)

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field by HTML name; the tables' own under "rubric" and "bands"."""
        return flat_errors(self, {"crit": "rubric", "band": "bands"})

    def apply_op(self, op: str) -> bool:
        """Add or remove a rubric/band row (no saving); False if `op` is not a row edit."""
        kind, _sep, index = op.partition(":")
        verb, table = kind.split("_")[0], kind.split("_")[-1]
        rows = {"crit": self.crit, "band": self.band}.get(table)
        if rows is None or verb not in ("add", "remove"):
            return False
        if verb == "add":
            if len(rows) < (MAX_CRITERIA if rows is self.crit else MAX_BANDS):
                rows.append_entry()
            return True
        if index.isdigit() and int(index) < len(rows):
            kept = [entry.data for entry in rows]
            del kept[int(index)]
            rows.process(None, kept)  # renumbered: the rows below move up
        return True

    def validate(self, extra_validators: Any = None) -> bool:
        """Check every field sent; without `scoring`, the fixed fields are left alone."""
        if self.scoring:
            super().validate(extra_validators)
        else:
            fixed = {name: self._fields.pop(name) for name in self.SCORING_FIELDS}
            try:
                super().validate(extra_validators)
            finally:
                self._fields.update(fixed)
        return not self.field_errors

    def validate_crit(self, field: FieldList) -> None:
        """The rubric as the core sees it."""
        self._check_table(field, CRITERIA, rubric_from_json)

    def validate_band(self, field: FieldList) -> None:
        """The grade bands as the core sees them."""
        self._check_table(field, BANDS, bands_from_json)

    def _check_table(self, rows: FieldList, rules: RowRules, check: Callable[[Any], Any]) -> None:
        items, where = _items(rows)
        try:
            check(items)
        except (RubricError, BandError) as exc:
            match = _WHERE.fullmatch(exc.field)
            if match and int(match.group(2)) < len(where):
                column = match.group(3)
                entry = rows.entries[where[int(match.group(2))]]
                if column in entry.form:
                    add_error(entry.form[column], _field_message(exc.code, column))
                    raise ValidationError(_("Correct the marked cell.")) from None
            if exc.code == "full_mark":
                raise ValidationError(_("The full mark (the sum of weight × max) must be %(full)s; it is now "
                                        "%(total)s.", full=decimal_str(FULL_MARK), total=self.full_mark or "?")) \
                    from None
            if exc.code == "count" and rules is CRITERIA:
                raise ValidationError(_("A rubric has 1 to %(n)s criteria.", n=MAX_CRITERIA)) from None
            if exc.code == "count":
                raise ValidationError(_("There are 1 to %(n)s grade bands.", n=MAX_BANDS)) from None
            raise ValidationError(_field_message(exc.code, "")) from None

    def settings(self) -> dict[str, Any] | None:
        """The settings for meetings.create_meeting/update_meeting, or None if a field is wrong."""
        if not self.validate():
            return None
        out: dict[str, Any] = {"title": self.title.data, "venue": self.venue.data, "date": self.date.data,
                               "branch_venues": self.branch_venues.data,
                               "show_juror_names": self.show_juror_names.data,
                               "rounds_planned": int(self.rounds_planned.data)}
        if self.scoring:
            out.update(quorum=int(self.quorum.data), aggregation=self.aggregation.data,
                       anonymous_seats=self.anonymous_seats.data,
                       rubric=_items(self.crit)[0], grade_bands=_items(self.band)[0])
        return out
