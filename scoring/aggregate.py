"""From the jurors' ballot totals to one final score, its grade band, and an outlier flag.

Exact arithmetic throughout: totals are Decimals, means are Fractions, and the one rounding
(ROUND_HALF_UP to `places`) is done once, from the exact value. Rules in docs/SCORING.md.
"""
from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Mapping, Sequence

from scoring.rubric import EXACT, FULL_MARK, InputError, RowRules, canonical, decimal_str, parse_number

RULES = ("trimmed_mean", "mean", "median")
DEFAULT_RULE = "trimmed_mean"
TRIM_MIN_BALLOTS = 5      # trimming one high and one low needs at least 5 ballots (3 remain)
RAW_DIGITS = 40           # significant digits of `raw` when the exact mean does not terminate
MAX_PLACES = 6
# A meeting's quorum (ballots needed to close scoring): the setup form and service accept these.
QUORUM_RANGE = (1, 99)
MAX_BANDS = 10
BAND_LABEL_ZH_MAX = 20
BAND_LABEL_EN_MAX = 40
BAND_MIN_RANGE = (Decimal(0), FULL_MARK)   # where a band may start


class QuorumNotMet(ValueError):
    """Fewer ballots than the quorum: scoring cannot be closed (the server refuses)."""

    def __init__(self, count: int, quorum: int) -> None:
        super().__init__(f"{count} ballot(s), quorum is {quorum}")
        self.count = count
        self.quorum = quorum


class BandError(InputError):
    """A grade-band definition is invalid; `field` is e.g. "bands[1].min"."""


@dataclass(frozen=True)
class AggregateResult:
    """The outcome of `aggregate`. `final` is what the hall sees; `exact` is the unrounded rational."""

    final: Decimal                 # rounded ROUND_HALF_UP to `places`, trailing zeros kept ("90.00")
    raw: Decimal                   # the exact value if it terminates within RAW_DIGITS digits, else rounded to them
    raw_is_exact: bool
    exact: Fraction
    count: int
    quorum: int
    quorum_met: bool
    rule: str                      # as requested
    rule_applied: str              # "mean" when trimmed_mean had fewer than TRIM_MIN_BALLOTS ballots
    places: int
    dropped_high_index: int | None  # index into the input of the struck-through highest ballot
    dropped_low_index: int | None

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form (decimals as strings, exact as "numerator/denominator")."""
        return {
            "final": format(self.final, "f"), "raw": decimal_str(self.raw), "raw_is_exact": self.raw_is_exact,
            "exact": f"{self.exact.numerator}/{self.exact.denominator}", "count": self.count,
            "quorum": self.quorum, "quorum_met": self.quorum_met, "rule": self.rule,
            "rule_applied": self.rule_applied, "places": self.places,
            "dropped_high_index": self.dropped_high_index, "dropped_low_index": self.dropped_low_index,
        }


def to_totals(totals: Sequence[object]) -> list[Decimal]:
    """Ballot totals as Decimals: Decimal, int or decimal strings (Ballot.total); floats are refused."""
    out = []
    for i, t in enumerate(totals):
        if isinstance(t, float):
            raise TypeError(f"totals[{i}] is a float; pass Decimal, int or a decimal string")
        out.append(parse_number(t, f"totals[{i}]", InputError))
    return out


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact rational to `places` decimals, halves away from zero (87.125 -> 87.13)."""
    scaled = abs(value) * 10 ** places
    n = math.floor(scaled + Fraction(1, 2))
    negative = value < 0 and n != 0
    return Decimal((1 if negative else 0, tuple(int(ch) for ch in str(n)), -places))


def _fraction_to_decimal(value: Fraction) -> tuple[Decimal, bool]:
    ctx = decimal.Context(prec=RAW_DIGITS, rounding=decimal.ROUND_HALF_EVEN)
    raw = ctx.divide(Decimal(value.numerator), Decimal(value.denominator))
    return canonical(raw), Fraction(raw) == value


def _median(values: Sequence[Fraction]) -> Fraction:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def effective_quorum(quorum: int, eligible: int | None) -> int:
    """The ballots needed to close scoring when only `eligible` jurors may score (回避).

    The quorum is counted against the eligible jurors: min(quorum, eligible). With no juror
    eligible nobody can score and scoring cannot close. `eligible=None`: the quorum as set.
    """
    if eligible is None:
        return quorum
    if isinstance(eligible, bool) or not isinstance(eligible, int) or eligible < 0:
        raise ValueError("eligible must be an int >= 0")
    return max(min(quorum, eligible), QUORUM_RANGE[0])


