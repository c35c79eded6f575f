"""Skip reasons: a closed list of codes declared on the pre-meeting notice, plus "other" with text.

A drawn cadre who cannot face the meeting is *skipped* with one of these reasons, and only then
is the round's cadre drawn again. The reason is stored (event `cadre_skipped`, bundle) as its
canonical text: the bare code (`official_duty`), or `other: <text>` with the text `clean()`ed.
Pure: standard library only.
"""
from __future__ import annotations

from scoring.pool import clean_text

#: The closed list, in the order the notice and the console show it; "other" needs text.
#: "unreachable": the cadre could not be reached for a phone-in report (services/calls/cadre.py).
SKIP_REASONS: tuple[str, ...] = ("official_duty", "sick_leave", "bereavement", "maternity_leave",
                                 "training", "unreachable", "other")
OTHER = "other"
OTHER_PREFIX = "other: "
MAX_TEXT = 200


class SkipReasonError(ValueError):
    """The reason is not on the closed list, or "other" lacks its text. `code` says which."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def skip_reason(code: str, text: str = "") -> str:
    """The canonical reason for a listed `code` (text ignored) or for "other" with `text`.

    Raises SkipReasonError("skip_reason_unknown") for a code not on the list and
    SkipReasonError("skip_reason_missing") for "other" without text (or text over 200 characters:
    "skip_reason_too_long").
    """
    if code not in SKIP_REASONS:
        raise SkipReasonError("skip_reason_unknown")
    if code != OTHER:
        return code
    cleaned = clean_text(text or "")
    if not cleaned:
        raise SkipReasonError("skip_reason_missing")
    if len(cleaned) > MAX_TEXT:
        raise SkipReasonError("skip_reason_too_long")
    return OTHER_PREFIX + cleaned


def parse_reason(reason: str) -> tuple[str, str]:
    """(code, text) of a stored reason; a reason from before the closed list is ("other", reason)."""
    if reason in SKIP_REASONS and reason != OTHER:
        return reason, ""
    if reason.startswith(OTHER_PREFIX):
        return OTHER, reason[len(OTHER_PREFIX):]
    return OTHER, reason
