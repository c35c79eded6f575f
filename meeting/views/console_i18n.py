"""Every text the console's JavaScript shows, translated on the server (the page gets a JSON dict).

Names of stages, actions, decisions, roles and juror categories, and the words of the
services' error codes, come from the catalog (meeting.messages); the rest are gettext msgids
in English. Placeholders in JS strings are written {name}, not %(name)s.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from meeting.messages import CATALOG, names, text
from scoring.skips import SKIP_REASONS
from scoring.stages import VERIFICATION_SKIP_REASONS


def console_labels(lang: str) -> dict[str, Any]:
    """Names for the codes the state carries, in the active locale (`lang` is the page's "zh"/"en")."""
    return {"stages": names("stage"), "actions": names("action"), "decisions": names("decision"),
            "roles": names("role"), "categories": names("juror_category"), "recusals": names("recusal"),
            "skip_reasons": {code: text(f"skip_reason_{code}") for code in SKIP_REASONS},
            "verification_skip_reasons": {code: text(f"verification_skip.{code}")
                                          for code in VERIFICATION_SKIP_REASONS}}


def _console_errors() -> dict[str, str]:
    """Codes the catalog does not word without values: the connection's own (the browser or
    the socket layer sets them) and a few the console words better for the moderator."""
    return {
        "offline": _("Not connected to the server: nothing was sent. Wait for the connection."),
        "timeout": _("The server did not answer in time. Check the state before trying again."),
        "server_error": _("The server could not process this request. Nothing was changed."),
        "not_connected": _("The console is not logged in to the meeting. Reload the page."),
        "bad_request": _("The request was not understood."),
        "bad_param": _("A value in the form is not valid."),
        "bad_household": _("That household is not one of this cadre's households."),
        "bad_answers": _("The call answers are not valid (only an answered call has answers)."),
        "bad_entropy": _("The live entropy is not valid."),
        "draw_exhausted": _("No more cadres can be drawn."),
        "draw_out_of_order": _("The console showed an old draw number; the state has been refreshed."),
        "call_in_progress": _("A call to this household is already in progress; hang it up first."),
        "no_household_left": _("No household is left to call: every picked household has been called."),
        "bad_phone": _("This household has no valid phone number."),
        "call_over": _("That call is already over."),
        "call_state": _("The call's outcome cannot go back."),
        "households_changed": _("The households of this cadre changed after the pool was frozen; "
                                "the pick could not be verified."),
        "no_households": _("This cadre has no households."),
    }


def _errors() -> dict[str, str]:
    """Error codes of the server's acknowledgements, in words the moderator can act on: the
    catalog's entry when it needs no values (the ack's message then carries the details)."""
    catalog = {code: text(code) for code, msgid in CATALOG.items() if "%(" not in msgid and "." not in code}
    return {**_console_errors(), **catalog}


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
            "start_meeting": _("Start the meeting? The screens and the jurors' tablets go live. "
                               "This cannot be undone."),
            "enter_entropy": _("Enter this live entropy? It can be entered only once: together with the "
                               "committed seed it fixes every draw, and the projector shows it."),
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
            "skipped": _("Verification skipped: {why}"),
        },
        "calls": {
            "pick": _("Pick households to call"),
            "none_yet": _("No household picked yet: the verifiable draw picks them."),
            "dial": _("Dial"),
            "dial_next": _("Dial the next household"),
            "hangup": _("Hang up"),
            "redial": _("Call again"),
            "redial_confirm": _("{who} has already answered. Call this household again?"),
            "record_manual": _("Record a call made by hand"),
            "answers": _("Record answers"),
            "simulator": _("Open the simulator"),
            "progress": _("{n} of {total} households reached"),
            "backup": _("backup"),
            "named_reason": _("This household was not picked by the draw. Why call it? (The projector will say "
                              "\"named by the moderator\".)"),
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
        "recused": _("recused"),
        "recuse": _("Recuse"),
        "lift_recusal": _("Lift"),
        "lift_confirm": _("Lift the recusal of seat {seat}? The juror may then score this round. It is logged."),
        # each juror's tablet connection (meeting/realtime/presence.py)
        "presence": {"connected": _("Connected"), "seen": _("seen {n} s ago"), "seen_min": _("seen {n} min ago"),
                     "never": _("not connected"),
                     "quorum_risk": _("Only {n} juror(s) connected or already scored: the quorum of {q} "
                                      "cannot be reached")},
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
        **_report_strings(),
    }


def _report_strings() -> dict[str, Any]:
    """The phone-in report and the cadre's claims (static/console/cadre_call.js, claims.js)."""
    return {
        "phone": {
            "dial": _("Report by phone"), "dial_hint": _("dial the drawn cadre"),
            "title": _("Phone-in report: the call to the cadre"), "hangup": _("Hang up"),
            "redial": _("Dial the cadre again"), "answered": _("The cadre answered"),
            "unreachable": _("Not reached"), "attempts": _("attempt {n}"), "simulated": _("simulated"),
            "skip_hint": _("Not reached: dial again, or skip the cadre with the reason “could not be reached by phone”."),
            "mode": {"phone": _("Phone-in report"), "in_person": _("Report in person")},
        },
        "claims": {
            "title": _("The cadre's claims"), "none": _("No claims entered yet."),
            "record": _("Enter the claims"), "correct": _("Correct the claims"),
            "visited": _("visited {n} of {total} households"), "demands": _("resolved {n} of {total} demands"),
            "level": {"pending": _("No household has answered yet."),
                      "consistent": _("The answers so far agree with the claims."),
                      "doubtful": _("The answers make the claims doubtful."),
                      "contradiction": _("The answers contradict the claims.")},
        },
    }
