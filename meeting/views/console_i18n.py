"""Every text the console's JavaScript shows, translated on the server (the page gets a JSON dict).

Stage, action, decision and role labels come from scoring.stages as (zh, en) pairs; the rest
are gettext msgids in English. Placeholders in JS strings are written {name}, not %(name)s.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from meeting.messages import category_name
from meeting.services.setup.meetings import JUROR_CATEGORIES
from scoring import stages

# The moderator actions that are not round transitions (meeting-level; see services.live).
MEETING_ACTION_IDS = ("start_meeting", "enter_entropy", "draw_cadre", "skip_cadre", "start_question",
                      "close_meeting", "record_call")


def _pick(pairs: dict[str, tuple[str, str]], lang: str) -> dict[str, str]:
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in pairs.items()}


def _meeting_actions() -> dict[str, str]:
    return {
        "start_meeting": _("Start the meeting"),
        "enter_entropy": _("Enter live entropy"),
        "draw_cadre": _("Draw a cadre"),
        "skip_cadre": _("Absent: skip"),
        "start_question": _("Question a department head"),
        "close_meeting": _("Close the meeting"),
        "record_call": _("Record call"),
    }


def console_labels(lang: str) -> dict[str, Any]:
    """Labels from the scoring core for the page's language ("zh" or "en")."""
    return {
        "stages": _pick(stages.STAGE_LABELS, lang),
        "actions": {**_pick(stages.ACTION_LABELS, lang), **_meeting_actions()},
        "decisions": _pick(stages.DECISION_LABELS, lang),
        "roles": _pick(stages.ROLE_LABELS, lang),
        "categories": {code: category_name(code) for code in JUROR_CATEGORIES},
    }


def _errors() -> dict[str, str]:
    """Error codes of the server's acknowledgements, in words the moderator can act on."""
    return {
        "offline": _("Not connected to the server: nothing was sent. Wait for the connection."),
        "timeout": _("The server did not answer in time. Check the state before trying again."),
        "server_error": _("The server could not process this request. Nothing was changed."),
        "forbidden": _("Your account may not do this."),
        "not_connected": _("The console is not logged in to the meeting. Reload the page."),
        "bad_request": _("The request was not understood."),
        "unknown_action": _("Unknown action."),
        "bad_param": _("A value in the form is not valid."),
        "missing_param": _("A required field is empty."),
        "transition_illegal": _("That step is not possible at this stage of the round."),
        "transition_no_subject": _("Nobody has been drawn or called up for this round yet."),
        "quorum_not_met": _("Not enough jurors have submitted to close scoring."),
        "not_live": _("The meeting is not live."),
        "already_live": _("The meeting has already started."),
        "closed": _("The meeting is closed."),
        "not_started": _("The meeting has not started."),
        "not_draw_stage": _("This is only possible at the start of a round, before a cadre is drawn."),
        "already_drawn": _("This round already has its cadre. Skip them first if they are absent."),
        "not_verification": _("Calls are recorded during call-out verification only."),
        "scoring_not_open": _("Scoring is not open."),
        "not_current_round": _("That is not the current round."),
        "bad_household": _("That household is not one of this cadre's households."),
        "bad_answers": _("The call answers are not valid (only an answered call has answers)."),
        "bad_decision": _("The decision is incomplete or not valid."),
        "bad_seconds": _("The report time must be between 30 and 3600 seconds."),
        "pool_not_frozen": _("The draw pool has not been frozen yet."),
        "seed_not_committed": _("The seed has not been committed yet."),
        "seed_revealed": _("The seed has been revealed; the draw is closed."),
        "entropy_missing": _("Enter the live entropy before the first draw."),
        "entropy_entered": _("The live entropy has already been entered."),
        "bad_entropy": _("The live entropy is not valid."),
        "draw_out_of_order": _("The console showed an old draw number; the state has been refreshed."),
        "draw_exhausted": _("No more cadres can be drawn."),
        "skip_not_latest": _("Only the latest draw can be skipped."),
        "skip_reason_missing": _("Give a reason for skipping the drawn cadre."),
        "not_found": _("Not found."),
        "call_in_progress": _("A call to this household is already in progress; hang it up first."),
        "no_household_left": _("No household is left to call: every picked household has been called."),
        "bad_phone": _("This household has no valid phone number."),
        "call_over": _("That call is already over."),
        "call_state": _("The call's outcome cannot go back."),
        "households_changed": _("The households of this cadre changed after the pool was frozen; "
                                "the pick could not be verified."),
        "no_households": _("This cadre has no households."),
    }