def aggregate(totals: Sequence[object], rule: str, quorum: int, places: int = 2, *,
              require_quorum: bool = True, eligible: int | None = None) -> AggregateResult:
    """Combine ballot totals (one per juror) into one score under `rule`.

    - "trimmed_mean": with n >= 5, drop ONE highest (the last occurrence of the maximum in
      input order) and ONE lowest (the first occurrence of the minimum), average the rest;
      with n < 5, the plain mean (rule_applied says "mean").
    - "mean": the plain mean. "median": the middle value; for even n, the mean of the two middle.

    Raises QuorumNotMet when n < quorum (unless require_quorum=False, for a provisional
    preview: then quorum_met is False) and always when n == 0. `eligible` (jurors not recused)
    lowers the quorum to min(quorum, eligible); the result's `quorum` is that. ValueError on a bad rule,
    quorum or places; TypeError on float totals. Pass ballots in a stable order (juror seat)
    so the struck-through rows are stable; the final score does not depend on the order.
    """
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; one of {', '.join(RULES)}")
    if isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < QUORUM_RANGE[0]:
        raise ValueError(f"quorum must be an int >= {QUORUM_RANGE[0]}")
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise ValueError(f"places must be an int from 0 to {MAX_PLACES}")
    quorum = effective_quorum(quorum, eligible)
    values = to_totals(totals)
    n = len(values)
    if n == 0 or (require_quorum and n < quorum):
        raise QuorumNotMet(n, quorum)
    exact_values = [Fraction(v) for v in values]
    high = low = None
    applied = rule
    if rule == "median":
        exact = _median(exact_values)
    else:
        kept = exact_values
        if rule == "trimmed_mean" and n >= TRIM_MIN_BALLOTS:
            top, bottom = max(values), min(values)
            high = max(i for i, v in enumerate(values) if v == top)
            low = min(i for i, v in enumerate(values) if v == bottom)
            kept = [v for i, v in enumerate(exact_values) if i not in (high, low)]
        elif rule == "trimmed_mean":
            applied = "mean"
        exact = sum(kept, Fraction(0)) / len(kept)
    raw, raw_is_exact = _fraction_to_decimal(exact)
    return AggregateResult(final=round_half_up(exact, places), raw=raw, raw_is_exact=raw_is_exact, exact=exact,
                           count=n, quorum=quorum, quorum_met=n >= quorum, rule=rule, rule_applied=applied,
                           places=places, dropped_high_index=high, dropped_low_index=low)


# --- grade bands -------------------------------------------------------------------------

@dataclass(frozen=True)
class Band:
    """A grade band: scores >= `min` (and below the next band up) get this grade."""

    key: str
    label_zh: str
    label_en: str
    min: Decimal


DEFAULT_BANDS: tuple[Band, ...] = (
    Band("excellent", "优秀", "Excellent", Decimal(90)),
    Band("qualified", "合格", "Qualified", Decimal(75)),
    Band("basically_qualified", "基本合格", "Basically qualified", Decimal(60)),
    Band("unqualified", "不合格", "Unqualified", Decimal(0)),
)


BANDS = RowRules(table="bands", noun="grade bands", error=BandError, row_type=Band, max_rows=MAX_BANDS,
                 fields=("key", "label_zh", "label_en", "min"), required=("key", "label_zh", "min"),
                 label_zh_max=BAND_LABEL_ZH_MAX, label_en_max=BAND_LABEL_EN_MAX)


def validate_bands(bands: Sequence[Band]) -> None:
    """Raise BandError unless: 1-10 bands, unique slug keys, Chinese labels, mins listed from the
    highest down, strictly decreasing, within [0, 100], and the last band starting at 0."""
    BANDS.check_count(bands)
    low, high = BAND_MIN_RANGE
    seen: set[str] = set()
    for i, b in enumerate(bands):
        where = BANDS.check_row(i, b, seen)
        if not isinstance(b.min, Decimal) or not b.min.is_finite() or not low <= b.min <= high:
            raise BandError(f"{where}.min", "out_of_range", f"the minimum is a number from {low} to {high}")
        if i and b.min >= bands[i - 1].min:
            raise BandError(f"{where}.min", "order", "list bands from the highest minimum down, without repeats")
    if bands[-1].min != low:
        raise BandError(f"bands[{len(bands) - 1}].min", "bottom", f"the lowest band must start at {low}")


