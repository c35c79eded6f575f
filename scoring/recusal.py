"""Conflicts of interest (回避): which jurors sit out the round of a drawn cadre, and why.

Pure and deterministic. A juror is recused when their unit, township or village is the cadre's,
or when they declared a relation to that cadre (by number) at set-up. Names are compared after
NFKC normalisation with all white space removed, so "县 水利局" and "县水利局" match, and an
empty value never matches anything. A village is only the same village inside the same township
(two townships may each have a 王庄村). Rules and categories in docs/SCORING.md §2.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

SAME_UNIT = "same_unit"
SAME_TOWNSHIP = "same_township"
SAME_VILLAGE = "same_village"
DECLARED_RELATION = "declared_relation"
OTHER = "other"  # only for a recusal added by the organiser
# The rule's categories, most specific first: a juror's primary category is the first that applies.
RULE_CATEGORIES: tuple[str, ...] = (DECLARED_RELATION, SAME_VILLAGE, SAME_UNIT, SAME_TOWNSHIP)
CATEGORIES: tuple[str, ...] = RULE_CATEGORIES + (OTHER,)


def clean_name(value: object) -> str:
    """The comparable form of a unit, township or village name: NFKC, no white space at all."""
    if not isinstance(value, str):
        return ""
    return "".join(unicodedata.normalize("NFKC", value).split())


@dataclass(frozen=True)
class CadreAffiliation:
    """Where the drawn cadre belongs: the roster's unit, township and village names."""

    number: int
    unit: str = ""
    township: str = ""
    village: str = ""


@dataclass(frozen=True)
class JurorAffiliation:
    """What a juror declared at set-up: unit, township, village, and cadre numbers they are related to."""

    juror_id: int
    seat: int
    unit: str = ""
    township: str = ""
    village: str = ""
    related_cadres: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Recusal:
    """One recused juror: every category that applies, the primary (most specific) one first."""

    juror_id: int
    seat: int
    categories: tuple[str, ...]

    @property
    def category(self) -> str:
        """The category shown on the screens."""
        return self.categories[0]

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form (for the event and the round's record)."""
        return {"juror_id": self.juror_id, "seat": self.seat, "category": self.category,
                "categories": list(self.categories)}


def _same(a: str, b: str) -> bool:
    a, b = clean_name(a), clean_name(b)
    return bool(a) and a == b


def categories_for(juror: JurorAffiliation, cadre: CadreAffiliation) -> tuple[str, ...]:
    """The rule's categories that apply to one juror for one cadre, most specific first ('' none)."""
    found = set()
    if cadre.number in juror.related_cadres:
        found.add(DECLARED_RELATION)
    if _same(juror.unit, cadre.unit):
        found.add(SAME_UNIT)
    if _same(juror.township, cadre.township):
        found.add(SAME_TOWNSHIP)
        if _same(juror.village, cadre.village):
            found.add(SAME_VILLAGE)
    return tuple(c for c in RULE_CATEGORIES if c in found)


def recusals(jurors: Iterable[JurorAffiliation], cadre: CadreAffiliation) -> list[Recusal]:
    """The jurors recused for `cadre`, by seat; jurors with no matching category are left out."""
    out = []
    for juror in sorted(jurors, key=lambda j: (j.seat, j.juror_id)):
        cats = categories_for(juror, cadre)
        if cats:
            out.append(Recusal(juror.juror_id, juror.seat, cats))
    return out


def parse_relations(text: str) -> list[dict[str, Any]]:
    """Declared relations typed one per line as "<cadre number> <relation>" (e.g. "261 配偶").

    Returns [{"number", "relation"}] in the order typed, one entry per cadre number (the last
    line for a number wins). Raises ValueError naming the line when a line does not start with
    a cadre number. The relation text is kept for the record only: no screen ever shows it.
    """
    out: dict[int, str] = {}
    for i, raw in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        head, _sep, rest = line.partition(" ")
        if not head.isdigit() or len(head) > 9:
            raise ValueError(f"line {i}: start with the cadre number")
        out[int(head)] = rest.strip()[:64]
    return [{"number": n, "relation": r} for n, r in out.items()]


def related_numbers(relations: Sequence[Any] | None) -> frozenset[int]:
    """The cadre numbers of a juror's stored relations ([{"number", "relation"}])."""
    return frozenset(int(r["number"]) for r in relations or () if isinstance(r, dict) and "number" in r)


def eligible_count(jurors: int, recused: int) -> int:
    """Jurors who may score this round."""
    return max(jurors - recused, 0)
