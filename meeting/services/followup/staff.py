"""What staff (admin, case officer) see and do on one case's page: the timeline and the actions
the life cycle allows now — reply on behalf of the unit, start a return visit, record its outcome,
record an investigation's findings, clear or confirm them (confirm opens the penalty case), accept
a penalty case's outcome, close by override with a reason, reopen with a reason — and an
investigation's team (services/followup/teams.py)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from meeting.errors import UserError
from meeting.models import Meeting, Township
from meeting.models.cases import Case, CaseAttachment, CaseStream
from meeting.services.followup.cases import act_locked, case_in_stream, get_case, naive_utc
from meeting.services.followup.reply_links import active_link, parse_proposed
from meeting.services.followup.stream import DEFAULT_STREAM, lock_stream, stream_events
from meeting.services.followup.teams import can_edit, team_of
from meeting.services.followup.visits import start_visit_locked
from meeting.services.tx import unit_of_work
from scoring import cases as rules
from scoring.deadlines import Policy, local_date
from scoring.masking import mask_name
from scoring.stages import INVESTIGATION_ROLES

# The actions of the case page, in the order the page offers them.
# "record_visit" stands for the life cycle's visit_satisfied / visit_unsatisfied, chosen by the outcome.
STAFF_ACTIONS = ("reply", "start_return_visit", "record_visit", "record_findings", "clear", "confirm",
                 "accept_outcome", "override_close", "reopen")
FOLLOWUP_ROLES = ("admin", "case_officer")   # who may see the dashboard and act on cases


def staff_actions(case: Case) -> tuple[str, ...]:
    """The page's actions the life cycle allows from the case's status now."""
    allowed = set(rules.actions(case.kind, case.status))
    if "visit_satisfied" in allowed:
        allowed.add("record_visit")
    return tuple(a for a in STAFF_ACTIONS if a in allowed)


def case_page(session: so.Session, code: str) -> dict[str, Any]:
    """The case, its timeline (its events of the case stream, oldest first), the actions allowed now,
    its files, its township and meeting, whether it has a working reply link, households masked, and
    an investigation's team (names and roles: staff only) and whether it may be changed now."""
    case = get_case(session, code)
    events = stream_events(session, _stream_code(session, case), case_id=case.id)
    files = session.scalars(sa.select(CaseAttachment).where(CaseAttachment.case_id == case.id)
                            .order_by(CaseAttachment.id)).all()
    link = active_link(session, case.id)
    township = session.get(Township, case.township_id) if case.township_id else None
    meeting = session.get(Meeting, case.meeting_id) if case.meeting_id else None
    return {"case": case, "events": events, "actions": staff_actions(case), "files": files,
            "link": link, "township": township.name if township else "", "meeting": meeting,
            "households": [(h.code, mask_name(h.name)) for h in case.households],
            "findings": _last_text(events, "case_findings_recorded"),
            "team": team_of(session, case), "team_editable": can_edit(case), "team_roles": INVESTIGATION_ROLES}


@unit_of_work
def staff_act(session: so.Session, code: str, action: str, *, actor: str, reason: object = "",
              proposed: object = None, outcome: str | None = None, now: dt.datetime | None = None,
              policy: Policy | None = None, stream_code: str = DEFAULT_STREAM) -> Case:
    """One action of the case page, as one unit of work: UserError(case_action_unknown) for another
    action; the life cycle's refusals (wrong status, reason missing) change nothing."""
    if action not in STAFF_ACTIONS:
        raise UserError("case_action_unknown", action=str(action)[:32])
    step = action
    if action == "record_visit":
        try:
            step = rules.visit_action(str(outcome or ""))
        except rules.CaseError as exc:
            raise UserError(exc.code, outcome=str(outcome or "")[:32]) from None
    policy = policy or Policy()
    at = naive_utc(now)
    stream = lock_stream(session, stream_code)
    case = case_in_stream(session, stream, code)
    day = parse_proposed(proposed, local_date(at, policy.zone)) if action == "reply" else None
    extra = {"on_behalf": True, "proposed_completion": day.isoformat() if day else None} if action == "reply" else {}
    if action == "start_return_visit":  # drawn and published like every visit (services/followup/visits.py)
        start_visit_locked(session, stream, case, actor, at=at, policy=policy)
        return case
    if action == "record_visit":
        extra = {"by_hand": True}  # recorded by staff from the case page, not by a visit call's survey
    act_locked(session, stream, case, step, actor=actor, reason=reason if isinstance(reason, str) else "",
               at=at, policy=policy, outcome=outcome if action == "record_visit" else None, extra=extra)
    if action == "reply":
        case.proposed_completion = day
    return case


def _stream_code(session: so.Session, case: Case) -> str:
    stream = session.get(CaseStream, case.stream_id)
    return stream.code if stream else DEFAULT_STREAM


def _last_text(events: list[Any], type_: str) -> str:
    """The reason of the newest event of this type (e.g. the findings), "" if none."""
    texts = [str((e.payload or {}).get("reason") or "") for e in events if e.type == type_]
    return texts[-1] if texts else ""
