"""The read side of the draw: public bundle, pre-meeting notice, published roster, live state.

Nothing here returns the seed before it is revealed, nor any household name or phone number.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import Conflict
from meeting.models import Cadre, DrawRecord, Event, Meeting, Township
from meeting.messages import Label
from meeting.services.calls.public import bundle_calls
from meeting.services.tx import get_meeting
from meeting.services.draw.common import as_cadre_draw, cadre_records, is_frozen, outcome, roster_entries
from meeting.services.events import event_as_dict, events_since, iso_at
from scoring import bundle as bundle_mod
from scoring.draw import DrawEngine
from scoring.cells import neutral
from scoring.entropy import example as entropy_example
from scoring.notice import notice_digest, notice_record
from scoring.pool import WHOLE, plan_hash
from scoring.skips import SKIP_REASONS, parse_reason


def build_bundle(session: so.Session, meeting_id: int) -> dict[str, Any]:
    """The public verification bundle (docs/VERIFY.md §9) of a meeting whose seed is revealed.

    NotFound for an unknown meeting; Conflict (code seed_not_revealed) before the reveal.
    Includes the whole event log so the hash chain can be checked end to end.
    """
    meeting = get_meeting(session, meeting_id)
    if meeting.seed_revealed_at is None:
        raise Conflict("seed_not_revealed")
    draws, skips = cadre_records(session, meeting_id)
    draw_list = []
    for record in draws:
        skip = skips.get(record.detail["draw"])
        draw_list.append({**as_cadre_draw(record).as_dict(), "name": record.detail.get("name", ""),
                          "skipped": skip is not None, "skip_reason": skip.reason if skip else ""})
    return bundle_mod.assemble(
        protocol=meeting.protocol, rehearsal=meeting.rehearsal, meeting=_meeting_info(meeting),
        roster_text=meeting.pool_text, roster_sha256=meeting.roster_hash, exclusions=meeting.exclusions,
        plan=meeting.draw_plan, plan_sha256=plan_hash(meeting.draw_plan), commitment=meeting.commitment,
        seed=meeting.seed_hex, entropy=meeting.live_entropy or {"sources": [], "canonical": ""},
        draws=draw_list, household_picks=_household_picks(session, meeting_id),
        calls=bundle_calls(session, meeting_id),
        events=[event_as_dict(e) for e in events_since(session, meeting_id)])


def notice_data(session: so.Session, meeting_id: int) -> dict[str, Any]:
    """Everything the printable pre-meeting notice shows (public; no seed until revealed).

    Conflict (code seed_not_committed) until the pool is frozen and the seed committed.
    """
    meeting = get_meeting(session, meeting_id)
    if not meeting.commitment:
        raise Conflict("notice_not_ready")
    townships = dict(session.execute(sa.select(Township.code, Township.name)).all())
    counts: dict[str, int] = {}
    for entry in roster_entries(meeting):
        counts[entry.stratum] = counts.get(entry.stratum, 0) + 1
    strata = [{"key": s["key"], "draws": s["draws"],
               "name": Label("whole_pool") if s["key"] == WHOLE else townships.get(s["key"], s["key"]),
               "size": meeting.pool_text.count("\n") if s["key"] == WHOLE else counts.get(neutral(s["key"]), 0)}
              for s in meeting.draw_plan["strata"]]
    names = dict(session.execute(sa.select(Cadre.number, Cadre.name).where(
        Cadre.number.in_([x["number"] for x in meeting.exclusions]))).all()) if meeting.exclusions else {}
    committed = session.execute(sa.select(Event.created_at, Event.payload).where(
        Event.meeting_id == meeting_id, Event.type == "seed_committed")).first()
    committed_at, committed_payload = committed if committed else (None, {})
    return {
        "meeting": _meeting_info(meeting), "protocol": meeting.protocol, "rehearsal": meeting.rehearsal,
        "roster_hash": meeting.roster_hash, "pool_size": meeting.pool_text.count("\n"),
        "plan": meeting.draw_plan, "plan_hash": plan_hash(meeting.draw_plan), "strata": strata,
        "exclusions": [{**x, "name": names.get(x["number"], "")} for x in meeting.exclusions],
        "commitment": meeting.commitment, "committed_at": iso_at(committed_at) if committed_at else "",
        "notice_sha256": (committed_payload or {}).get("notice_sha256", ""),
        "entropy": meeting.live_entropy, "revealed": meeting.seed_revealed_at is not None,
        "seed": meeting.seed_hex if meeting.seed_revealed_at is not None else None,
        "chain_head": chain_head(meeting),
        "entropy_sources": [{**x, "example": entropy_example(x)} for x in meeting.entropy_sources or []],
        "skip_reasons": [(code, Label(f"skip_reason_{code}")) for code in SKIP_REASONS],
        "skips": _skips(session, meeting_id),
    }


def notice_sha256(meeting: Meeting) -> str:
    """The notice digest (docs/VERIFY.md §6.1) of a frozen meeting: what its notice promises,
    as the verifier recomputes it from the bundle. commit_seed puts it in seed_committed."""
    return notice_digest(notice_record(
        meeting=_meeting_info(meeting), protocol=meeting.protocol, roster_sha256=meeting.roster_hash,
        pool_size=meeting.pool_text.count("\n"), plan=meeting.draw_plan, plan_sha256=plan_hash(meeting.draw_plan),
        exclusions=meeting.exclusions or [], entropy_sources=meeting.entropy_sources or []))


def chain_head(meeting: Meeting) -> dict[str, Any] | None:
    """The last event's seq and hash once the seed is revealed (the final notice prints them)."""
    if meeting.seed_revealed_at is None:
        return None
    return {"seq": meeting.seq, "hash": meeting.last_hash}


