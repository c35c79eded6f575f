"""Every score of a criterion's range is at most two taps away on the tablet, low or high alike.

A juror who gives a failing score must not tap 26 times while a passing one takes 5 (issue #10):
for the lowest, a middle and the highest value of every criterion (scoring/rubric.py ranges), the
tablet in Chromium against a real server reaches it in one or two taps, and the row shows it.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from meeting.extensions import db
from meeting.models import Meeting
from scoring.rubric import DEFAULT_RUBRIC, rubric_from_json
from tests.browser_support import chromium, new_page  # noqa: F401  (chromium: fixture)
from tests.juror_browser_support import PORTRAIT, open_tablet, shot, tap_score, to_scoring
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = [pytest.mark.browser, pytest.mark.server]

# A rubric of odd ranges: a long one (61 values), a half-point one starting above zero, a short one.
ODD_RUBRIC = [
    {"key": "work", "label_zh": "工作实绩", "label_en": "Work", "min": "0", "max": "60", "step": "1", "weight": "1"},
    {"key": "care", "label_zh": "联系群众", "label_en": "Care", "min": "5", "max": "30", "step": "0.5", "weight": "1"},
    {"key": "talk", "label_zh": "述职", "label_en": "Talk", "min": "0", "max": "10", "step": "1", "weight": "1"},
]


def _values(low: Decimal, high: Decimal, step: Decimal) -> list[str]:
    """The lowest, a middle (never a group start) and the highest value of a range, as the tablet writes them."""
    n = int((high - low) / step)
    mid = low + step * (n // 2 + (1 if (n // 2) % 10 == 0 else 0))
    return [str(v.normalize()) if v != v.to_integral() else str(int(v)) for v in (low, mid, high)]


def _run(app, tmp_path, chromium, rubric_json, name):  # noqa: F811
    seeded = seed_meeting(app, jurors=3, quorum=1)
    if rubric_json is not None:
        with app.app_context():
            db.session.get(Meeting, seeded.meeting_id).rubric = rubric_json
            db.session.commit()
            db.remove()
    rubric = rubric_from_json(rubric_json) if rubric_json is not None else DEFAULT_RUBRIC
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    moderator = Screen(server.url, seeded.meeting_id, "moderator",
                       cookie=staff_cookie(server.url, *MODERATOR)).connect()
    errors: list[str] = []
    page = new_page(chromium, PORTRAIT["width"], PORTRAIT["height"], errors, touch=True)
    try:
        to_scoring(moderator)
        open_tablet(page, server, seeded.tokens[0], "scoring_open")
        for c in rubric.criteria:
            row = page.locator(f'.crit[data-key="{c.key}"]')
            for value in _values(c.min, c.max, c.step):
                taps = tap_score(page, c.key, value)
                assert taps <= 2, (c.key, value, taps)
                assert Decimal(row.locator(".crit-value").inner_text()) == Decimal(value), (c.key, value)
                assert row.locator("button.is-on").count() >= 1
        shot(page, f"keypad-{name}")
    finally:
        page.context.close()
        moderator.close()
        server.stop()
    assert errors == [], errors


def test_the_lowest_a_middle_and_the_highest_score_of_the_default_rubric_take_at_most_two_taps(
        app, tmp_path, chromium):  # noqa: F811
    _run(app, tmp_path, chromium, None, "default")


def test_a_long_range_and_a_half_point_range_starting_above_zero_take_at_most_two_taps_too(
        app, tmp_path, chromium):  # noqa: F811
    _run(app, tmp_path, chromium, ODD_RUBRIC, "odd")
