"""Message catalog entries of the roster (services/roster; the import words its per-row
problems itself, with gettext): code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
    "import_refused": N_("Rows with errors: %(num)d. Nothing was imported."),
    "import_roster_changed": N_("The roster changed in the database while importing; nothing was "
                                "written. Please import the file again."),
    "import_job_not_found": N_("There is no such import."),
    "import_job_not_cancellable": N_("This import can no longer be cancelled: it has ended, or "
                                     "every row was valid and it is being written."),
    "import_unknown_list": N_("Unknown list %(kind)s: use one of %(kinds)s."),
    "import_unknown_format": N_("Unknown format %(fmt)s: use xlsx or csv."),
    "import_csv_one_list": N_("A CSV template holds one list: choose which."),
}
