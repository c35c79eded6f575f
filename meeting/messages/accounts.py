"""Message catalog entries of staff log-in (services/accounts): code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    "invalid_credentials": N_("Wrong username or password."),
    "rate_limited": N_("Too many failed log-in attempts. Please wait %(seconds)d seconds and try again, or log in with a one-time code."),
    "login_code_invalid": N_("This one-time code is not valid: it is wrong, already used or expired."),
    "login_code_user_unknown": N_("There is no staff account named %(username)s."),
    "juror_link_invalid": N_("This juror link is not valid"),
    "juror_link_revoked": N_("This juror link has been withdrawn"),
    "juror_pin_wrong": N_("Wrong PIN — please try again"),
}
