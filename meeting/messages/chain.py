"""Message catalog entries of the anchored chain (services/chain_check, the verify-log command,
the start-up check): code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    "chain_broken": N_("The event log of this meeting does not verify from event %(seq)s: "
                       "the meeting is stopped and nothing more is recorded. See the set-up guide, "
                       "\"Chain alarm\"."),
    "chain_ok": N_("Meeting %(meeting)s: the event log verifies, %(seq)s events, head %(seq)s:%(head)s."),
    "chain_bad": N_("Meeting %(meeting)s: the event log does not verify from event %(seq)s: %(problem)s."),
    "chain_alarm": N_("ALARM: meeting %(meeting)s is stopped, its event log does not verify from event "
                      "%(seq)s: %(problem)s."),
    "chain_cleared": N_("Meeting %(meeting)s: the alarm is cleared; the meeting can continue."),
    # what broke (services.chain_check.PROBLEMS)
    "chain_problem_seq_gap": N_("an event is missing or out of order"),
    "chain_problem_prev_hash": N_("an event does not link to the one before it"),
    "chain_problem_hash": N_("an event was changed after it was recorded"),
    "chain_problem_tail_missing": N_("events at the end of the log are missing"),
    "chain_problem_head_mismatch": N_("the last event is not the head stored with the meeting"),
}
