"""The provider steps every dialled call shares: a household on stage (attempts.place_call), the
drawn cadre (cadre.dial_cadre) and a case's return visit (followup/visits.place_visit_call).

Each of them first commits its attempt (queued) in a unit of work of its own, then hands the
request to `dial`: the provider is asked with no transaction open (a slow network must not hold
the meeting's or the stream's lock), and its answer is recorded in a second unit of work — the
attempt becomes dialling with the provider's reference, or failed with its message. Only the
lock and the event differ between the three, so the caller passes them as `lock`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Protocol

import sqlalchemy.orm as so

from meeting.models import CallAttempt
from meeting.services.tx import unit_of_work
from meeting.telephony import CallRequest, ProviderError, Telephony

MAX_ERROR = 300  # the console and projector show the provider's message as is (see docs/TELEPHONY.md)


class Move(Protocol):
    """Move a call forward (forward only) with its event, in the open transaction; returns what
    the caller's own move returns (the event's cause, or whether it moved)."""

    def __call__(self, call: CallAttempt, state: str, raw: dict[str, Any], **payload: Any) -> Any: ...


Lock = Callable[[so.Session], Move]  # takes the caller's lock; returns the move bound to it


@dataclass(frozen=True)
class Dialled:
    """What the provider answered, as recorded: the attempt, what its move returned, and the
    provider's refusal (None when it is dialling)."""

    call: CallAttempt
    moved: Any
    error: ProviderError | None


def dial(session: so.Session, tel: Telephony, request: CallRequest, lock: Lock, action: str, *,
         error_params: bool = True) -> Dialled:
    """Steps 2 and 3 of a dialled call whose attempt is committed: ask the provider (no
    transaction open), then record its answer in a transaction of its own. `action` names the
    use case in the call's raw events; `error_params` keeps the refusal's parameters there too
    (the stage's calls show them in words, a return visit only its message)."""
    try:
        ref, error = tel.provider.place_call(request), None
    except ProviderError as exc:
        ref, error = None, exc
    call, moved = _record(session, lock, request.call_id, ref, error, action, error_params)
    return Dialled(call, moved, error)


@unit_of_work
def _record(session: so.Session, lock: Lock, call_id: int, ref: str | None, error: ProviderError | None,
            action: str, error_params: bool) -> tuple[CallAttempt, Any]:
    move = lock(session)
    call = session.get(CallAttempt, call_id, populate_existing=True)
    if error is not None:
        call.error = error.message[:MAX_ERROR]
        raw: dict[str, Any] = {"action": action, "error": error.code, "reason": error.reason}
        if error_params:
            raw["params"] = error.params
        return call, move(call, "failed", raw, error=error.code)
    if call.provider_ref is None:  # a status callback may have brought the reference first
        call.provider_ref = ref
    return call, move(call, "dialling", {"action": action, "ref": ref})


def request_for(call_id: int, number: str, tel: Telephony) -> CallRequest:
    """The provider's request for a queued attempt: its number, its webhooks, the ring time."""
    return CallRequest(call_id, number, tel.urls.voice(call_id), tel.urls.status(call_id), tel.settings.ring_seconds)
