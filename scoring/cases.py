"""The life cycle of a follow-up case (督办事项) and its overdue / escalation assessment.

Pure: `step` maps (a case's state, an action, today) to the next state or raises CaseError;
`assess` says whether a case is overdue today and how far it has escalated. The service loads
the case, calls these, saves, appends an event to the county's case stream and commits once.
No clock is read here: `today` is the county's local date (scoring.deadlines.local_date).

Life cycles (docs/FOLLOWUP.md has the diagrams, `mermaid(kind)`):
- rectification, pledge: open → replied → return_visit → closed; an unsatisfied or
  contradicting return visit → reopened (→ replied again …). "Not satisfied → not closed":
  the only ways to closed are a satisfied return visit, or an organiser's override with a
  written reason (kept and shown publicly as an override).
- penalty (referral for discipline): open → replied (the outcome is reported) → closed when the
  organiser accepts it; reopened if not.
- investigation: team_formed → findings → cleared | confirmed (confirmed opens a penalty case).
- overdue is not a status but an assessment on top of it (reply late / completion late), so a
  late reply moves the case on without losing where it is; the escalation level only rises.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from scoring import deadlines
from scoring.deadlines import Policy
from scoring.rubric import InputError

KINDS = ("rectification", "investigation", "penalty", "pledge")
# Which decision kind (scoring.stages.DECISION_KINDS) opens which case kind; "pass" opens none.
DECISION_CASE_KIND: dict[str, str] = {"rectification": "rectification", "investigation": "investigation",
                                      "discipline": "penalty"}
VISIT_OUTCOMES = ("satisfied", "unsatisfied", "contradicting")
TERMINAL = ("closed", "cleared", "confirmed")
MAX_REASON = 500

_HOUSEHOLD_CYCLE: dict[str, tuple[tuple[str, str], ...]] = {
    "open": (("reply", "replied"), ("override_close", "closed")),
    "replied": (("start_return_visit", "return_visit"), ("override_close", "closed")),
    "return_visit": (("visit_satisfied", "closed"), ("visit_unsatisfied", "reopened"),
                     ("override_close", "closed")),
    "reopened": (("reply", "replied"), ("override_close", "closed")),
    "closed": (("reopen", "reopened"),),
}
_GRAPH: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "rectification": _HOUSEHOLD_CYCLE,
    "pledge": _HOUSEHOLD_CYCLE,
    "penalty": {
        "open": (("reply", "replied"), ("override_close", "closed")),
        "replied": (("accept_outcome", "closed"), ("reopen", "reopened")),
        "reopened": (("reply", "replied"), ("override_close", "closed")),
        "closed": (("reopen", "reopened"),),
    },
    "investigation": {
        "team_formed": (("record_findings", "findings"),),
        "findings": (("clear", "cleared"), ("confirm", "confirmed")),
        "cleared": (),
        "confirmed": (),
    },
}
# Actions whose reason text is required (kept in the log and, for overrides, shown publicly).
_NEEDS_REASON = ("override_close", "visit_unsatisfied", "reopen", "reply", "record_findings", "clear", "confirm",
                 "accept_outcome")


class CaseError(InputError):
    """A case action is refused; `code` is stable (case_transition_refused, case_reason_required …)."""


@dataclass(frozen=True)
class CaseState:
    """The part of a case the rules look at (plain values; the model has more)."""

    kind: str
    status: str
    opened_on: dt.date
    reply_due: dt.date | None
    deadline: dt.date | None
    replied_on: dt.date | None = None
    overdue_reason: str | None = None   # None | "reply" | "completion"
    overdue_since: dt.date | None = None
    escalation: str = "unit"
    reopen_count: int = 0
    closed_on: dt.date | None = None
    closed_by_override: bool = False


@dataclass(frozen=True)
class Assessment:
    """Overdue or not today, since when, and the escalation level reached."""

    overdue_reason: str | None
    overdue_since: dt.date | None
    escalation: str


def initial_status(kind: str) -> str:
    """The status a new case of this kind starts in."""
    _check_kind(kind)
    return "team_formed" if kind == "investigation" else "open"


def plan(kind: str, opened_on: dt.date, deadline: dt.date | None, policy: Policy) -> tuple[dt.date | None, dt.date]:
    """(reply due, completion deadline) of a new case; `deadline` is what the decision promised, if any.

    An investigation has no reply period: its deadline is when the findings are due.
    """
    _check_kind(kind)
    if deadline is None:
        days = {"rectification": policy.rectification_days, "investigation": policy.investigation_days,
                "penalty": policy.penalty_days, "pledge": policy.pledge_days}[kind]
        deadline = deadlines.add_days(opened_on, days)
    if kind == "investigation":
        return None, deadline
    return deadlines.reply_due(opened_on, deadline, policy), deadline


def new_case(kind: str, opened_on: dt.date, deadline: dt.date | None, policy: Policy) -> CaseState:
    """The state of a case opened today."""
    due, final = plan(kind, opened_on, deadline, policy)
    return CaseState(kind=kind, status=initial_status(kind), opened_on=opened_on, reply_due=due, deadline=final)


def actions(kind: str, status: str) -> tuple[str, ...]:
    """The actions allowed from `status` (the first is the usual next step)."""
    _check_kind(kind)
    return tuple(action for action, _ in _GRAPH[kind].get(status, ()))


def target(kind: str, status: str, action: str) -> str:
    """The status `action` leads to from `status`; CaseError(case_transition_refused) if not allowed."""
    _check_kind(kind)
    for name, to in _GRAPH[kind].get(status, ()):
        if name == action:
            return to
    raise CaseError("status", "case_transition_refused", f"{action} is not allowed for a {kind} case in {status}")


def clean_reason(reason: object, *, required: bool) -> str:
    """The reason text stripped; CaseError if it is missing (when required), not text or too long."""
    if reason is None:
        reason = ""
    if not isinstance(reason, str):
        raise CaseError("reason", "case_reason_type", "the reason is text")
    reason = reason.strip()
    if required and not reason:
        raise CaseError("reason", "case_reason_required", "a reason is required")
    if len(reason) > MAX_REASON:
        raise CaseError("reason", "case_reason_too_long", f"the reason is at most {MAX_REASON} characters")
    return reason


def visit_action(outcome: str) -> str:
    """The action a return visit's outcome is: satisfied closes, unsatisfied or contradicting reopens."""
    if outcome not in VISIT_OUTCOMES:
        raise CaseError("outcome", "case_outcome_unknown", f"the outcome is one of {', '.join(VISIT_OUTCOMES)}")
    return "visit_satisfied" if outcome == "satisfied" else "visit_unsatisfied"