def console_strings() -> dict[str, Any]:
    """The JSON dictionary the console script reads as window.I18N."""
    return {
        "errors": _errors(),
        "error_generic": _("The request was refused."),
        "online": _("Online"),
        "offline": _("Offline"),
        "connecting": _("Connecting…"),
        "updated_ago": _("updated {n} s ago"),
        "refused": _("The server refused the connection: {why}. Log in again."),
        "status": {"setup": _("Not started"), "live": _("Live"), "closed": _("Closed")},
        "round_of": _("Round {n} of {total}"),
        "round_n": _("Round {n}"),
        "kind": {"cadre": _("Cadre round"), "question": _("Question round")},
        "no_round": _("The meeting has not started yet."),
        "sending": _("Sending…"),
        "done": _("Done: {what}"),
        "dialog_closed": _("The state changed on the server; the form was closed."),
        "confirm": {
            "title": _("Please confirm"),
            "close_scoring": _("Close scoring? Jurors can no longer submit or change their ballots. "
                               "Only “reopen scoring” undoes this, before the reveal."),
            "reveal_result": _("Reveal the result to the hall, the screens and the broadcast? "
                               "This cannot be undone."),
            "record_decision": _("Record this decision? It goes on the public record and cannot be undone."),
            "next_round": _("End this round and start the next one? This cannot be undone."),
            "close_meeting": _("Close the meeting? The draw seed is revealed, no more cadres can be drawn. "
                               "This cannot be undone."),
            "generic": _("This step cannot be undone. Continue?"),
        },
        "setup": {
            "title": _("Ready to start"),
            "frozen": _("Draw pool frozen"),
            "committed": _("Seed committed"),
            "not_ready": _("The draw pool must be frozen and the seed committed (meeting set-up) "
                           "before the meeting can start."),
        },
        "entropy_needed": _("Before the first draw, enter the live entropy announced in the hall "
                            "(for example the jurors' dice). The projector shows it."),
        "next_draw": _("Next: draw no. {n}"),
        "pool_size": _("{n} cadres in the pool"),
        "draws_done": _("The draw plan is used up: no more cadres can be drawn."),
        "drawn": _("Drawn cadre"),
        "cadre_no": _("No. {n}"),
        "report_seconds": _("Report time"),
        "timer_left": _("Time left"),
        "timer_over": _("Over time"),
        "minutes": _("{n} min"),
        "question": {"head": _("Department head"), "unit": _("Unit"), "demand": _("Public demand")},
        "verify": {
            "picked": _("Households picked by the verifiable draw"),
            "none_picked": _("No household has been picked by the draw for this cadre. "
                             "Pick households with the draw tool, or call one below (logged as a manual pick)."),
            "others": _("Other households of this cadre (manual pick)"),
            "calls": _("Calls recorded"),
            "discrepancy": _("Discrepancy: a household contradicts the cadre's report "
                             "(not visited, or demand not resolved)."),
            "demands": _("Demands"),
            "manual": _("manual pick"),
            "slot": _("Pick no. {n}"),
        },
        "calls": {
            "pick": _("Pick households to call"),
            "none_yet": _("No household picked yet: the verifiable draw picks them."),
            "dial": _("Dial"),
            "dial_next": _("Dial the next household"),
            "hangup": _("Hang up"),
            "answers": _("Record answers"),
            "simulator": _("Open the simulator"),
            "progress": _("{n} of {total} households reached"),
            "backup": _("backup"),
            "status": {"to_call": _("to call"), "calling": _("calling"), "reached": _("reached"),
                       "unreachable": _("unreachable")},
        },
        "outcome": {"answered": _("Answered"), "busy": _("Busy"), "no_answer": _("No answer"),
                    "failed": _("Failed"), "ringing": _("Ringing"), "ended": _("Answered"),
                    "queued": _("Queued"), "dialling": _("Dialling"), "canceled": _("Cancelled")},
        "visited": {"yes": _("visited"), "no": _("not visited")},
        "resolved": {"yes": _("resolved"), "partly": _("partly resolved"), "no": _("not resolved"),
                     "none": _("no demand")},
        "satisfaction": _("satisfaction {n}/5"),
        "demand_status": {"open": _("open"), "resolved": _("resolved")},
        "progress": _("{n} of {total} jurors have submitted"),
        "quorum": _("quorum {n}"),
        "quorum_met": _("Quorum reached: scoring can be closed."),
        "submitted": _("submitted"),
        "waiting": _("waiting"),
        "preview": _("Result preview: only you can see it until the reveal."),
        "result": _("Result"),
        "final": _("Final score"),
        "rules": {"trimmed_mean": _("Trimmed mean (highest and lowest dropped)"), "mean": _("Mean"),
                  "median": _("Median")},
        "dropped": {"high": _("highest, dropped"), "low": _("lowest, dropped")},
        "outlier": _("outlier"),
        "decisions": _("Decisions"),
        "no_decision": _("No decision recorded yet."),
        "deadline": _("deadline {d}"),
        "responsible": _("responsible: {who}"),
        "team": _("team"),
        "scene_now": _("On the projector: {scene}"),
        "scenes": {"welcome": _("Welcome"), "round": _("Current round"), "leaderboard": _("Leaderboard"),
                   "blank": _("Blank")},
        "seed_revealed": _("The meeting is closed and the seed revealed. The verification bundle can be downloaded."),
        "skipped": _("skipped: {why}"),
        "not_yet": _("not yet"),
    }