def _skips(session: so.Session, meeting_id: int) -> list[dict[str, Any]]:
    """The skipped draws so far, in order, for the notice after the meeting: {draw, number, reason}
    with the reason in words (a code of the closed list, or the words given with "other")."""
    draws, skips = cadre_records(session, meeting_id)
    out = []
    for record in draws:
        skip = skips.get(record.detail["draw"])
        if skip is not None:
            code, words = parse_reason(skip.reason or "")
            out.append({"draw": record.detail["draw"], "number": record.detail["number"],
                        "reason": words if code == "other" else Label(f"skip_reason_{code}")})
    return out


def published_roster(session: so.Session, meeting_id: int) -> str:
    """The canonical roster file (its SHA-256 is on the notice). Conflict before the freeze."""
    meeting = get_meeting(session, meeting_id)
    if not is_frozen(meeting):
        raise Conflict("pool_not_frozen")
    return meeting.pool_text


def draw_state(session: so.Session, meeting_id: int) -> dict[str, Any]:
    """A public snapshot of the draw for the console, projector and viewers (rebuilds any screen)."""
    meeting = get_meeting(session, meeting_id)
    revealed = meeting.seed_revealed_at is not None
    state: dict[str, Any] = {
        "meeting_id": meeting_id, "frozen": is_frozen(meeting), "committed": bool(meeting.commitment),
        "entropy": meeting.live_entropy, "revealed": revealed, "protocol": meeting.protocol,
        "roster_hash": meeting.roster_hash, "commitment": meeting.commitment,
        "seed": meeting.seed_hex if revealed else None, "plan": meeting.draw_plan if is_frozen(meeting) else None,
        "plan_hash": plan_hash(meeting.draw_plan) if is_frozen(meeting) else "",
        "pool_size": meeting.pool_text.count("\n"), "draws": [], "next": None, "household_picks": {},
    }
    if not is_frozen(meeting):
        return state
    draws, skips = cadre_records(session, meeting_id)
    state["draws"] = [outcome(meeting_id, r, skips.get(r.detail["draw"]), new=False).public() for r in draws]
    engine = DrawEngine(roster_entries(meeting), meeting.draw_plan, b"")
    for record in draws:
        engine.record(as_cadre_draw(record))
        if record.detail["draw"] in skips:
            engine.skip(record.detail["draw"], skips[record.detail["draw"]].reason)
    position = engine.next_position()
    if position is not None and not revealed:
        state["next"] = {"draw": len(draws) + 1, "stratum": position[0], "slot": position[1],
                         "pool_size": engine.pool_size(position[0])}
    state["household_picks"] = {str(h["cadre"]): [p["code"] for p in h["picks"]]
                                for h in _household_picks(session, meeting_id)}
    return state


def _meeting_info(meeting: Meeting) -> dict[str, Any]:
    return {"id": meeting.id, "title": meeting.title, "date": meeting.date.isoformat() if meeting.date else None,
            "venue": meeting.venue}


def _household_picks(session: so.Session, meeting_id: int) -> list[dict[str, Any]]:
    """[{cadre, households (frozen code list), picks}] in the order cadres were first picked for."""
    rows = session.scalars(sa.select(DrawRecord).where(
        DrawRecord.meeting_id == meeting_id, DrawRecord.kind == "household").order_by(DrawRecord.id))
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        group = groups.setdefault(r.stratum, {"cadre": int(r.stratum), "households": [], "picks": []})
        if r.slot == 0:
            group["households"] = list(r.detail.get("households", []))
        group["picks"].append({"slot": r.slot, "attempt": r.attempt, "index": r.index,
                               "pool_size": r.pool_size, "code": r.detail["code"]})
    for group in groups.values():
        group["picks"].sort(key=lambda p: p["slot"])
    return list(groups.values())
