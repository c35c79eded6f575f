"""Message catalog entries: code -> English msgid (translated by meeting.messages.text)."""
from __future__ import annotations

from meeting.messages.markers import N_

MESSAGES: dict[str, str] = {
}