def step(state: CaseState, action: str, today: dt.date, policy: Policy, reason: object = "") -> CaseState:
    """The state after `action` on `today` (reassessed for overdue); raises CaseError.

    - reply: replied_on = today (late or not; a late reply clears the reply overdue).
    - visit_unsatisfied / reopen: reopened, reopen_count + 1, a new reply period from today
      (the completion deadline stays what was promised).
    - override_close: closed, closed_by_override (the reason is required and public).
    """
    to = target(state.kind, state.status, action)
    clean_reason(reason, required=action in _NEEDS_REASON)
    changes: dict[str, object] = {"status": to}
    if action == "reply":
        changes["replied_on"] = today
    if to == "reopened":
        changes.update(reopen_count=state.reopen_count + 1, replied_on=None, closed_on=None, closed_by_override=False,
                       reply_due=deadlines.reply_due(today, state.deadline if state.deadline and state.deadline >= today
                                                     else None, policy))
    if to in TERMINAL:
        changes.update(closed_on=today, closed_by_override=action == "override_close")
    moved = dataclasses.replace(state, **changes)  # type: ignore[arg-type]
    return apply_assessment(moved, assess(moved, today, policy))


def assess(state: CaseState, today: dt.date, policy: Policy) -> Assessment:
    """Whether the case is overdue on `today`, since when, and its escalation level.

    Reply overdue: open or reopened after the reply due day. Completion overdue: not yet
    closed (cleared, confirmed) after the deadline; an investigation only while it awaits
    findings. Closed cases are never overdue. The level is never lower than it was.
    """
    if state.status in TERMINAL:
        return Assessment(None, None, state.escalation)
    late: list[tuple[dt.date, str]] = []
    if state.status in ("open", "reopened") and deadlines.is_past(state.reply_due, today):
        assert state.reply_due is not None
        late.append((state.reply_due, "reply"))
    awaiting = state.status == "team_formed" if state.kind == "investigation" else True
    if awaiting and deadlines.is_past(state.deadline, today):
        assert state.deadline is not None
        late.append((state.deadline, "completion"))
    if not late:
        return Assessment(None, None, state.escalation)
    since = deadlines.overdue_since(min(due for due, _ in late))
    reason = "completion" if any(r == "completion" for _, r in late) else "reply"
    level = deadlines.higher_level(state.escalation, deadlines.escalation_for(since, today, policy))
    return Assessment(reason, since, level)


def apply_assessment(state: CaseState, assessment: Assessment) -> CaseState:
    """`state` with the assessment's overdue fields and level."""
    return dataclasses.replace(state, overdue_reason=assessment.overdue_reason, overdue_since=assessment.overdue_since,
                               escalation=assessment.escalation)


def assessment_of(state: CaseState) -> Assessment:
    """The assessment stored in a state (to compare with a fresh one)."""
    return Assessment(state.overdue_reason, state.overdue_since, state.escalation)


def case_code(day: dt.date, round_number: int | None, seq: int) -> str:
    """The public code: '2026-03-24-R2-01' (date, round, nth case of that round); '2026-03-24-01' without a round."""
    if seq < 1:
        raise ValueError("seq starts at 1")
    if round_number is None:
        return f"{day.isoformat()}-{seq:02d}"
    return f"{day.isoformat()}-R{round_number}-{seq:02d}"


def child_code(parent_code: str, seq: int) -> str:
    """The code of the penalty case a confirmed investigation opens: '2026-03-24-R2-01-P1'."""
    return f"{parent_code}-P{seq}"


def public_view(state: CaseState) -> Mapping[str, object]:
    """What the public may see of the state: status, overdue, level, and whether an override closed it."""
    return {"status": state.status, "overdue": state.overdue_reason is not None,
            "overdue_reason": state.overdue_reason,
            "overdue_since": state.overdue_since.isoformat() if state.overdue_since else None,
            "escalation": state.escalation, "closed_by_override": state.closed_by_override,
            "reopen_count": state.reopen_count}


def mermaid(kind: str) -> str:
    """The life cycle of one case kind as Mermaid text (for docs/FOLLOWUP.md)."""
    lines = ["stateDiagram-v2", f"    [*] --> {initial_status(kind)}"]
    for status, edges in _GRAPH[kind].items():
        lines += [f"    {status} --> {to}: {action}" for action, to in edges]
    return "\n".join(lines)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise CaseError("kind", "case_kind_unknown", f"the case kind is one of {', '.join(KINDS)}")
