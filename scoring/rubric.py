"""The scoring rubric (评分细则) and the validation of one juror's ballot.

Plain values in, plain values out: decimals for every score, never floats. The rules
(accepted number formats, the full-mark rule, error codes) are in docs/SCORING.md.
"""
from __future__ import annotations

import decimal
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterator, Mapping, Sequence

# Every arithmetic step on scores runs in this context: generous precision, and any rounding
# at all raises (decimal.Inexact), so "exact" is enforced rather than hoped for.
EXACT = decimal.Context(prec=120, rounding=decimal.ROUND_HALF_EVEN, Emax=999, Emin=-999,
                        traps=[decimal.Inexact, decimal.InvalidOperation, decimal.DivisionByZero,
                               decimal.Overflow, decimal.Underflow])

FULL_MARK = Decimal(100)
MAX_CRITERIA = 12
MAX_STEPS = 1000            # (max - min) / step: what a tablet can reasonably offer
MAX_NUMBER_CHARS = 32       # longer input is refused before it is parsed
MAX_KEY_CHARS = 32          # criterion and band keys: lowercase ASCII slugs
CRITERION_LABEL_ZH_MAX = 40
CRITERION_LABEL_EN_MAX = 80
_NUMBER_RE = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,12})?", re.ASCII)
_KEY_RE = re.compile(rf"[a-z][a-z0-9_]{{0,{MAX_KEY_CHARS - 1}}}", re.ASCII)


