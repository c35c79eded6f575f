"""Message catalog entries: code -> English msgid (translated by meeting.messages.text).

The drawn cadre's report: by phone (services/calls/cadre.py) and its claims set against the
households' answers (services/live/claims.py, scoring/claims.py).
"""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    # phone-in report (电话述职)
    "cadre_call_not_now": N_("The drawn cadre can be called once drawn and until the report is over."),
    "cadre_call_in_progress": N_("A call to the drawn cadre is in progress; wait for it or hang it up first."),
    "cadre_no_phone": N_("Cadre %(number)s has no valid phone number on the roster."),
    "no_cadre_call": N_("No call to the drawn cadre is in progress."),
    "cadre_call_no_answers": N_("The call to the cadre has no survey answers."),
    # claims (述职称)
    "claims_not_now": N_("The cadre's claims are entered once the cadre is drawn, until the verification ends."),
    "claims_not_object": N_("The claims must be an object."),
    "claims_unknown_fields": N_("Unknown claim fields: %(field)s."),
    "claim_not_count": N_("%(field)s must be a whole number."),
    "claim_out_of_range": N_("%(field)s must be between 0 and 100000."),
    "claim_visited_over_assigned": N_("The households visited cannot exceed the households assigned."),
    "claim_resolved_over_collected": N_("The demands resolved cannot exceed the demands collected."),
    "claim_no_households": N_("The cadre has at least one assigned household."),
}
