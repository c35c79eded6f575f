"""The cadre record (干部档案) and the unit summary: what the organisation department keeps.

Read-only. A cadre's record lists every round the cadre was drawn in (meetings live or closed,
rehearsals left out), the final score and band once revealed, the decisions, and the cases
about the cadre. A unit's summary counts its cadres' cases (closed share, overdue) and averages
their revealed scores.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import NotFound
from meeting.models import Cadre, Decision, Meeting, Round
from meeting.models.cases import Case
from scoring.cases import TERMINAL

RECORD_STATUSES = ("live", "closed")


def cadre_record(session: so.Session, number: int) -> dict[str, Any]:
    """{cadre, rounds, cases} of the cadre with this public number; NotFound for an unknown one."""
    cadre = session.scalar(sa.select(Cadre).where(Cadre.number == number))
    if cadre is None:
        raise NotFound()
    cadre_id = cadre.id
    rows = session.execute(sa.select(Round, Meeting).join(Meeting, Meeting.id == Round.meeting_id)
                           .where(Round.cadre_id == cadre_id, Meeting.status.in_(RECORD_STATUSES),
                                  Meeting.rehearsal.is_(False))
                           .order_by(Meeting.date, Meeting.id, Round.number)).all()
    kinds: dict[int, list[str]] = {}
    if rows:
        for round_id, kind in session.execute(sa.select(Decision.round_id, Decision.kind).where(
                Decision.round_id.in_([r.id for r, _ in rows])).order_by(Decision.id)):
            kinds.setdefault(round_id, []).append(kind)
    rounds = [{"meeting_id": m.id, "title": m.title, "date": m.date, "status": m.status, "round": r.number,
               "final": (r.result or {}).get("final", "") if _revealed(r) else "",
               "band": ((r.result or {}).get("band") or {}).get("label_zh", "") if _revealed(r) else "",
               "decisions": kinds.get(r.id, [])} for r, m in rows]
    cases = [{"code": c.code, "kind": c.kind, "status": c.status, "deadline": c.deadline,
              "overdue": c.overdue_since is not None, "closed_on": c.closed_on}
             for c in session.scalars(sa.select(Case).where(Case.cadre_id == cadre_id).order_by(Case.code))]
    return {"cadre": {"id": cadre.id, "number": cadre.number, "name": cadre.name, "unit": cadre.unit,
                      "position": cadre.position, "township": cadre.township.name if cadre.township else ""},
            "rounds": rounds, "cases": cases}


def _revealed(rnd: Round) -> bool:
    """Whether the round's score is public (revealed or decided); a closed-but-unrevealed tally is not."""
    return rnd.stage in ("revealed", "decided") and bool(rnd.result)


def unit_summary(session: so.Session) -> list[dict[str, Any]]:
    """Per unit of the drawn cadres: cadres drawn, cases, closed share, overdue count, average score.

    Sorted by unit name; the average is of revealed finals, two decimals (half up), "" if none."""
    units: dict[str, dict[str, Any]] = {}
    drawn = session.execute(sa.select(Cadre.unit, Cadre.id, Round).join(Round, Round.cadre_id == Cadre.id)
                            .join(Meeting, Meeting.id == Round.meeting_id)
                            .where(Meeting.status.in_(RECORD_STATUSES), Meeting.rehearsal.is_(False))).all()
    for unit, cadre_id, rnd in drawn:
        u = units.setdefault(unit, _empty(unit))
        u["cadres"].add(cadre_id)
        if _revealed(rnd) and rnd.result.get("final"):
            u["scores"].append(Decimal(str(rnd.result["final"])))
    cases = session.execute(sa.select(Cadre.unit, Case.status, Case.overdue_since).join(Cadre, Cadre.id == Case.cadre_id))
    for unit, status, overdue in cases:
        u = units.setdefault(unit, _empty(unit))
        u["cases"] += 1
        u["closed"] += status in TERMINAL
        u["overdue"] += overdue is not None
    out = []
    for u in sorted(units.values(), key=lambda x: x["unit"]):
        mean = sum(u["scores"]) / len(u["scores"]) if u["scores"] else None
        out.append({"unit": u["unit"], "cadres": len(u["cadres"]), "cases": u["cases"], "closed": u["closed"],
                    "completion": f"{Decimal(100 * u['closed']) / u['cases']:.1f}%" if u["cases"] else "",
                    "overdue": u["overdue"],
                    "average": str(mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) if mean is not None else ""})
    return out


def _empty(unit: str) -> dict[str, Any]:
    return {"unit": unit, "cadres": set(), "scores": [], "cases": 0, "closed": 0, "overdue": 0}
