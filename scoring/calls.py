"""Call-out verification, pure: call states, the keypad survey, and who to call next.

Call states move forward only. Telephony callbacks arrive twice or out of order (a `completed`
can overtake a `ringing`), so `advance` answers "does this event move the call?" and the
service ignores (but stores) every event that does not. Providers' own vocabularies (Twilio's
CallStatus, …) are translated into these states by their adapters (meeting/telephony/).
Standard library only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

# Progress states in order; then the terminal states, all equally final.
PROGRESS = ("queued", "dialling", "ringing", "answered")
TERMINAL = ("ended", "busy", "no_answer", "failed", "canceled")
STATES = PROGRESS + TERMINAL
ACTIVE = PROGRESS  # a call in one of these may still change
UNREACHABLE = ("busy", "no_answer", "failed")  # the household could not be reached: call a backup
_RANK = {state: i for i, state in enumerate(PROGRESS)} | {state: len(PROGRESS) for state in TERMINAL}

def is_terminal(state: str) -> bool:
    """True once nothing can change the call any more."""
    return state in TERMINAL


def advance(current: str, incoming: str) -> str | None:
    """The call's new state after an event reporting `incoming`, or None to ignore the event.

    Forward only: an event for an earlier or equal state (a duplicate, or one overtaken by a
    later event) is ignored, and nothing moves a terminal call. A household that answered
    cannot afterwards be busy or unanswered: a late busy/no_answer/canceled after `answered`
    reads as `ended` (the call did connect). Unknown states raise ValueError.
    """
    if current not in _RANK or incoming not in _RANK:
        raise ValueError(f"unknown call state: {current if current not in _RANK else incoming!r}")
    if is_terminal(current) or _RANK[incoming] <= _RANK[current]:
        return None
    if current == "answered" and incoming in ("busy", "no_answer", "canceled"):
        return "ended"
    return incoming


# --- the keypad survey ------------------------------------------------------------------

QUESTIONS = ("visited", "resolved", "satisfaction")
STEPS = ("consent",) + QUESTIONS  # the order of the Gathers on the household's call
VISITED = ("yes", "no")
RESOLVED = ("yes", "partly", "no", "none")
DIGITS: dict[str, dict[str, Any]] = {
    "consent": {"1": "yes", "2": "no"},
    "visited": {"1": "yes", "2": "no"},
    "resolved": {"1": "yes", "2": "partly", "3": "no", "4": "none"},
    "satisfaction": {str(n): n for n in range(1, 6)},
}
_DIGITS_RE = re.compile(r"[0-9*#]{0,8}", re.ASCII)


def parse_digit(question: str, digits: str | None) -> Any:
    """The answer a key press means for a survey step, or None if it means nothing.

    Only the first key counts (a household pressing "1#" meant 1). Unknown steps raise ValueError.
    """
    if question not in DIGITS:
        raise ValueError(f"unknown survey step {question!r}")
    text = (digits or "").strip()
    if not _DIGITS_RE.fullmatch(text) or not text:
        return None
    return DIGITS[question].get(text[0])


def next_step(step: str) -> str | None:
    """The survey step after `step` ("consent" -> "visited" -> … -> None at the end)."""
    i = STEPS.index(step)
    return STEPS[i + 1] if i + 1 < len(STEPS) else None


def survey_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Only the survey's answers (what screens show), without consent or other bookkeeping."""
    return {k: answers[k] for k in QUESTIONS if answers.get(k) is not None}


def contradicts_claim(answers: Mapping[str, Any]) -> bool:
    """The drawn cadre reports every contact household visited and its demands handled; a
    household saying it was not visited, or that its demand was not resolved, contradicts that."""
    return answers.get("visited") == "no" or answers.get("resolved") == "no"


def merge_answer(given: Any, value: Any) -> tuple[Any, str]:
    """Answers move forward only: the first answer to a step stands.

    `given` is what the step already holds (None: not answered yet), `value` what a key press
    means (None: no valid key). Returns (the answer that stands, what the press did):
    "recorded" (the first answer), "repeated" (the same answer again), "ignored" (a different
    later answer: a replayed or forged webhook; the earlier answer stands), or "none" (no valid
    key, or no new one for an answered step).
    """
    if given is None:
        return (None, "none") if value is None else (value, "recorded")
    if value is None:
        return given, "none"
    return given, ("repeated" if value == given else "ignored")


