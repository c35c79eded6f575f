"""Names of the follow-up's codes for the case pages (statuses, kinds, actions, events, levels)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from meeting.messages import names as catalog_names

CASE_STATUS = {"open": _l("Awaiting reply"), "replied": _l("Replied"), "return_visit": _l("Return visit"),
               "reopened": _l("Reopened"), "closed": _l("Closed"), "team_formed": _l("Team formed"),
               "findings": _l("Findings reported"), "cleared": _l("Cleared"), "confirmed": _l("Confirmed")}
CASE_KIND = {"rectification": _l("Rectification"), "investigation": _l("Investigation"),
             "penalty": _l("Referral for discipline"), "pledge": _l("Public pledge")}
CASE_ACTION = {"reply": _l("Reply on behalf of the unit"), "start_return_visit": _l("Start the return visit"),
               "record_visit": _l("Record the return visit"), "override_close": _l("Close by override"), "reopen": _l("Reopen"),
               "record_findings": _l("Record the team's findings"), "clear": _l("Clear the cadre"),
               "confirm": _l("Confirm the findings (opens the referral for discipline)"),
               "accept_outcome": _l("Accept the outcome (closes the case)")}
# What the reason box of each action is for (the life cycle requires it where it says so).
ACTION_FIELD = {"reply": _l("What was done (required)"), "start_return_visit": _l("Note (optional)"),
                "record_visit": _l("What the household said (required unless satisfied)"),
                "override_close": _l("Reason for closing without a satisfied return visit (required, public)"),
                "reopen": _l("Reason for reopening (required)"),
                "record_findings": _l("What the team found (required, public)"),
                "clear": _l("Conclusion: why the cadre is cleared (required, public)"),
                "confirm": _l("Conclusion: what is confirmed (required, public; the referral's subject)"),
                "accept_outcome": _l("Why the reported outcome is accepted (required)")}
OVERDUE = {"reply": _l("Reply overdue"), "completion": _l("Completion overdue")}
VISIT_OUTCOME = {"satisfied": _l("Satisfied: close the case"), "unsatisfied": _l("Not satisfied: reopen"),
                 "contradicting": _l("Contradicts the reply: reopen")}
LEVEL = {"unit": _l("Unit"), "township": _l("Township"), "county": _l("County")}
EVENT = {"case_opened": _l("Opened"), "case_replied": _l("Replied"),
         "case_return_visit_started": _l("Return visit started"),
         "case_return_visit_recorded": _l("Return visit recorded"), "case_closed_by_override": _l("Closed by override"),
         "case_reopened": _l("Reopened"), "case_outcome_accepted": _l("Outcome accepted"),
         "case_findings_recorded": _l("Findings recorded"), "case_cleared": _l("Cleared"),
         "case_confirmed": _l("Confirmed"), "case_overdue": _l("Overdue"), "case_escalated": _l("Escalated"),
         "case_overdue_cleared": _l("No longer overdue"), "case_reply_link_issued": _l("Reply link issued"),
         "case_reply_link_revoked": _l("Reply link revoked"), "case_team_member_added": _l("Team member added"),
         "case_team_member_removed": _l("Team member removed")}


def names() -> dict[str, dict[str, object]]:
    """All the name tables, for the templates."""
    return {"status": CASE_STATUS, "kind": CASE_KIND, "action": CASE_ACTION, "field": ACTION_FIELD,
            "overdue": OVERDUE, "level": LEVEL, "outcome": VISIT_OUTCOME, "event": EVENT,
            "role": catalog_names("role")}
