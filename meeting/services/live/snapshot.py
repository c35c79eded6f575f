"""One `state` snapshot per audience, built from the database alone.

Any screen can be rebuilt from it after a reconnect, a restart or a missed message. What the
public may see is decided here: masked households, no scores before the reveal.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.audience import Audience
from meeting.models import CallAttempt, Cadre, Decision, Demand, DrawRecord, Household, Meeting, Round
from meeting import telephony
from meeting.services.live.ballots import rubric_of
from meeting.services.calls.attempts import round_calls_view
from meeting.services.calls.cadre import cadre_call_view
from meeting.services.live.claims import claims_view
from meeting.services.draw.bundle import draw_state
from meeting.events_time import iso_at, iso_now
from meeting.services.live import anonymous, recusals
from meeting.services.live.pledges import pledge_view
from meeting.services.live.rounds import current_round, latest_ballots, verification_skip
from scoring.skips import parse_reason
from scoring import stages
from scoring.chain import short_head
from scoring.aggregate import DEFAULT_BANDS, bands_from_json, bands_to_json, effective_quorum
from scoring.calls import survey_answers
from scoring.masking import mask_name, mask_phone
from scoring.rubric import rubric_to_json


def _cadre_card(cadre: Cadre | None) -> dict[str, Any] | None:
    if cadre is None:
        return None
    return {"number": cadre.number, "name": cadre.name, "position": cadre.position, "unit": cadre.unit,
            "rank": cadre.rank, "township": cadre.township.name if cadre.township else ""}


@dataclass(frozen=True)
class Visibility:
    """What one audience's snapshot may contain; the only place that looks at the audience.

    `staff`: the moderator's console: unmasked households, call details, every score and juror
    before the reveal, legal actions, the draw and telephony state. `own_ballot`: the juror's
    own latest ballot. Everyone else gets the public view: masked households, results only
    once revealed, juror names only if the meeting shows them.
    """

    staff: bool = False
    own_ballot: bool = False

    def shows_juror_names(self, meeting: Meeting) -> bool:
        """Whether juror names may appear next to their seats."""
        return self.staff or bool(meeting.show_juror_names)


_VISIBILITY: dict[Audience, Visibility] = {
    Audience.MODERATOR: Visibility(staff=True),
    Audience.JUROR: Visibility(own_ballot=True),
    Audience.PROJECTOR: Visibility(),
    Audience.VIEWER: Visibility(),
    Audience.OVERLAY: Visibility(),
}


def visibility(audience: Audience | str) -> Visibility:
    """The visibility of an audience; ValueError for a name that is not an Audience."""
    return _VISIBILITY[Audience(audience)]


def _calls(session: so.Session, rnd: Round, full: bool) -> list[dict[str, Any]]:
    calls = session.scalars(sa.select(CallAttempt).where(CallAttempt.round_id == rnd.id, CallAttempt.kind == "household")
                            .order_by(CallAttempt.id))
    out = []
    for call in calls:
        h = call.household
        item = {"id": call.id, "state": call.state, "pick": call.pick, "named": call.pick == "manual",
                "answers": survey_answers(call.answers or {}),
                "household": {"code": h.code, "village": h.village.name, "name": mask_name(h.name),
                              "phone": mask_phone(h.phone)}}
        if full:
            item["household"].update(full_name=h.name, full_phone=h.phone)
            item["note"] = call.note
            item["error"] = call.error
            item["provider"] = call.provider
            item["consent"] = (call.answers or {}).get("consent")
        out.append(item)
    return out


MAX_DEMANDS = 3


def _household_card(h: Household) -> dict[str, Any]:
    return {"code": h.code, "name": h.name, "phone": h.phone, "village": h.village.name if h.village else ""}


def _cadre_households(session: so.Session, meeting_id: int, rnd: Round) -> dict[str, Any]:
    """Moderator only: the drawn cadre's households, unmasked, for dialling before any call exists.

    `picked_households` are the verifiable draw's picks in slot order (with a few of their
    demands, so the moderator knows what to ask); `other_households` the rest, for a manual pick.
    """
    if rnd.cadre_id is None:
        return {"picked_households": [], "other_households": []}
    households = {h.id: h for h in session.scalars(
        sa.select(Household).where(Household.cadre_id == rnd.cadre_id).options(so.joinedload(Household.village)))}
    pick_rows = session.execute(sa.select(DrawRecord.slot, DrawRecord.household_id).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind == "household", DrawRecord.cadre_id == rnd.cadre_id)
        .order_by(DrawRecord.slot, DrawRecord.attempt)).all()
    picked_ids: list[int] = []
    for _slot, household_id in pick_rows:
        if household_id in households and household_id not in picked_ids:
            picked_ids.append(household_id)
    demands: dict[int, list[dict[str, Any]]] = {i: [] for i in picked_ids}
    if picked_ids:
        for d in session.scalars(sa.select(Demand).where(Demand.household_id.in_(picked_ids)).order_by(Demand.id)):
            if len(demands[d.household_id]) < MAX_DEMANDS:
                demands[d.household_id].append({"text": d.text, "status": d.status, "level": d.level})
    picked = [{**_household_card(households[i]), "slot": n, "demands": demands[i]} for n, i in enumerate(picked_ids)]
    picked_set = set(picked_ids)
    others = sorted((h for i, h in households.items() if i not in picked_set), key=lambda h: h.code)
    return {"picked_households": picked, "other_households": [_household_card(h) for h in others]}


def _skips(session: so.Session, rnd: Round) -> list[dict[str, Any]]:
    """The round's skipped draws, in order, as data: {draw, number, reason (code), text}. Public:
    every screen shows a skip and its reason the moment it is logged."""
    rows = session.scalars(sa.select(DrawRecord).where(DrawRecord.round_id == rnd.id, DrawRecord.kind == "skip")
                           .order_by(DrawRecord.id))
    out = []
    for r in rows:
        code, words = parse_reason(r.reason or "")
        out.append({"draw": r.detail["draw"], "number": r.detail["number"], "reason": code, "text": words})
    return out


def _decisions(session: so.Session, rnd: Round) -> list[dict[str, Any]]:
    rows = session.scalars(sa.select(Decision).where(Decision.round_id == rnd.id).order_by(Decision.id))
    return [{"kind": d.kind, "detail": d.detail} for d in rows]


def _result(meeting: Meeting, rnd: Round, seen: Visibility) -> dict[str, Any] | None:
    if not rnd.result:
        return None
    if not seen.staff and not stages.result_is_public(rnd.stage):
        return None
    if not seen.staff and anonymous.is_anonymous(meeting, rnd.result):
        return anonymous.public_result(rnd.result)  # no seat, name or juror id next to a score
    result = dict(rnd.result)
    names = seen.shows_juror_names(meeting)
    ballots = []
    for b in result.get("ballots", []):
        item = {"seat": b["seat"], "total": b["total"], "dropped": b["dropped"], "outlier": b["outlier"]}
        if names:
            item["name"] = b["name"]
        if seen.staff:
            item["juror_id"] = b["juror_id"]
            item["scores"] = b["scores"]
        ballots.append(item)
    result["ballots"] = ballots
    return result


def _recusals(meeting: Meeting, recused: list[dict[str, Any]], seen: Visibility) -> list[dict[str, Any]]:
    names = {j.id: j.name for j in meeting.jurors} if seen.shows_juror_names(meeting) else {}
    out = []
    for r in recused:
        item = {"seat": r["seat"], "category": r["category"]}
        if r["juror_id"] in names:
            item["name"] = names[r["juror_id"]]
        if seen.staff:
            item.update(juror_id=r["juror_id"], source=r.get("source", "rule"))
        out.append(item)
    return out


def _round(session: so.Session, meeting: Meeting, rnd: Round | None, seen: Visibility,
           juror_ids: list[int]) -> dict[str, Any] | None:
    if rnd is None:
        return None
    submitted = {b.juror_id for b in latest_ballots(session, rnd.id)}
    recused = recusals.active(rnd)
    eligible = set(juror_ids) - {r["juror_id"] for r in recused}
    out: dict[str, Any] = {
        "id": rnd.id, "number": rnd.number, "kind": rnd.kind, "stage": rnd.stage,
        "cadre": _cadre_card(rnd.cadre), "question": rnd.question,
        "pledge": pledge_view(rnd),  # a pledge round's head, unit, promise, demands, deadline, case
        "report": {"started_at": iso_at(rnd.report_started_at) if rnd.report_started_at else None,
                   "seconds": rnd.report_seconds},
        "calls": _calls(session, rnd, full=seen.staff),
        "discrepancy": rnd.discrepancy,
        "progress": {"submitted": len(submitted & eligible), "expected": len(eligible)},
        # 回避: who sits out this round and why, by category only (never a relation's details)
        "recusals": _recusals(meeting, recused, seen),
        "result": _result(meeting, rnd, seen),
        "decisions": _decisions(session, rnd),
        "skips": _skips(session, rnd),
        # Public like the skips: the chain logs it (scoring opened without a call, and why).
        "verification_skip": verification_skip(session, meeting.id, rnd.number),
        # the phone-in report (None | in_person | phone) and the call to the cadre; the claims
        "report_mode": rnd.report_mode,
        "cadre_call": cadre_call_view(session, rnd, staff=seen.staff),
        **claims_view(session, rnd),
    }
    if seen.staff:
        out["legal_actions"] = list(stages.legal_actions(rnd.kind, rnd.stage))
        out["needs_confirmation"] = sorted(stages.NEEDS_CONFIRMATION)
        out["submitted_jurors"] = sorted(submitted)
        out.update(_cadre_households(session, meeting.id, rnd))
        out.update(round_calls_view(session, meeting.id, rnd, telephony.settings().calls_per_round))
    return out


def leaderboard(session: so.Session, meeting_id: int) -> list[dict[str, Any]]:
    """Revealed rounds, best score first (what the projector's leaderboard shows)."""
    rows = session.scalars(sa.select(Round).where(Round.meeting_id == meeting_id,
                                                  Round.stage.in_(("revealed", "decided"))))
    board = []
    for rnd in rows:
        if not rnd.result:
            continue
        who = _cadre_card(rnd.cadre) if rnd.cadre else {"name": (rnd.question or {}).get("department_head", ""),
                                                         "number": None, "unit": (rnd.question or {}).get("unit", "")}
        board.append({"round": rnd.number, "kind": rnd.kind, "who": who, "final": rnd.result["final"],
                      "band": rnd.result.get("band")})
    board.sort(key=lambda r: (-Decimal(r["final"]), r["round"]))
    return board


_draw_cache: dict[int, tuple[tuple[Any, ...], dict[str, Any]]] = {}


def cached_draw_state(session: so.Session, meeting: Meeting) -> dict[str, Any]:
    """draw_state (which re-derives the draw engine) only when a draw-related fact changed."""
    count, newest = session.execute(sa.select(sa.func.count(DrawRecord.id), sa.func.max(DrawRecord.id))
                                    .where(DrawRecord.meeting_id == meeting.id)).one()
    key = (count, newest, meeting.roster_hash, meeting.commitment, repr(meeting.live_entropy),
           meeting.seed_revealed_at)
    hit = _draw_cache.get(meeting.id)
    if hit is None or hit[0] != key:
        hit = (key, draw_state(session, meeting.id))
        _draw_cache[meeting.id] = hit
    return hit[1]


def build_state(session: so.Session, meeting_id: int, audience: Audience | str,
                juror_id: int | None = None) -> dict[str, Any]:
    """The complete screen state for one audience (an Audience or its name).

    Juror entries carry their `seat` always and their `name` only where names may be shown;
    the round carries its `stage` code (the browser words it).
    """
    audience = Audience(audience)
    seen = visibility(audience)
    meeting = session.get(Meeting, meeting_id)
    jurors = [j for j in meeting.jurors if j.revoked_at is None]
    rnd = current_round(session, meeting_id)
    bands = bands_from_json(meeting.grade_bands) if meeting.grade_bands else DEFAULT_BANDS
    state: dict[str, Any] = {
        "seq": meeting.seq, "audience": audience.value,
        "server_time": iso_now(),
        "meeting": {"id": meeting.id, "title": meeting.title, "venue": meeting.venue,
                    "date": meeting.date.isoformat() if meeting.date else None, "status": meeting.status,
                    "rounds_planned": meeting.rounds_planned, "commitment": meeting.commitment,
                    "roster_hash": meeting.roster_hash, "protocol": meeting.protocol,
                    "rehearsal": meeting.rehearsal, "branch_venues": meeting.branch_venues,
                    "seed_revealed": meeting.seed_revealed_at is not None,
                    "anonymous_seats": bool(meeting.anonymous_seats),
                    # public only once revealed (after close_meeting): the end screens print it
                    "seed": meeting.seed_hex if meeting.seed_revealed_at is not None else None},
        "scene": meeting.scene,
        "entropy": meeting.live_entropy,
        "entropy_sources": meeting.entropy_sources or [],  # declared: {label, kind, count, supplier}
        "rubric": rubric_to_json(rubric_of(meeting)),
        "bands": bands_to_json(bands),
        "round": _round(session, meeting, rnd, seen, [j.id for j in jurors]),
        "leaderboard": leaderboard(session, meeting_id),
        # The chain head after the latest event, for the screens' footer (docs/VERIFY.md §18).
        "chain": {"seq": meeting.seq, "head": short_head(meeting.last_hash)},
    }
    if seen.staff:
        submitted = set(state["round"]["submitted_jurors"]) if state["round"] else set()
        recused = {r["juror_id"]: r["category"] for r in recusals.active(rnd)}
        state["jurors"] = [{"id": j.id, "seat": j.seat, "name": j.name, "category": j.category,
                            "submitted": j.id in submitted, "recused": recused.get(j.id)} for j in jurors]
        state["quorum"] = meeting.quorum
        state["quorum_effective"] = effective_quorum(meeting.quorum, sum(1 for j in jurors if j.id not in recused))
        state["chain_alarm"] = ({"seq": meeting.chain_broken_seq, "problem": meeting.chain_problem}
                                if meeting.chain_broken_seq is not None else None)
        state["draw"] = cached_draw_state(session, meeting)
        state["telephony"] = telephony.status(meeting_id)
    if seen.own_ballot and juror_id is not None and rnd is not None:
        mine = [b for b in latest_ballots(session, rnd.id) if b.juror_id == juror_id]
        state["my_ballot"] = ({"version": mine[0].version, "scores": mine[0].scores, "total": mine[0].total}
                              if mine else None)
    return state


def broadcast_states(session: so.Session, meeting_id: int) -> dict[Audience, dict[str, Any]]:
    """One snapshot per broadcast group after a change: the moderator's, the jurors', the public one.

    Built twice, not five times: the jurors' broadcast is the public view (their own ballot
    comes in acks and in connect/sync snapshots), and every public screen gets the viewer's.
    """
    public = build_state(session, meeting_id, Audience.VIEWER)
    return {Audience.MODERATOR: build_state(session, meeting_id, Audience.MODERATOR),
            Audience.JUROR: {**public, "audience": Audience.JUROR.value},
            Audience.VIEWER: public}
