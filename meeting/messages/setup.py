"""Message catalog entries of meeting set-up (services/setup/meetings), and the juror categories:
code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

# The one list of juror categories, in the order forms offer them: code -> name msgid.
# services.setup.meetings validates against it; pages, the console and the tablet show
# category_name(code) (meeting.messages), i.e. MESSAGES["juror_category.<code>"].
JUROR_CATEGORIES: dict[str, str] = {
    "party_rep": N_("Party congress delegate"),
    "npc_deputy": N_("People's congress deputy"),
    "cppcc_member": N_("CPPCC member"),
    "citizen_rep": N_("Citizen representative"),
    "veteran_cadre": N_("Veteran cadre"),
    "other": N_("Other"),
}

MESSAGES: dict[str, str] = {
    "bad_title": N_("Enter a title of 1 to 200 characters."),
    "bad_date": N_("Enter the date as YYYY-MM-DD."),
    "bad_number": N_("Enter a whole number from %(low)s to %(high)s."),
    "bad_rule": N_("Choose one of the aggregation rules."),
    "bad_rubric": N_("The rubric is not valid: %(why)s"),
    "bad_bands": N_("The grade bands are not valid: %(why)s"),
    "settings_fixed": N_("The meeting is live: the rubric, grade bands, rule and quorum can no longer change."),
    "notice_fixed": N_("The draw pool is frozen: the title, date and venue are on the pre-meeting notice and can no longer change."),
    "bad_name": N_("Enter the name of the juror (1 to 64 characters)."),
    "bad_category": N_("Choose a category for the juror."),
    "bad_pin": N_("A PIN is 4 to 8 digits."),
    "juror_not_found": N_("Juror %(id)s does not exist."),
    "bad_affiliation": N_("A unit, township or village name has at most %(limit)s characters."),
    "village_needs_township": N_("Give the township of the village too (village names repeat across townships)."),
    "bad_relations": N_("Declared relations: one per line, the cadre number first (%(why)s)."),
    "too_many_relations": N_("At most %(limit)s declared relations per juror."),
    **{f"juror_category.{code}": name for code, name in JUROR_CATEGORIES.items()},
    # Moderators bound to meetings (services/setup/moderators).
    "not_meeting_moderator": N_("You are not a moderator of this meeting. An organiser can assign you on the meeting's set-up page."),
    "moderator_unknown": N_("There is no moderator account named %(username)s."),
    "moderator_already_assigned": N_("%(username)s is already a moderator of this meeting."),
    "moderator_not_assigned": N_("%(username)s is not a moderator of this meeting."),
}