def grade_for(score: object, bands: Sequence[Band] = DEFAULT_BANDS) -> Band:
    """The band of a score: the first band (from the top) whose min <= score.

    Pass the ROUNDED final score (AggregateResult.final): the grade must agree with the
    number the hall sees (89.995 shows as 90.00 and is 优秀).
    """
    validate_bands(bands)
    if isinstance(score, float):
        raise TypeError("score is a float; pass a Decimal")
    value = parse_number(score, "score", InputError)
    for band in bands:
        if value >= band.min:
            return band
    raise ValueError(f"score {value} is below every band")


def bands_from_json(data: object) -> tuple[Band, ...]:
    """Bands from their JSON form: a list of {key, label_zh, label_en?, min}, highest first."""
    BANDS.check_json_list(data)
    bands = []
    for i, item in enumerate(data):  # type: ignore[arg-type]
        where = BANDS.check_json_item(i, item)
        bands.append(Band(item["key"], item["label_zh"].strip(), item.get("label_en", item["key"]).strip(),
                          parse_number(item["min"], f"{where}.min", BandError)))
    validate_bands(bands)
    return tuple(bands)


def bands_to_json(bands: Sequence[Band]) -> list[dict[str, str]]:
    """The JSON form of bands, decimals as strings."""
    return [{"key": b.key, "label_zh": b.label_zh, "label_en": b.label_en, "min": decimal_str(b.min)} for b in bands]


# --- outlier flag ------------------------------------------------------------------------

OUTLIER_K = Decimal(3)
OUTLIER_FLOOR = Decimal(15)   # points on the 100-point scale
OUTLIER_MIN_BALLOTS = 4


@dataclass(frozen=True)
class OutlierCheck:
    """Why one ballot was (or was not) flagged: its distance from the median of the others."""

    index: int
    total: Decimal
    median_others: Decimal
    mad_others: Decimal            # median absolute deviation of the others from their median
    threshold: Decimal             # max(k x mad_others, floor)
    distance: Decimal              # |total - median_others|
    far: bool                      # distance > threshold (before the minority rule)


def outlier_checks(totals: Sequence[object], *, k: Decimal = OUTLIER_K, floor: Decimal = OUTLIER_FLOOR) -> list[OutlierCheck]:
    """The leave-one-out comparison behind `outliers`, one entry per ballot ([] below 2 ballots)."""
    values = to_totals(totals)
    if len(values) < 2:
        return []
    checks = []
    with decimal.localcontext(EXACT):
        for i, x in enumerate(values):
            others = values[:i] + values[i + 1:]
            med = _median_dec(others)
            mad = _median_dec([abs(o - med) for o in others])
            threshold = max(k * mad, floor)
            distance = abs(x - med)
            checks.append(OutlierCheck(i, x, canonical(med), canonical(mad), canonical(threshold),
                                       canonical(distance), distance > threshold))
    return checks


def _median_dec(values: Sequence[Decimal]) -> Decimal:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def outliers(totals: Sequence[object], *, k: Decimal = OUTLIER_K, floor: Decimal = OUTLIER_FLOOR,
             min_count: int = OUTLIER_MIN_BALLOTS) -> list[int]:
    """Indices of ballots far from the others, for review: never removed from any tally.

    A ballot is far when |x - median(others)| > max(k x MAD(others), floor). Nothing is
    flagged with fewer than `min_count` ballots, nor when the far ballots are not a strict
    minority (a split panel has no consensus to deviate from). Example in docs/SCORING.md.
    """
    values = to_totals(totals)
    if len(values) < max(min_count, 2):
        return []
    far = [c.index for c in outlier_checks(values, k=k, floor=floor) if c.far]
    return far if 2 * len(far) < len(values) else []


# --- one call for the service ------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    """Everything the round's result needs: the aggregate, its band, and the outlier flags."""

    result: AggregateResult
    band: Band
    outliers: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        """JSON-safe form, suitable for Round.result."""
        return {**self.result.to_json(), "band": {"key": self.band.key, "label_zh": self.band.label_zh,
                                                  "label_en": self.band.label_en},
                "outliers": list(self.outliers)}


def tally(totals: Sequence[object], *, rule: str = DEFAULT_RULE, quorum: int, places: int = 2,
          bands: Sequence[Band] = DEFAULT_BANDS, outlier_options: Mapping[str, Any] | None = None,
          eligible: int | None = None) -> Tally:
    """aggregate() + grade_for(final) + outliers(), as the service does on close_scoring.

    Pass only the eligible (not recused) jurors' totals, and `eligible` = how many jurors may
    score, so the quorum is counted against them (see effective_quorum)."""
    result = aggregate(totals, rule, quorum, places, eligible=eligible)
    return Tally(result, grade_for(result.final, bands), tuple(outliers(totals, **(outlier_options or {}))))
