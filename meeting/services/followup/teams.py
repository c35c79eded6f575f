"""An investigation case's team (调查组): its members by role, changed by staff on the case page.

The team starts as the one named in the investigation decision (its detail's "team", checked by
scoring.stages when the decision was recorded). Staff add or remove members while the case is
`team_formed` or `findings`; the first change copies the decision's team onto the case
(`Case.team`), so the decision itself is never rewritten. Every change is one event of the case
stream, with the member and the whole team after it. The team keeps at least one discipline
inspector and one citizen representative (as the decision required), and the case's responsible
person is its first discipline inspector.

The public sees the team's composition only: roles and how many (`public_team`), never names.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy.orm as so

from meeting.errors import Conflict, UserError
from meeting.models import Decision
from meeting.models.cases import Case, CaseEvent, CaseStream
from meeting.services.followup.cases import case_in_stream, naive_utc
from meeting.services.followup.stream import DEFAULT_STREAM, append_case_event, lock_stream
from meeting.services.tx import unit_of_work
from scoring.stages import INVESTIGATION_ROLES, MAX_TEAM, REQUIRED_ROLES

TEAM_EDITABLE = ("team_formed", "findings")   # after clear / confirm the team's work is done
MAX_NAME = 64
LEAD_ROLE = "discipline_inspector"


def team_of(session: so.Session, case: Case) -> list[dict[str, str]]:
    """The case's team as [{name, role}]: its own once changed, else the investigation decision's; [] otherwise."""
    if case.kind != "investigation":
        return []
    if case.team is not None:
        return [dict(m) for m in case.team]
    decision = session.get(Decision, case.decision_id) if case.decision_id else None
    members = (decision.detail or {}).get("team") if decision is not None else None
    return [{"name": str(m.get("name", "")), "role": str(m.get("role", ""))}
            for m in members or [] if isinstance(m, dict)]


def can_edit(case: Case) -> bool:
    """Whether the case page may change the team now."""
    return case.kind == "investigation" and case.status in TEAM_EDITABLE


def public_team(team: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The team's composition, by role only, in the roles' order: [{role, count}] (no names)."""
    counts = {role: sum(1 for m in team if m.get("role") == role) for role in INVESTIGATION_ROLES}
    return [{"role": role, "count": n} for role, n in counts.items() if n]


@unit_of_work
def add_member(session: so.Session, code: str, name: object, role: object, *, actor: str,
               now: dt.datetime | None = None, stream_code: str = DEFAULT_STREAM) -> Case:
    """Add a member (name ≤ 64 characters, role from the closed list) to the team, as one unit of work."""
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    add_member_locked(session, stream, case, name, role, actor=actor, at=naive_utc(now))
    return case


@unit_of_work
def remove_member(session: so.Session, code: str, name: object, role: object, *, actor: str,
                  now: dt.datetime | None = None, stream_code: str = DEFAULT_STREAM) -> Case:
    """Remove a member from the team, as one unit of work; refused if it would leave a required role empty."""
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    remove_member_locked(session, stream, case, name, role, actor=actor, at=naive_utc(now))
    return case


def add_member_locked(session: so.Session, stream: CaseStream, case: Case, name: object, role: object, *,
                      actor: str, at: dt.datetime) -> CaseEvent:
    """Inner step (the stream lock is held, no commit): the member added and its event."""
    team = _editable_team(session, case)
    member = {"name": _clean_name(name), "role": _clean_role(role)}
    if any(m["name"] == member["name"] for m in team):
        raise UserError("team_member_duplicate", name=member["name"])
    if len(team) >= MAX_TEAM:
        raise UserError("team_too_large", n=MAX_TEAM)
    return _save(session, stream, case, [*team, member], "case_team_member_added", member, actor, at)


def remove_member_locked(session: so.Session, stream: CaseStream, case: Case, name: object, role: object, *,
                         actor: str, at: dt.datetime) -> CaseEvent:
    """Inner step (the stream lock is held, no commit): the member removed and its event."""
    team = _editable_team(session, case)
    wanted = {"name": name.strip() if isinstance(name, str) else "", "role": role if isinstance(role, str) else ""}
    if wanted not in team:
        raise UserError("team_member_not_found", name=wanted["name"][:MAX_NAME])
    left = [m for m in team if m != wanted]
    if any(not any(m["role"] == required for m in left) for required in REQUIRED_ROLES):
        raise UserError("team_role_required")
    return _save(session, stream, case, left, "case_team_member_removed", wanted, actor, at)


# --- helpers ------------------------------------------------------------------------------

def _editable_team(session: so.Session, case: Case) -> list[dict[str, str]]:
    if case.kind != "investigation":
        raise Conflict("team_not_investigation", code=case.code)
    if case.status not in TEAM_EDITABLE:
        raise Conflict("team_not_editable", code=case.code)
    return team_of(session, case)


def _clean_name(name: object) -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text:
        raise UserError("team_name_required")
    if len(text) > MAX_NAME:
        raise UserError("team_name_too_long", n=MAX_NAME)
    return text


def _clean_role(role: object) -> str:
    if role not in INVESTIGATION_ROLES:
        raise UserError("team_role_unknown")
    return str(role)


def _save(session: so.Session, stream: CaseStream, case: Case, team: list[dict[str, str]], type_: str,
          member: dict[str, str], actor: str, at: dt.datetime) -> CaseEvent:
    case.team = team   # a new list, so the JSON column is written
    leads = [m["name"] for m in team if m["role"] == LEAD_ROLE]
    if leads:
        case.responsible_person = leads[0]
    return append_case_event(session, stream, case, type_, {
        "case": case.code, "kind": case.kind, "status": case.status, "member": dict(member),
        "team": [dict(m) for m in team], "responsible_person": case.responsible_person}, actor, at)
