"""Message catalog entries shared by every domain: code -> English msgid."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    "user_error": N_("The request could not be carried out."),
    "not_found": N_("Not found."),
    "forbidden": N_("You may not do this."),
    "conflict": N_("This does not fit the current state of the meeting."),
    "meeting_not_found": N_("Meeting %(id)s does not exist."),
    "not_connected": N_("Connect with valid credentials first."),
    "server_error": N_("The server could not process this request."),
    "bad_request": N_("The request is not in the expected form."),
    "bad_param": N_("after must be a whole number of at least 0, and limit a whole number from 1 to %(max)s."),
}