# --- who to call ------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedHousehold:
    """One household the verifiable draw picked, and where its calls stand."""

    code: str
    slot: int
    pick: str    # "draw" (one of the first `per_round`) or "backup"
    status: str  # to_call | calling | reached | unreachable

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"code": self.code, "slot": self.slot, "pick": self.pick, "status": self.status}


@dataclass(frozen=True)
class CallPlan:
    """The households to call, how many picks are needed, and the next one to dial."""

    per_round: int
    needed: int
    households: tuple[PlannedHousehold, ...]
    next: str | None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (moderator snapshot: round.call_plan)."""
        return {"per_round": self.per_round, "needed": self.needed, "next": self.next,
                "households": [h.to_json() for h in self.households]}


def household_status(states: Sequence[str]) -> str:
    """Where one household's calls stand, from the states of its attempts (oldest first).

    Any live attempt: calling; any ended call: reached; only unreachable outcomes: unreachable;
    nothing, or only calls the moderator cancelled: to_call (they may dial again).
    """
    if any(s in ACTIVE for s in states):
        return "calling"
    if "ended" in states:
        return "reached"
    if states and all(s in UNREACHABLE or s == "canceled" for s in states) and any(s in UNREACHABLE for s in states):
        return "unreachable"
    return "to_call"


def call_plan(picked: Sequence[str], attempts: Iterable[tuple[str, str]], per_round: int) -> CallPlan:
    """Plan the calls of a round.

    `picked`: household codes in the verifiable draw's slot order; `attempts`: (code, state) of
    every call so far, oldest first; `per_round`: households to reach (default 2). Each
    unreachable household needs one backup, so `needed` = per_round + unreachable: the service
    asks the draw for that many picks (asking for more never re-rolls the earlier ones). `next`
    is the first pick within `needed` still to call, or None.
    """
    if per_round < 1:
        raise ValueError("per_round must be at least 1")
    by_code: dict[str, list[str]] = {}
    for code, state in attempts:
        by_code.setdefault(code, []).append(state)
    households = tuple(PlannedHousehold(code, slot, "draw" if slot < per_round else "backup",
                                        household_status(by_code.get(code, [])))
                       for slot, code in enumerate(picked))
    unreachable = sum(1 for h in households if h.status == "unreachable")
    needed = per_round + unreachable
    nxt = next((h.code for h in households[:needed] if h.status == "to_call"), None)
    return CallPlan(per_round, needed, households, nxt)


def admission(plan: CallPlan, listed: Sequence[str], called: Iterable[str], code: str) -> str:
    """How household `code` may be called now, or ValueError(code) why not (calls follow the draw).

    A pick is called in the drawn order: its first call needs every earlier pick called before
    and a place within `plan.needed` (a backup only for a household found unreachable); a
    household already called may be dialled again. A household of the cadre's list (`listed`)
    that the draw has not picked: never. A household outside the list ("manual": named by the
    moderator) only once the draw is exhausted: every listed household picked and each pick
    reached or unreachable. Returns the pick: "draw", "backup" or "manual".
    """
    done = set(called)
    picked = [h.code for h in plan.households]
    if code in picked:
        k = picked.index(code)
        if code not in done and (k >= plan.needed or any(c not in done for c in picked[:k])):
            raise ValueError("household_not_next")
        return plan.households[k].pick
    if code in listed:
        raise ValueError("household_not_picked")
    if len(picked) < len(set(listed)) or any(h.status not in ("reached", "unreachable") for h in plan.households):
        raise ValueError("draw_not_exhausted")
    return "manual"


# --- phone numbers ----------------------------------------------------------------------

_MOBILE_CN = re.compile(r"1[3-9][0-9]{9}", re.ASCII)


def e164(phone: str, country_code: str = "86") -> str:
    """A dialable E.164 number: "138 1234 5678" -> "+8613812345678"; "0539-2251234" -> "+865392251234".

    Already international numbers ("+…", "00…") keep their country code. Raises ValueError
    for text with no digits.
    """
    raw = (phone or "").strip()
    digits = re.sub(r"[^0-9]", "", raw)
    if not digits:
        raise ValueError("no phone number")
    if raw.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if country_code == "86" and _MOBILE_CN.fullmatch(digits):
        return "+86" + digits
    return "+" + country_code + digits.lstrip("0")
