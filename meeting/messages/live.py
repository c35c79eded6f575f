"""Message catalog entries of the live meeting (services/live: actions, rounds, ballots) and the
names of the round's stages, actions, decisions and team roles (scoring.stages has the codes):
code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

# Names of scoring.stages' codes, shown by the console, the screens and the tablet.
STAGE_NAMES: dict[str, str] = {
    "draw": N_("Draw"), "report": N_("Report"), "verification": N_("Call-out verification"),
    "question": N_("Questioning"), "answer": N_("On-the-spot answer"),
    "scoring_open": N_("Scoring open"), "scoring_closed": N_("Scoring closed"),
    "revealed": N_("Result revealed"), "decided": N_("Decision recorded"),
    "pledge": N_("Public pledge"), "pledged": N_("Pledge recorded"),
}
ACTION_NAMES: dict[str, str] = {
    "start_report": N_("Start report"), "start_verification": N_("Start verification"),
    "start_answer": N_("Start answer"), "open_scoring": N_("Open scoring"),
    "close_scoring": N_("Close scoring"), "reopen_scoring": N_("Reopen scoring"),
    "reveal_result": N_("Reveal result"), "record_decision": N_("Record decision"),
    "next_round": N_("Next round"),
    # meeting-level actions (services.live.actions.MEETING_ACTIONS) the console shows as buttons
    "start_meeting": N_("Start the meeting"), "enter_entropy": N_("Enter live entropy"),
    "draw_cadre": N_("Draw a cadre"), "skip_cadre": N_("Absent: skip"),
    "start_question": N_("Question a department head"), "close_meeting": N_("Close the meeting"),
    "record_call": N_("Record call"), "skip_verification": N_("Skip verification…"),
    "add_recusal": N_("Recuse a juror"), "lift_recusal": N_("Lift a recusal"),
    "start_pledge": N_("A department head's pledge"), "record_pledge": N_("Record the pledge"),
}
# Why call-out verification was skipped (scoring.stages.VERIFICATION_SKIP_REASONS).
VERIFICATION_SKIP_NAMES: dict[str, str] = {
    "line_down": N_("The telephone line cannot be connected"),
    "no_households": N_("No household of this cadre can be called"),
    "time_limit": N_("Time does not allow"), "other": N_("Other (say why)"),
}
DECISION_NAMES: dict[str, str] = {
    "pass": N_("Pass"), "rectification": N_("Rectification"), "investigation": N_("Investigation"),
    "discipline": N_("Referral for discipline"),
}
ROLE_NAMES: dict[str, str] = {
    "discipline_inspector": N_("Discipline inspector"), "deputy": N_("Deputy"),
    "citizen_rep": N_("Citizen representative"), "cppcc_member": N_("CPPCC member"),
}
# Why a juror sits out a round (scoring.recusal categories): the only detail any screen shows.
RECUSAL_NAMES: dict[str, str] = {
    "same_unit": N_("Same unit as the cadre"), "same_township": N_("Same township as the cadre"),
    "same_village": N_("Same village as the cadre"), "declared_relation": N_("Declared relation to the cadre"),
    "other": N_("Other conflict of interest"),
}

MESSAGES: dict[str, str] = {
    # parameters of moderator actions (live/actions.py)
    "unknown_action": N_("Unknown action."),
    "bad_params_object": N_("The parameters must be an object."),
    "bad_param_text": N_("%(key)s must be text of at most %(limit)s characters."),
    "missing_param": N_("A required field is empty."),
    "bad_whole_number": N_("%(key)s must be a whole number."),
    "bad_entropy_sources": N_("The live entropy must be text or a list of texts."),
    "bad_scene": N_("The scene is one of %(scenes)s."),
    # state of the meeting
    "already_live": N_("The meeting has already started."),
    "closed": N_("The meeting is closed."),
    "not_live": N_("The meeting is not live."),
    "close_not_live": N_("Only a live meeting can be closed."),
    "not_started": N_("The meeting has not started."),
    "not_draw_stage": N_("This is only possible at the start of a round, before a cadre is drawn."),
    "question_not_draw_stage": N_("A question round can only start before a cadre is drawn."),
    "pledge_not_draw_stage": N_("A pledge round can only start before a cadre is drawn."),
    "pledge_bad_demands": N_("The number of demands pledged must be a whole number from 1 to %(high)s."),
    "pledge_bad_deadline": N_("The pledge's deadline must be a date YYYY-MM-DD."),
    "pledge_deadline_not_future": N_("The pledge's deadline must be after today (%(today)s, Beijing time)."),
    "already_drawn": N_("This round already has its cadre. Skip them first if they are absent."),
    "not_verification": N_("Calls are recorded during call-out verification only."),
    # round transitions (live/rounds.py; codes of scoring.stages, prefixed transition_)
    "transition_illegal": N_("That step is not possible at this stage of the round."),
    "transition_no_subject": N_("Nobody has been drawn or called up for this round yet."),
    "quorum_not_met": N_("Not enough jurors have submitted to close scoring."),
    "transition_no_call_outcome": N_("No call of this round has an outcome yet. Make the next call, "
                                     "or skip verification with a reason (it is logged)."),
    "verification_skip_reason_unknown": N_("Choose why verification is skipped: %(reasons)s."),
    "verification_skip_reason_missing": N_("Say why verification is skipped: \"other\" needs a few words."),
    "verification_skip_reason_too_long": N_("The reason is too long (at most 200 characters)."),
    "bad_seconds": N_("The report time must be between 30 and 3600 seconds."),
    "bad_decision_detail": N_("The decision detail must be an object."),
    "bad_decision": N_("The decision is incomplete or not valid."),
    # ballots (live/ballots.py)
    "bad_msg_id": N_("The message id must be 1–64 letters, digits or . _ : -"),
    "juror_revoked": N_("Not accepted: this juror link has been withdrawn."),
    "not_current_round": N_("That is not the current round."),
    "scoring_not_open": N_("Scoring is not open."),
    "bad_score_object": N_("The scores must be an object."),
    "bad_score": N_("The scores are not valid: %(why)s"),
    "too_many_revisions": N_("Not accepted: a ballot may be revised at most %(limit)s times per round. "
                             "Your last accepted version stands."),
    # conflicts of interest (live/recusals.py)
    "juror_recused": N_("Not accepted: you are recused for this round (conflict of interest)."),
    "recusal_too_late": N_("Recusals can only be added or lifted before scoring opens."),
    "recusal_no_subject": N_("A recusal needs a drawn cadre or a called-up department head first."),
    "bad_recusal_category": N_("The recusal category is one of %(categories)s."),
    "recusal_juror_unknown": N_("There is no active juror with id %(id)s in this meeting."),
    "already_recused": N_("That juror is already recused for this round."),
    "not_recused": N_("That juror is not recused for this round."),
    "anon_no_seed": N_("Anonymous seats need the committed draw seed."),
    # the realtime layer's limit on submissions per connection (realtime/ratelimit.py)
    "too_many_submissions": N_("Too many submissions at once. Wait a moment; the tablet sends it again."),
    # names
    **{f"stage.{code}": name for code, name in STAGE_NAMES.items()},
    **{f"action.{code}": name for code, name in ACTION_NAMES.items()},
    **{f"decision.{code}": name for code, name in DECISION_NAMES.items()},
    **{f"role.{code}": name for code, name in ROLE_NAMES.items()},
    **{f"recusal.{code}": name for code, name in RECUSAL_NAMES.items()},
    **{f"verification_skip.{code}": name for code, name in VERIFICATION_SKIP_NAMES.items()},
}
