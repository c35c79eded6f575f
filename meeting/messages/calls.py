"""Message catalog entries: code -> English msgid (translated by meeting.messages.text).

Call-out verification: meeting/services/calls/, meeting/telephony/ and the household
simulator. A ProviderError's code is its entry here, except Twilio errors without one of their
own (twilio_<any code>): their `reason` is twilio_refused.
"""
from __future__ import annotations

from meeting.messages.markers import N_

# Names of the telephony providers (CallAttempt.provider, telephony.status) and of who reported a
# call event (CallEvent.source): screens and the console show these, never the raw code.
PROVIDER_NAMES: dict[str, str] = {
    "twilio": N_("Twilio phone line"), "simulated": N_("Simulated phone"), "manual": N_("Desk phone"),
}
CALL_SOURCE_NAMES: dict[str, str] = {
    "provider": N_("Phone system"), "webhook": N_("Phone system"), "simulator": N_("Simulated phone"),
    "moderator": N_("Moderator"),
}

MESSAGES: dict[str, str] = {
    # Codes the console already knows (views/console_i18n.py) and other domains raise too:
    # if another domain's catalog defines one of them, keep one entry (common.py) at merge.
    "calls_not_verification": N_("Calls are placed during call-out verification only."),
    "bad_household": N_("That household is not one of this cadre's households."),
    "bad_answers": N_("Only an answered call has answers."),
    # Placing, hanging up and recording calls (services/calls/attempts.py, manual.py).
    "call_count_range": N_("The number of households to call is a whole number from 1 to 10."),
    "no_household_left": N_("No household is left to call: every picked household has been called."),
    "call_in_progress": N_("A call to this household is already in progress; hang it up first."),
    "bad_phone": N_("This household has no phone number."),
    "missing_household_code": N_("household_code is required"),
    "call_id_not_int": N_("call_id must be a whole number"),
    "call_not_found": N_("There is no such call in this meeting."),
    "call_over": N_("This call has already ended."),
    "call_not_current_round": N_("That call belongs to an earlier round."),
    "call_outcome_unknown": N_("outcome is one of %(list)s"),
    "call_note_too_long": N_("The note is text of at most 1000 characters."),
    # Calls follow the draw (services/calls/order.py).
    "household_not_next": N_("Household %(household)s is called in the drawn order: call the earlier picks first (a backup only after a household could not be reached)."),
    "household_not_picked": N_("Household %(household)s has not been picked by the draw: call the next household the draw picks."),
    "draw_not_exhausted": N_("A household the draw did not pick can be called only after every picked household has been tried."),
    "named_reason": N_("Give the reason for calling a household the draw did not pick (at most 200 characters)."),
    "call_outcome_provider": N_("Busy, no answer and failed are reported by the telephony provider (%(provider)s), not entered by hand."),
    "call_state": N_("The call is already %(state)s; its outcome cannot go back."),
    "answers_not_object": N_("answers must be an object"),
    "answers_unknown_fields": N_("unknown answer fields: %(fields)s"),
    "answer_visited": N_("visited is yes or no"),
    "answer_resolved": N_("resolved is yes, partly, no or none"),
    "answer_satisfaction": N_("satisfaction is a whole number from 1 to 5"),
    # What the line reported (services/calls/webhooks.py; stored on the call as its error).
    "unknown_survey_step": N_("Unknown survey step."),
    "line_failed": N_("The call failed."),
    "hall_line_failed": N_("The hall line could not be connected (%(state)s)."),
    # Providers (telephony/twilio_provider.py): reasons of ProviderError.
    "provider_error": N_("The telephony provider refused the request."),
    "twilio_21217": N_("The household's phone number is not a valid number (Twilio error 21217)."),
    "twilio_21215": N_("This Twilio account may not call that country or region (geo permissions, Twilio error "
                       "21215). Mainland China numbers need a domestic carrier or SIP gateway: see docs/TELEPHONY.md."),
    "twilio_21214": N_("The household's phone number cannot be reached (Twilio error 21214)."),
    "twilio_20003": N_("Twilio refused the account credentials (Twilio error %(code)s). Check TWILIO_ACCOUNT_SID "
                       "and TWILIO_AUTH_TOKEN."),
    "twilio_20005": N_("Twilio refused the account credentials (Twilio error %(code)s). Check TWILIO_ACCOUNT_SID "
                       "and TWILIO_AUTH_TOKEN."),
    "twilio_21210": N_("The caller number is not usable for outbound calls (Twilio error %(code)s). Check "
                       "TWILIO_CALLER_NUMBER."),
    "twilio_21212": N_("The caller number is not usable for outbound calls (Twilio error %(code)s). Check "
                       "TWILIO_CALLER_NUMBER."),
    "twilio_refused": N_("Twilio refused the request: %(message)s (Twilio error %(code)s)."),
    "twilio_unreachable": N_("Could not reach Twilio: %(error)s"),
    # Which telephony is in use (telephony.status: the console's telephony panel).
    "telephony_twilio": N_("Twilio: calls are real phone calls."),
    "telephony_manual": N_("Manual telephony: dial the desk phone, then record the outcome and the answers."),
    "telephony_twilio_missing": N_("Twilio was asked for but its credentials are missing: calls are SIMULATED, "
                                   "no phone rings. Play the household on the simulator page."),
    "telephony_simulated": N_("Simulated telephony: no phone rings. Play the household on the simulator page."),
    # The household simulator (services/calls/simulator.py).
    "sim_not_simulated": N_("Only simulated calls can be played here."),
    "sim_not_now": N_("Not possible now: the call is %(state)s."),
    "sim_moved_on": N_("The call has moved on; the page was refreshed."),
    "sim_no_question": N_("The household is not being asked anything now."),
    # names (meeting.messages.NAMES)
    **{f"provider.{code}": name for code, name in PROVIDER_NAMES.items()},
    **{f"call_source.{code}": name for code, name in CALL_SOURCE_NAMES.items()},
}
