"""Message catalog entries of the follow-up (cases): code -> English msgid."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    "case_not_found": N_("Case %(code)s does not exist."),
    "case_decision_not_found": N_("Decision %(id)s does not exist."),
    "case_decision_opens_none": N_("A “%(kind)s” decision opens no case."),
    "case_transition_refused": N_("A %(kind)s case that is %(status)s cannot do “%(action)s”."),
    "case_reason_required": N_("Give a reason: it is kept in the log."),
    "case_reason_type": N_("The reason must be text."),
    "case_reason_too_long": N_("The reason is at most 500 characters."),
    "case_outcome_unknown": N_("A return visit is satisfied, unsatisfied or contradicting, not “%(outcome)s”."),
    "case_kind_unknown": N_("Unknown case kind."),
    "case_promise_required": N_("Say what was promised."),
    "case_round_not_found": N_("Round %(id)s does not exist."),
    "case_meeting_not_found": N_("Meeting %(id)s does not exist."),
    "case_link_unknown": N_("No household or demand with id %(ids)s."),
    "minutes_not_closed": N_("The minutes of meeting %(id)s are ready once the meeting is closed."),
    # The echo wall (public pages).
    "echo_township_not_found": N_("There is no township with the code %(code)s."),
    "echo_village_not_found": N_("There is no village with the code %(code)s in this township."),
    "case_action_unknown": N_("“%(action)s” is not an action of the case page."),
    "case_reply_link_invalid": N_("This reply link is not valid."),
    "case_reply_link_revoked": N_("This reply link has been withdrawn. Please ask the organisers for a new sheet."),
    "case_reply_link_none": N_("Case %(code)s has no working reply link."),
    "case_reply_not_awaited": N_("Case %(code)s is not waiting for a reply now."),
    "case_proposed_date_invalid": N_("The proposed completion date must be a date (YYYY-MM-DD)."),
    "case_proposed_date_past": N_("The proposed completion date cannot be in the past."),
    "case_files_too_many": N_("At most %(n)s files may be sent with one reply."),
    "case_file_empty": N_("The file “%(name)s” is empty."),
    "case_file_too_large": N_("The file “%(name)s” is larger than %(mb)s MB."),
    "case_file_type": N_("The file “%(name)s” is not a photo (JPEG, PNG) or a PDF."),
    "case_file_not_found": N_("There is no such file."),
    # Return visits (回访).
    "visit_no_seed": N_("Case %(code)s has no return-visit seed (it was opened before return visits existed)."),
    "visit_no_household": N_("Case %(code)s concerns no household to call back."),
    "visit_not_now": N_("Case %(code)s is %(status)s: start its return visit first."),
    "visit_call_in_progress": N_("A return-visit call of case %(code)s is still going."),
    "visit_no_household_left": N_("Every household of case %(code)s has been called in this visit."),
    "visit_call_failed": N_("The return-visit call could not be placed: %(reason)s"),
    "visit_no_call": N_("Case %(code)s has no return-visit call going."),
    "visit_answers_invalid": N_("Give both answers: resolved (yes, partly or no) and satisfaction 1 to 5."),
    # An investigation's team (services/followup/teams.py).
    "team_not_investigation": N_("Case %(code)s is not an investigation: it has no team."),
    "team_not_editable": N_("The team of case %(code)s can be changed only until the organisers clear or confirm "
                            "the findings."),
    "team_name_required": N_("Give the member's name."),
    "team_name_too_long": N_("A member's name is at most %(n)s characters."),
    "team_role_unknown": N_("Choose the member's role from the list."),
    "team_member_duplicate": N_("%(name)s is already on the team."),
    "team_too_large": N_("A team has at most %(n)s members."),
    "team_member_not_found": N_("%(name)s is not on the team."),
    "team_role_required": N_("The team must keep at least one discipline inspector and one citizen representative."),
}
