"""Conflicts of interest (回避) during a live meeting: who sits out the current round.

The rule is scoring.recusal; this module applies it when a cadre is drawn (called from the
draw service, inside the draw's transaction), clears it when the cadre is skipped, and lets the
organiser add or lift a recusal before scoring opens. Nothing here commits: the caller's use
case does, once. The round keeps every entry (`Round.recusals`), lifted ones marked, so the
record stays complete; screens get the active ones with their category only.
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Cadre, Juror, Meeting, Round
from meeting.services.events import append_event
from scoring import recusal as rule

# A recusal is added or lifted only while nobody has scored yet (docs/SCORING.md §2).
BEFORE_SCORING = ("draw", "report", "verification", "question", "answer")
NOTE_MAX = 200


def active(rnd: Round | None) -> list[dict[str, Any]]:
    """The round's recusals in force (lifted ones left out), by seat."""
    if rnd is None:
        return []
    return sorted((r for r in rnd.recusals or [] if not r.get("lifted")), key=lambda r: (r["seat"], r["juror_id"]))


def recused_ids(rnd: Round | None) -> set[int]:
    """Ids of the jurors recused for the round."""
    return {r["juror_id"] for r in active(rnd)}


def _affiliation(juror: Juror) -> rule.JurorAffiliation:
    return rule.JurorAffiliation(juror.id, juror.seat, juror.unit or "", juror.township or "", juror.village or "",
                                 rule.related_numbers(juror.relations))


def cadre_affiliation(cadre: Cadre) -> rule.CadreAffiliation:
    """The roster's unit, township and village of a cadre, as the rule compares them."""
    return rule.CadreAffiliation(cadre.number, cadre.unit or "", cadre.township.name if cadre.township else "",
                                 cadre.village.name if cadre.village else "")


def _public(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"seat": r["seat"], "category": r["category"]} for r in entries]


def apply_draw(session: so.Session, meeting_id: int, rnd: Round | None, cadre: Cadre | None, actor: str) -> None:
    """A cadre was drawn for `rnd`: record the rule's recusals (event jurors_recused if any).

    Replaces the round's earlier entries (a redraw follows a skip, which cleared them). No commit.
    """
    if rnd is None:
        return
    rnd.recusals = []
    if cadre is None:
        return
    jurors = [j for j in session.get(Meeting, meeting_id).jurors if j.revoked_at is None]
    found = rule.recusals([_affiliation(j) for j in jurors], cadre_affiliation(cadre))
    rnd.recusals = [{**r.as_dict(), "source": "rule", "lifted": False, "note": "", "lift_note": ""} for r in found]
    if found:
        append_event(session, meeting_id, "jurors_recused",
                     {"round": rnd.number, "cadre": cadre.number, "source": "rule",
                      "recused": _public(rnd.recusals)}, actor)


def clear_on_skip(session: so.Session, meeting_id: int, rnd: Round | None, actor: str) -> None:
    """The drawn cadre was skipped: their recusals no longer apply (event recusals_cleared if any)."""
    if rnd is None:
        return
    was = active(rnd)
    rnd.recusals = []
    if was:
        append_event(session, meeting_id, "recusals_cleared",
                     {"round": rnd.number, "seats": [r["seat"] for r in was]}, actor)


def _check_editable(rnd: Round) -> None:
    if rnd.stage not in BEFORE_SCORING:
        raise Conflict("recusal_too_late")
    if rnd.cadre_id is None and not rnd.question:
        raise Conflict("recusal_no_subject")


def _juror(meeting: Meeting, params: Mapping[str, Any]) -> Juror:
    juror_id = params.get("juror_id")
    if not isinstance(juror_id, int) or isinstance(juror_id, bool):
        raise UserError("bad_whole_number", key="juror_id")
    juror = next((j for j in meeting.jurors if j.id == juror_id and j.revoked_at is None), None)
    if juror is None:
        raise Conflict("recusal_juror_unknown", id=juror_id)
    return juror


def _note(params: Mapping[str, Any]) -> str:
    note = params.get("text", "")
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise UserError("bad_param_text", key="text", limit=NOTE_MAX)
    return note.strip()


def add_recusal(session: so.Session, meeting: Meeting, rnd: Round, params: Mapping[str, Any],
                actor: str) -> tuple[str, dict[str, Any]]:
    """The organiser recuses a juror for this round: params {juror_id, category, text}.

    The text is kept on the round for the record, never in the public event or on a screen.
    """
    _check_editable(rnd)
    juror = _juror(meeting, params)
    category = params.get("category")
    if category not in rule.CATEGORIES:
        raise UserError("bad_recusal_category", categories=", ".join(rule.CATEGORIES))
    note = _note(params)
    if juror.id in recused_ids(rnd):
        raise Conflict("already_recused")
    entry = {"juror_id": juror.id, "seat": juror.seat, "category": category, "categories": [category],
             "source": "organiser", "lifted": False, "note": note, "lift_note": ""}
    rnd.recusals = [*(rnd.recusals or []), entry]
    return "recusal_added", {"round": rnd.number, "seat": juror.seat, "category": category, "source": "organiser"}


def lift_recusal(session: so.Session, meeting: Meeting, rnd: Round, params: Mapping[str, Any],
                 actor: str) -> tuple[str, dict[str, Any]]:
    """The organiser lifts a juror's recusal for this round: params {juror_id, text}."""
    _check_editable(rnd)
    juror = _juror(meeting, params)
    note = _note(params)
    entries = [dict(r) for r in rnd.recusals or []]
    hit = next((r for r in entries if r["juror_id"] == juror.id and not r.get("lifted")), None)
    if hit is None:
        raise Conflict("not_recused")
    hit.update(lifted=True, lift_note=note)
    rnd.recusals = entries  # a new list, so the JSON column is seen as changed
    return "recusal_lifted", {"round": rnd.number, "seat": juror.seat, "category": hit["category"]}
