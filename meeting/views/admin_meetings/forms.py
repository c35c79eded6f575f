"""WTForms pieces shared by the meeting set-up forms, and the two one-line forms (juror, exclusion).

The services validate again and are the authority; a form exists to put a translated message
next to the very field that is wrong. Ranges come from where the rule lives (scoring.*, or
here when only the page has the rule); tests/test_admin_meetings_forms.py keeps both in step.
The settings form is in forms_settings.py, the draw plan form in forms_draw.py.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Regexp, ValidationError

from meeting.services.setup.meetings import AFFILIATION_MAX, JUROR_CATEGORIES, JUROR_NAME_MAX, PIN_DIGITS

# The juror limits come from meetings.add_juror itself (JUROR_NAME_MAX, PIN_DIGITS).
# Cadre numbers are stored as 32-bit integers.
MAX_CADRE_NUMBER = 2**31 - 1


def nfkc(value: str | None) -> str:
    """Full-width digits and punctuation typed with a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", value or "").strip()


def strip(value: str | None) -> str:
    """The text without surrounding spaces ("" for a field that was not sent)."""
    return (value or "").strip()


def whole_number(text: str, low: int, high: int) -> int | None:
    """The number if `text` is plain digits (after NFKC) from low to high, else None."""
    text = nfkc(text)
    if not re.fullmatch(r"[0-9]{1,9}", text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def whole_number_message(low: int, high: int) -> str:
    """The message of a whole-number field, in the active locale."""
    return _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)


class WholeNumber:
    """Validator: a whole number from `low` to `high`; the message may name another range
    (a township's draws accept 0, meaning "not drawn", which the form handles itself)."""

    def __init__(self, low: int, high: int, shown: tuple[int, int] | None = None) -> None:
        self.low, self.high = low, high
        self.shown = shown or (low, high)

    def __call__(self, form: Any, field: Field) -> None:
        if whole_number(field.data, self.low, self.high) is None:
            raise ValidationError(whole_number_message(*self.shown))


def add_error(field: Field, message: str) -> None:
    """Mark a field after its own validation ran (e.g. a rubric cell the core refused)."""
    field.errors = [*field.errors, message]


def flat_errors(form: Any, tables: dict[str, str] | None = None) -> dict[str, str]:
    """The first error of each field, by the HTML name the templates use ("quorum", "crit-1-max");
    a table's own message (a FieldList error that is not a cell's) under the name in `tables`."""
    out: dict[str, str] = {}
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                for cell in entry.form:
                    if cell.errors:
                        out[cell.name] = str(cell.errors[0])
            own = [str(e) for e in field.errors if not isinstance(e, dict) and str(e)]
            if own and tables and field.name in tables:
                out[tables[field.name]] = own[0]
        elif field.errors:
            out[field.name] = str(field.errors[0])
    return out


def _affiliation_field() -> StringField:
    return StringField(filters=[strip], validators=[
        Length(max=AFFILIATION_MAX, message=_l("At most 64 characters, as in the roster."))])


class AffiliationForm(FlaskForm):
    """A juror's unit, township, village and declared relations (the conflict-of-interest rule)."""

    unit = _affiliation_field()
    township = _affiliation_field()
    village = _affiliation_field()
    relations = TextAreaField(filters=[lambda v: v or ""])

    def affiliations(self) -> dict[str, str]:
        """The fields as services.setup.meetings.clean_affiliations takes them."""
        return {"unit": self.unit.data, "township": self.township.data, "village": self.village.data,
                "relations": self.relations.data}

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field, by name."""
        return flat_errors(self)


class JurorForm(AffiliationForm):
    """Add a juror: name, category, an optional PIN (never shown again), and affiliations."""

    name = StringField(filters=[strip], validators=[
        Length(min=1, max=JUROR_NAME_MAX, message=_l("Enter the name of the juror (1 to 64 characters)."))])
    category = StringField(filters=[strip], validators=[
        AnyOf(JUROR_CATEGORIES, message=_l("Choose a category for the juror."))])
    pin = StringField(filters=[nfkc], validators=[
        Regexp(rf"^(?:[0-9]{{{PIN_DIGITS[0]},{PIN_DIGITS[1]}}})?$", message=_l("A PIN is 4 to 8 digits."))])

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field, by name."""
        return flat_errors(self)


class ExclusionForm(FlaskForm):
    """Keep one cadre out of the draw: the cadre's number and a reason (the service needs one)."""

    number = StringField(filters=[nfkc])
    reason = StringField(filters=[strip])

    def validate_number(self, field: Field) -> None:
        """Digits only, within the stored integer range."""
        if not field.data.isdigit() or int(field.data) > MAX_CADRE_NUMBER:
            raise ValidationError(_("The cadre number must be digits only."))

    @property
    def field_errors(self) -> dict[str, str]:
        """The first error of each field, by name."""
        return flat_errors(self)
