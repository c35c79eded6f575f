"""Message catalog entries of the verifiable draw (services/draw, the plan and exclusions of
services/setup/draw_plan): code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    # state of the draw
    "pool_not_frozen": N_("The draw pool has not been frozen yet."),
    "pool_frozen": N_("The draw pool is already frozen."),
    "exclusions_frozen": N_("The draw pool is frozen; exclusions can no longer change."),
    "plan_frozen": N_("The draw pool is frozen; the plan can no longer change."),
    "seed_needs_frozen_pool": N_("Freeze the draw pool before committing the seed."),
    "seed_not_committed": N_("The seed has not been committed yet."),
    "notice_not_ready": N_("The pre-meeting notice is available once the pool is frozen and the seed committed."),
    "seed_committed": N_("The seed is already committed."),
    "seed_revealed": N_("The seed has been revealed; the draw is closed."),
    "seed_not_revealed": N_("The seed has not been revealed yet; the bundle is published after the meeting."),
    "entropy_missing": N_("Enter the live entropy before the first draw."),
    "entropy_entered": N_("The live entropy has already been entered."),
    "bad_entropy": N_("The live entropy is not valid: %(why)s"),
    "entropy_sources_fixed": N_("The seed is committed: the declared entropy sources can no longer change."),
    "entropy_not_canonical": N_("%(label)s: write the value exactly in the declared form, e.g. \"%(example)s\"."),
    "entropy_sources_mismatch": N_("Enter exactly one value for each of the %(count)s declared entropy sources, in order."),
    "entropy_spec_empty": N_("Declare at least one entropy source."),
    "entropy_spec_bad": N_("An entropy source needs a label, a kind, a count and a supplier."),
    "entropy_spec_label": N_("Entropy source labels must be distinct, non-empty and without \":\" (%(label)s)."),
    "entropy_spec_kind": N_("%(label)s: the kind of an entropy source is one of %(kinds)s."),
    "entropy_spec_count": N_("%(label)s: the count is a whole number from 1 to 64."),
    "entropy_spec_supplier": N_("%(label)s: say who supplies the value."),
    # plan, roster, exclusions
    "bad_plan": N_("The draw plan is not valid: %(why)s"),
    "bad_plan_rank": N_("Unknown rank in the draw plan: %(ranks)s"),
    "bad_plan_township": N_("No township has the code %(codes)s."),
    "bad_roster": N_("The roster cannot be frozen: %(why)s"),
    "pool_empty": N_("The roster cannot be frozen: the pool is empty."),
    "bad_exclusions": N_("The exclusions are not valid: %(why)s"),
    "bad_exclusions_unknown": N_("No cadre has the number %(numbers)s."),
    "bad_exclusions_inactive": N_("No active cadre has the number %(numbers)s."),
    "already_excluded": N_("Cadre %(number)s is already excluded."),
    "not_excluded": N_("Cadre %(number)s is not excluded."),
    "whole_pool": N_("Whole pool"),
    # draws and skips
    "draw_out_of_order": N_("Draw %(asked)s is not the next draw (the next is %(next)s)."),
    "draw_exhausted": N_("No more cadres can be drawn: %(why)s"),
    "draw_not_found": N_("There is no draw %(draw)s."),
    "skip_not_latest": N_("Only the latest draw can be skipped."),
    "skip_reason_missing": N_("Say why the drawn cadre is skipped: \"other\" needs a few words."),
    "skip_reason_unknown": N_("Choose a skip reason from the list declared on the notice: %(reasons)s."),
    "skip_reason_too_long": N_("The skip reason is too long (at most 200 characters)."),
    "skip_reason_official_duty": N_("Absent on official duty"),
    "skip_reason_sick_leave": N_("On sick leave"),
    "skip_reason_bereavement": N_("On bereavement leave"),
    "skip_reason_maternity_leave": N_("On maternity leave"),
    "skip_reason_training": N_("Away at training"),
    "skip_reason_unreachable": N_("Could not be reached by phone"),
    "skip_reason_other": N_("Other (say why)"),
    "round_not_in_meeting": N_("Round %(id)s is not part of this meeting."),
    # household picks
    "bad_count": N_("Pick at least one household."),
    "no_cadre": N_("Say whose households to pick: a cadre number or a round with a drawn cadre."),
    "not_drawn": N_("Cadre %(number)s has not been drawn in this meeting."),
    "cadre_skipped": N_("Cadre %(number)s was skipped."),
    "no_households": N_("Cadre %(number)s has no households."),
    "households_changed": N_("The households of cadre %(number)s changed after the pool was frozen; "
                             "the pick could not be verified."),
    "rehearsal_roster_empty": N_("The roster is empty: import or generate cadres first."),
}
