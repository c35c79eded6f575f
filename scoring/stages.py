"""The round state machine the server enforces, and the on-the-spot decisions that end a round.

Pure: `transition` maps (kind, stage, action) to the next stage or raises; the service loads
the round, calls it, saves the new stage, appends an event and commits. Diagram and rules in
docs/SCORING.md (the diagram there is `mermaid(kind)`, checked by a test).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Mapping

from scoring.aggregate import QuorumNotMet
from scoring.pool import clean_text
from scoring.rubric import InputError

ROUND_KINDS = ("cadre", "question", "pledge")

# kind -> stage -> ordered (action, next stage). The first action of a stage is the usual next
# step (the console's primary button); the others are alternatives.
_TAIL: dict[str, tuple[tuple[str, str], ...]] = {
    "scoring_open": (("close_scoring", "scoring_closed"),),
    "scoring_closed": (("reveal_result", "revealed"), ("reopen_scoring", "scoring_open")),
    "revealed": (("record_decision", "decided"),),
    # next_round leaves this round decided: the service creates a new round at initial_stage().
    # record_decision again adds a further decision (e.g. rectification and investigation).
    "decided": (("next_round", "decided"), ("record_decision", "decided")),
}
_GRAPH: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "cadre": {
        "draw": (("start_report", "report"),),
        "report": (("start_verification", "verification"),),
        # Scoring opens once a call has an outcome; without one, only by an explicit, logged
        # skip_verification with a reason (VERIFICATION_SKIP_REASONS): never by one stray key.
        "verification": (("open_scoring", "scoring_open"), ("skip_verification", "scoring_open")),
        **_TAIL,
    },
    "question": {
        "question": (("start_answer", "answer"),),
        # A question round is scored by default; the moderator may instead go straight to a decision.
        "answer": (("open_scoring", "scoring_open"), ("record_decision", "decided")),
        **_TAIL,
    },
    # A department head's public pledge (公开承诺): named on stage, confirmed once (the case opens
    # in the same step), never scored. next_round leaves it pledged, like a decided round.
    "pledge": {
        "pledge": (("record_pledge", "pledged"),),
        "pledged": (("next_round", "pledged"),),
    },
}
STAGES: dict[str, tuple[str, ...]] = {kind: tuple(graph) for kind, graph in _GRAPH.items()}
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(a for g in _GRAPH.values() for edges in g.values() for a, _ in edges))

# The truly irreversible actions (the hall sees the result; a decision is on the record; the
# round is over), and those the console asks to confirm: these plus close_scoring, which only
# reopen_scoring can undo, and only before the reveal.
IRREVERSIBLE = frozenset({"reveal_result", "record_decision", "record_pledge", "next_round"})
NEEDS_CONFIRMATION = IRREVERSIBLE | {"close_scoring"}
# Actions whose guard needs data from the database, and the keyword arguments they need.
GUARDS: dict[str, tuple[str, ...]] = {
    "start_report": ("has_subject",),
    "start_answer": ("has_subject",),
    "close_scoring": ("ballots", "quorum"),
    "skip_verification": ("skip_reason",),
}
# Guards of one action in one stage only: open_scoring counts calls in a cadre round's
# verification, not after a question round's answer.
STAGE_GUARDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("verification", "open_scoring"): ("calls_with_outcome",),
}
# Call states that are an outcome of the line (scoring.calls): the household answered, or was
# busy, did not answer, or the call failed. A call the moderator cancelled is no outcome.
CALL_OUTCOMES = ("ended", "busy", "no_answer", "failed")
# Why verification was skipped: a closed list (the console's choices) plus "other" with words.
VERIFICATION_SKIP_REASONS = ("line_down", "no_households", "time_limit", "other")
_OTHER_PREFIX = "other: "
MAX_SKIP_TEXT = 200


class TransitionRefused(ValueError):
    """Base of refused actions; `code` is stable for translation."""

    code = "refused"

    def __init__(self, kind: str, stage: str, action: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.stage, self.action = kind, stage, action


class IllegalTransition(TransitionRefused):
    """The action is not legal from this stage (or the stage/action is unknown)."""

    code = "illegal"

    def __init__(self, kind: str, stage: str, action: str) -> None:
        super().__init__(kind, stage, action, f"{action!r} is not legal in stage {stage!r} of a {kind} round")


class NoSubject(TransitionRefused):
    """start_report / start_answer before a cadre is drawn or a department head is named."""

    code = "no_subject"

    def __init__(self, kind: str, stage: str, action: str) -> None:
        super().__init__(kind, stage, action, "nobody has been drawn or called up for this round yet")


class NoCallOutcome(TransitionRefused):
    """open_scoring in verification before any call of the round has an outcome."""

    code = "no_call_outcome"

    def __init__(self, kind: str, stage: str, action: str) -> None:
        super().__init__(kind, stage, action, "no call of this round has an outcome yet")


class VerificationSkipReasonError(ValueError):
    """A skip_verification reason not on the list, or "other" without words; `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def verification_skip_reason(code: object, text: object = "") -> str:
    """The canonical reason for skipping verification: a listed code, or "other: <words>".

    Raises VerificationSkipReasonError with code verification_skip_reason_unknown (not on the
    list), verification_skip_reason_missing ("other" without words) or
    verification_skip_reason_too_long (over MAX_SKIP_TEXT characters).
    """
    if code not in VERIFICATION_SKIP_REASONS:
        raise VerificationSkipReasonError("verification_skip_reason_unknown")
    if code != "other":
        return str(code)
    words = clean_text(text if isinstance(text, str) else "")
    if not words:
        raise VerificationSkipReasonError("verification_skip_reason_missing")
    if len(words) > MAX_SKIP_TEXT:
        raise VerificationSkipReasonError("verification_skip_reason_too_long")
    return _OTHER_PREFIX + words


def parse_verification_skip_reason(reason: str) -> tuple[str, str]:
    """(code, words) of a stored reason: ("time_limit", "") or ("other", "…")."""
    if reason.startswith(_OTHER_PREFIX):
        return "other", reason[len(_OTHER_PREFIX):]
    return (reason, "") if reason in VERIFICATION_SKIP_REASONS else ("other", reason)


def _graph(kind: str) -> dict[str, tuple[tuple[str, str], ...]]:
    try:
        return _GRAPH[kind]
    except KeyError:
        raise ValueError(f"unknown round kind {kind!r}; one of {', '.join(ROUND_KINDS)}") from None


def initial_stage(kind: str) -> str:
    """The stage a new round of this kind starts in ("draw", "question" or "pledge")."""
    return next(iter(_graph(kind)))


def legal_actions(kind: str, stage: str) -> tuple[str, ...]:
    """The actions legal from this stage, the usual next step first (the console's buttons)."""
    graph = _graph(kind)
    if stage not in graph:
        raise ValueError(f"unknown stage {stage!r} for a {kind} round")
    return tuple(a for a, _ in graph[stage])


def check_close_scoring(ballots: int, quorum: int) -> None:
    """Raise QuorumNotMet unless `ballots` (jurors with a ballot) reaches `quorum`."""
    if ballots < quorum:
        raise QuorumNotMet(ballots, quorum)


def transition(kind: str, stage: str, action: str, *, has_subject: bool | None = None,
               ballots: int | None = None, quorum: int | None = None, calls_with_outcome: int | None = None,
               skip_reason: str | None = None) -> str:
    """The stage after `action`, or raise; nothing is changed either way (pure).

    Raises ValueError for an unknown kind, IllegalTransition for an action not legal from
    `stage`, TypeError when a guarded action lacks its data (see GUARDS), NoSubject when
    start_report/start_answer comes before anyone is drawn or named, QuorumNotMet when
    close_scoring has fewer ballots than the quorum, and NoCallOutcome when open_scoring
    leaves verification with no call that has an outcome (`calls_with_outcome` is 0).
    skip_verification needs `skip_reason`, the canonical text of verification_skip_reason().
    """
    graph = _graph(kind)
    target = dict(graph.get(stage, ())).get(action)
    if target is None:
        raise IllegalTransition(kind, stage, action)
    given = {"has_subject": has_subject, "ballots": ballots, "quorum": quorum,
             "calls_with_outcome": calls_with_outcome, "skip_reason": skip_reason}
    needed = GUARDS.get(action, ()) + STAGE_GUARDS.get((stage, action), ())
    missing = [name for name in needed if given[name] is None]
    if missing:
        raise TypeError(f"{action} needs {', '.join(n + '=' for n in missing)}")
    if action in ("start_report", "start_answer") and not has_subject:
        raise NoSubject(kind, stage, action)
    if action == "close_scoring":
        check_close_scoring(ballots, quorum)  # type: ignore[arg-type]
    if (stage, action) == ("verification", "open_scoring") and not calls_with_outcome:
        raise NoCallOutcome(kind, stage, action)
    if action == "skip_verification" and not skip_reason:
        raise TypeError("skip_verification needs a non-empty skip_reason=")
    return target


def accepts_ballots(stage: str) -> bool:
    """Jurors may submit or revise ballots only while scoring is open."""
    return stage == "scoring_open"


def result_is_public(stage: str) -> bool:
    """Public screens may show the round's result only from the reveal on."""
    return stage in ("revealed", "decided")


def mermaid(kind: str) -> str:
    """The state diagram of one round kind as Mermaid text (pasted into docs/SCORING.md)."""
    lines = ["stateDiagram-v2", f"    [*] --> {initial_stage(kind)}"]
    for stage, edges in _graph(kind).items():
        lines += [f"    {stage} --> {target}: {action}" for action, target in edges]
    return "\n".join(lines)


# --- decisions ---------------------------------------------------------------------------

DECISION_KINDS = ("pass", "rectification", "investigation", "discipline")
INVESTIGATION_ROLES = ("discipline_inspector", "deputy", "cppcc_member", "citizen_rep")
REQUIRED_ROLES = ("discipline_inspector", "citizen_rep")
_FIELDS = {
    "pass": {"note"},
    "rectification": {"items", "deadline", "responsible", "note"},
    "investigation": {"reason", "team", "report_by", "note"},
    "discipline": {"reason", "note"},
}
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
MAX_ITEMS = 20
MAX_TEAM = 15


class DecisionError(InputError):
    """A decision's detail is invalid; `field` is e.g. "items[1]" or "team[0].role"."""


def _text(detail: Mapping[str, Any], field: str, limit: int, *, required: bool, where: str | None = None) -> str:
    where = where or field
    value = detail.get(field)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise DecisionError(where, "required" if value is None else "type", f"{field} must be text")
    value = value.strip()
    if required and not value:
        raise DecisionError(where, "required", f"{field} is required")
    if len(value) > limit:
        raise DecisionError(where, "too_long", f"{field} is at most {limit} characters")
    return value


def _date(detail: Mapping[str, Any], field: str, today: dt.date, *, required: bool) -> str | None:
    value = detail.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise DecisionError(field, "required" if value is None else "format", f"{field} is a date YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise DecisionError(field, "format", f"{field} is not a valid date") from None
    if day < today:
        raise DecisionError(field, "past", f"{field} must not be in the past")
    return day.isoformat()


def _items(detail: Mapping[str, Any]) -> list[str]:
    items = detail.get("items")
    if not isinstance(items, (list, tuple)) or not items:
        raise DecisionError("items", "required", "at least one rectification item is required")
    if len(items) > MAX_ITEMS:
        raise DecisionError("items", "too_many", f"at most {MAX_ITEMS} items")
    return [_text({"item": item}, "item", 200, required=True, where=f"items[{i}]") for i, item in enumerate(items)]


def _team(detail: Mapping[str, Any]) -> list[dict[str, str]]:
    team = detail.get("team")
    if not isinstance(team, (list, tuple)) or not team:
        raise DecisionError("team", "required", "the investigation team is required")
    if len(team) > MAX_TEAM:
        raise DecisionError("team", "too_many", f"at most {MAX_TEAM} members")
    out: list[dict[str, str]] = []
    for i, member in enumerate(team):
        if not isinstance(member, Mapping):
            raise DecisionError(f"team[{i}]", "type", "each member is an object {name, role}")
        extra = sorted(str(k) for k in member if k not in ("name", "role"))
        if extra:
            raise DecisionError(f"team[{i}].{extra[0]}", "unexpected", f"unknown field {extra[0]!r}")
        name = _text(member, "name", 64, required=True, where=f"team[{i}].name")
        role = member.get("role")
        if role not in INVESTIGATION_ROLES:
            raise DecisionError(f"team[{i}].role", "role", f"role is one of {', '.join(INVESTIGATION_ROLES)}")
        if any(m["name"] == name for m in out):
            raise DecisionError(f"team[{i}].name", "duplicate", f"{name} is already on the team")
        out.append({"name": name, "role": role})
    for role in REQUIRED_ROLES:
        if not any(m["role"] == role for m in out):
            raise DecisionError("team", "missing_role", f"the team needs at least one {role}")
    return out


def validate_decision(kind: str, detail: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """Check a decision and return its normalised, JSON-safe detail (texts stripped, dates ISO).

    `today` is the meeting's local date (the core reads no clock). Every optional field is
    present in the output ("" or None), unknown fields are refused. Raises DecisionError.
    """
    if kind not in DECISION_KINDS:
        raise DecisionError("kind", "unknown", f"the decision is one of {', '.join(DECISION_KINDS)}")
    if not isinstance(detail, Mapping):
        raise DecisionError("", "type", "the decision detail is an object")
    if isinstance(today, dt.datetime):
        today = today.date()
    extra = sorted(str(k) for k in detail if k not in _FIELDS[kind])
    if extra:
        raise DecisionError(extra[0], "unexpected", f"{extra[0]!r} is not a field of a {kind} decision")
    if kind == "pass":
        return {"note": _text(detail, "note", 500, required=False)}
    if kind == "rectification":
        return {"items": _items(detail), "deadline": _date(detail, "deadline", today, required=True),
                "responsible": _text(detail, "responsible", 64, required=True),
                "note": _text(detail, "note", 500, required=False)}
    if kind == "investigation":
        return {"reason": _text(detail, "reason", 500, required=True), "team": _team(detail),
                "report_by": _date(detail, "report_by", today, required=False),
                "note": _text(detail, "note", 500, required=False)}
    return {"reason": _text(detail, "reason", 500, required=True), "note": _text(detail, "note", 500, required=False)}