class InputError(ValueError):
    """A user-facing validation error: which field, a stable code to translate, and a message."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.code = code
        self.message = message


class ScoreError(InputError):
    """A ballot is invalid; `field` is the first bad criterion key (or "" for the whole ballot)."""


class RubricError(InputError):
    """A rubric definition is invalid; `field` is e.g. "criteria[2].max"."""


@dataclass(frozen=True)
class RowRules:
    """The checks a rubric criterion and a grade band share (one validator for both tables).

    Both are lists of 1 to `max_rows` rows with a unique slug `key`, a required Chinese label
    and an optional English label; their JSON form is a list of objects with known fields.
    Each method raises `error` naming the first bad field, e.g. "criteria[2].key".
    """

    table: str                       # "criteria" or "bands": the field prefix of errors
    noun: str                        # in messages: "criteria", "grade bands"
    error: type[InputError]
    row_type: type
    max_rows: int
    fields: tuple[str, ...]          # the JSON fields of a row
    required: tuple[str, ...]        # the JSON fields without a default
    label_zh_max: int
    label_en_max: int

    def check_count(self, rows: Sequence[object]) -> None:
        """1 to max_rows rows."""
        if not 1 <= len(rows) <= self.max_rows:
            raise self.error(self.table, "count", f"there are 1 to {self.max_rows} {self.noun}")

    def check_json_list(self, data: object) -> None:
        """The JSON form is a list of 1 to max_rows items."""
        if not isinstance(data, (list, tuple)):
            raise self.error(self.table, "type", f"the {self.noun} are a list")
        self.check_count(data)

    def check_json_item(self, i: int, item: object) -> str:
        """One JSON item is an object of known fields, the required ones present, texts as text;
        returns its place ("criteria[2]")."""
        where = f"{self.table}[{i}]"
        if not isinstance(item, Mapping):
            raise self.error(where, "type", "each row is an object")
        extra = sorted(str(k) for k in item if k not in self.fields)
        if extra:
            raise self.error(f"{where}.{extra[0]}", "unexpected", f"unknown field {extra[0]!r}")
        for name in self.required:
            if name not in item:
                raise self.error(f"{where}.{name}", "missing", f"{name} is required")
        for name in ("key", "label_zh", "label_en"):
            if name in item and not isinstance(item[name], str):
                raise self.error(f"{where}.{name}", "type", f"{name} must be text")
        return where

    def check_row(self, i: int, row: Any, seen: set[str]) -> str:
        """One built row: its type, a slug key not in `seen` (added to it), the labels;
        returns its place ("bands[1]")."""
        where = f"{self.table}[{i}]"
        if not isinstance(row, self.row_type):
            raise self.error(where, "type", f"not a {self.row_type.__name__}")
        if not isinstance(row.key, str) or not _KEY_RE.fullmatch(row.key):
            raise self.error(f"{where}.key", "format",
                             f"keys are lowercase ASCII slugs (a-z, 0-9, _), at most {MAX_KEY_CHARS} chars")
        if row.key in seen:
            raise self.error(f"{where}.key", "duplicate", f"duplicate key {row.key!r}")
        seen.add(row.key)
        if not isinstance(row.label_zh, str) or not row.label_zh.strip() or len(row.label_zh) > self.label_zh_max:
            raise self.error(f"{where}.label_zh", "label",
                             f"the Chinese label is required (at most {self.label_zh_max} chars)")
        if not isinstance(row.label_en, str) or len(row.label_en) > self.label_en_max:
            raise self.error(f"{where}.label_en", "label", f"the English label is at most {self.label_en_max} chars")
        return where


def canonical(value: Decimal) -> Decimal:
    """The same number without trailing fractional zeros or a positive exponent (8.50 -> 8.5, 1E+2 -> 100).

    Done on the digit tuple, so it never rounds (Decimal.normalize() would, at the context's precision).
    """
    sign, digits, exp = value.as_tuple()
    assert isinstance(exp, int), "canonical() takes finite decimals only"
    digits = tuple(digits)
    while exp < 0 and len(digits) > 1 and digits[-1] == 0:
        digits, exp = digits[:-1], exp + 1
    if exp > 0:
        digits, exp = digits + (0,) * exp, 0
    if digits == (0,) or not digits:
        return Decimal(0)
    return Decimal((sign, digits, exp))


def decimal_str(value: Decimal) -> str:
    """JSON-safe text of a decimal, never in scientific notation ("87.5", "100", "0.0000001")."""
    return format(canonical(value), "f")


def parse_number(value: object, field: str = "", error: type[InputError] = ScoreError) -> Decimal:
    """Turn an int, a Decimal, a plain decimal string or a float into an exact Decimal.

    Refused (with `error(field, code, ...)`): bool and anything else that is not a number
    ("type"), NaN and infinities ("not_finite"), strings that are not plain ASCII decimals
    such as "8,5", " 8", "1e2", "８" ("format"), more than 32 characters or significant
    digits ("too_long"). A float is read as the decimal its shortest repr shows (8.5 -> 8.5,
    8.3 -> 8.3: what the sender typed), never through its binary expansion; a float whose
    repr needs an exponent (1e-05) is refused ("format").
    """
    if isinstance(value, bool) or value is None:
        raise error(field, "type", "a number is required")
    if isinstance(value, int):
        if value.bit_length() > 110:  # > 33 decimal digits
            raise error(field, "too_long", "the number is too long")
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise error(field, "not_finite", "the number must be finite")
        return _parse_text(repr(value), field, error)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise error(field, "not_finite", "the number must be finite")
        sign, digits, exp = value.as_tuple()
        if len(digits) > MAX_NUMBER_CHARS or not isinstance(exp, int) or abs(exp) > MAX_NUMBER_CHARS:
            raise error(field, "too_long", "the number is too long")
        return canonical(value)
    if isinstance(value, str):
        return _parse_text(value, field, error)
    raise error(field, "type", "a number is required")


def _parse_text(text: str, field: str, error: type[InputError]) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise error(field, "too_long", "the number is too long")
    if not _NUMBER_RE.fullmatch(text):
        raise error(field, "format", "not a plain decimal number")
    return canonical(Decimal(text))


@dataclass(frozen=True)
class Criterion:
    """One line of the rubric: a juror gives it a score in [min, max] on multiples of `step` from min."""

    key: str
    label_zh: str
    label_en: str
    weight: Decimal
    min: Decimal
    max: Decimal
    step: Decimal

    @property
    def choices(self) -> int:
        """How many distinct scores a juror can give this criterion."""
        with decimal.localcontext(EXACT):
            return int((self.max - self.min) / self.step) + 1


CRITERIA = RowRules(table="criteria", noun="criteria", error=RubricError, row_type=Criterion, max_rows=MAX_CRITERIA,
                    fields=("key", "label_zh", "label_en", "weight", "min", "max", "step"),
                    required=("key", "label_zh", "max"),
                    label_zh_max=CRITERION_LABEL_ZH_MAX, label_en_max=CRITERION_LABEL_EN_MAX)


@dataclass(frozen=True)
class Rubric:
    """An ordered tuple of criteria; valid by construction (see `validate_criteria`)."""

    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        validate_criteria(self.criteria)

    def __iter__(self) -> Iterator[Criterion]:
        return iter(self.criteria)

    def __len__(self) -> int:
        return len(self.criteria)

    @property
    def keys(self) -> tuple[str, ...]:
        """Criterion keys in display order."""
        return tuple(c.key for c in self.criteria)

    def get(self, key: str) -> Criterion:
        """The criterion with this key (KeyError if none)."""
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def full_mark(self) -> Decimal:
        """满分: the weighted total of a ballot giving every criterion its max (always 100)."""
        with decimal.localcontext(EXACT):
            return canonical(sum((c.weight * c.max for c in self.criteria), Decimal(0)))

    @property
    def lowest_total(self) -> Decimal:
        """The weighted total of a ballot giving every criterion its min."""
        with decimal.localcontext(EXACT):
            return canonical(sum((c.weight * c.min for c in self.criteria), Decimal(0)))


def validate_criteria(criteria: Sequence[Criterion]) -> None:
    """Raise RubricError unless the criteria make a usable rubric (rules in docs/SCORING.md)."""
    CRITERIA.check_count(criteria)
    seen: set[str] = set()
    for i, c in enumerate(criteria):
        where = CRITERIA.check_row(i, c, seen)
        for name in ("weight", "min", "max", "step"):
            v = getattr(c, name)
            if not isinstance(v, Decimal) or not v.is_finite():
                raise RubricError(f"{where}.{name}", "type", "must be a finite Decimal")
        if c.weight <= 0:
            raise RubricError(f"{where}.weight", "not_positive", "the weight must be greater than 0")
        if c.min < 0:
            raise RubricError(f"{where}.min", "negative", "the minimum must be 0 or more")
        if c.min >= c.max:
            raise RubricError(f"{where}.max", "empty_range", "the maximum must be greater than the minimum")
        if c.step <= 0:
            raise RubricError(f"{where}.step", "not_positive", "the step must be greater than 0")
        with decimal.localcontext(EXACT):
            span = c.max - c.min
            if span % c.step != 0:
                raise RubricError(f"{where}.step", "off_step", "max - min must be a whole number of steps")
            if span / c.step > MAX_STEPS:
                raise RubricError(f"{where}.step", "too_many_choices", f"at most {MAX_STEPS} steps from min to max")
    with decimal.localcontext(EXACT):
        full = sum((c.weight * c.max for c in criteria), Decimal(0))
    if full != FULL_MARK:
        raise RubricError("criteria", "full_mark",
                          f"the weighted maximum (sum of weight x max) must be {FULL_MARK}, not {decimal_str(full)}")


DEFAULT_RUBRIC = Rubric((
    Criterion("visits", "走访联系户", "Visits to contact households", Decimal(1), Decimal(0), Decimal(30), Decimal(1)),
    Criterion("demands", "诉求收集与办理", "Demands collected and handled", Decimal(1), Decimal(0), Decimal(30), Decimal(1)),
    Criterion("satisfaction", "群众满意度", "Household satisfaction", Decimal(1), Decimal(0), Decimal(30), Decimal(1)),
    Criterion("report", "述职质量", "Quality of the report", Decimal(1), Decimal(0), Decimal(10), Decimal(1)),
))

_CRITERION_DEFAULTS: dict[str, object] = {"weight": "1", "min": "0", "step": "1"}


def rubric_from_json(data: object) -> Rubric:
    """Build a Rubric from its JSON form (a list of objects); raise RubricError naming the first bad field.

    Per criterion: key, label_zh and max are required; label_en defaults to the key, weight
    to 1, min to 0, step to 1. Numbers may be decimal strings (preferred), ints or floats
    (read as parse_number does). Unknown fields are refused, so a typo cannot go unnoticed.
    """
    CRITERIA.check_json_list(data)
    criteria = []
    for i, item in enumerate(data):  # type: ignore[arg-type]
        where = CRITERIA.check_json_item(i, item)
        nums = {name: parse_number(item.get(name, _CRITERION_DEFAULTS.get(name)), f"{where}.{name}", RubricError)
                for name in ("weight", "min", "max", "step")}
        criteria.append(Criterion(key=item["key"], label_zh=item["label_zh"].strip(),
                                  label_en=item.get("label_en", item["key"]).strip(), **nums))
    return Rubric(tuple(criteria))


def rubric_to_json(rubric: Rubric) -> list[dict[str, str]]:
    """The JSON form of a rubric: every field explicit, decimals as canonical strings."""
    return [{"key": c.key, "label_zh": c.label_zh, "label_en": c.label_en, "weight": decimal_str(c.weight),
             "min": decimal_str(c.min), "max": decimal_str(c.max), "step": decimal_str(c.step)}
            for c in rubric.criteria]


def validate_scores(rubric: Rubric, raw: Mapping[str, object]) -> dict[str, Decimal]:
    """Check one juror's scores against the rubric; return {key: Decimal} in rubric order.

    Raises ScoreError naming the first bad field: criteria are checked in rubric order
    ("missing", then the parse_number codes, "out_of_range", "off_step"), then any key the
    rubric does not have ("unexpected", the first in sorted order).
    """
    if not isinstance(raw, Mapping):
        raise ScoreError("", "type", "scores must be an object of criterion -> number")
    out: dict[str, Decimal] = {}
    for c in rubric.criteria:
        if c.key not in raw:
            raise ScoreError(c.key, "missing", "a score is required")
        value = parse_number(raw[c.key], c.key, ScoreError)
        if not c.min <= value <= c.max:
            raise ScoreError(c.key, "out_of_range", f"must be between {decimal_str(c.min)} and {decimal_str(c.max)}")
        with decimal.localcontext(EXACT):
            if (value - c.min) % c.step != 0:
                raise ScoreError(c.key, "off_step", f"must be a multiple of {decimal_str(c.step)}")
        out[c.key] = value
    extra = sorted(str(k) for k in raw if k not in out)
    if extra:
        raise ScoreError(extra[0], "unexpected", "not a criterion of this rubric")
    return out


def ballot_total(rubric: Rubric, scores: Mapping[str, Decimal]) -> Decimal:
    """The weighted total of validated scores, exact: sum of weight x score over the rubric."""
    with decimal.localcontext(EXACT):
        return canonical(sum((c.weight * scores[c.key] for c in rubric.criteria), Decimal(0)))


def scores_to_json(scores: Mapping[str, Decimal]) -> dict[str, str]:
    """Validated scores as JSON-safe strings, for Ballot.scores."""
    return {k: decimal_str(v) for k, v in scores.items()}


def to_json_safe(value: Any) -> Any:
    """Recursively replace Decimals by their canonical strings (for payloads built from results)."""
    if isinstance(value, Decimal):
        return decimal_str(value)
    if isinstance(value, Mapping):
        return {k: to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(v) for v in value]
    return value
