"""Helpers for the juror tablet's browser tests: drive the meeting, tap like a juror, read the outcome."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from tests.liveserver import LiveServer
from tests.rtclient import Screen

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "juror"
PORTRAIT = {"width": 800, "height": 1280}
LANDSCAPE = {"width": 1280, "height": 800}
MINE = {"visits": 28, "demands": 25, "satisfaction": 27, "report": 8}          # total 88
OTHERS = [{"visits": 22, "demands": 20, "satisfaction": 26, "report": 7},      # 75
          {"visits": 30, "demands": 28, "satisfaction": 28, "report": 9},      # 95
          {"visits": 15, "demands": 20, "satisfaction": 20, "report": 5},      # 60
          {"visits": 25, "demands": 24, "satisfaction": 25, "report": 7}]      # 81


def shot(page, name: str) -> None:
    """Save a screenshot of the viewport to test-artifacts/juror/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def perform(moderator: Screen, *actions: str) -> None:
    """Moderator actions without parameters, each of which must succeed."""
    for action in actions:
        ack = moderator.perform(action)
        assert ack["ok"], (action, ack)


def draw(moderator: Screen) -> None:
    """Start the meeting, enter the live entropy and draw the first cadre."""
    perform(moderator, "start_meeting")
    assert moderator.perform("enter_entropy", sources="3 5 1 6 2 4")["ok"]
    assert moderator.perform("draw_cadre", expected_draw=1)["ok"]


def to_scoring(moderator: Screen) -> None:
    """From a fresh meeting to stage scoring_open in round 1."""
    draw(moderator)
    perform(moderator, "start_report", "start_verification")
    skip_verification(moderator)


def skip_verification(moderator: Screen) -> None:
    """Open scoring without a call: the explicit, logged skip of verification with a reason."""
    ack = moderator.perform("skip_verification", reason="time_limit")
    assert ack["ok"], ack


def open_tablet(page, server: LiveServer, token: str, stage: str) -> None:
    """Load the juror link and wait until the page shows the round in `stage`."""
    page.goto(f"{server.url}/j/{token}")
    page.wait_for_function("s => { const l = window.__juror && window.__juror.live; return !!(l && l.state && l.state.round"
                           " && l.state.round.stage === s); }", arg=stage)


def tap_score(page, key: str, value: str) -> int:
    """Tap like a juror and return how many taps it took: the value's own button on a small range,
    else on the keypad the group holding the value and then, unless the group starts at it, the value."""
    row = page.locator(f'.crit[data-key="{key}"]')
    own = row.locator("button.choice")
    texts = own.all_inner_texts()
    if texts:
        own.nth(texts.index(value)).tap()
        return 1
    groups = row.locator("button.kp-group")
    starts = [Decimal(t) for t in groups.all_inner_texts()]
    start = max(s for s in starts if s <= Decimal(value))
    groups.nth(starts.index(start)).tap()
    if start == Decimal(value):
        return 1
    steps = row.locator("button.kp-step:not(.is-void)")
    steps.nth([Decimal(t) for t in steps.all_inner_texts()].index(Decimal(value))).tap()
    return 2


def set_score(page, key: str, value: int) -> None:
    """Set one criterion by tapping (at most two taps) and check the row shows it as set."""
    assert tap_score(page, key, str(value)) <= 2
    row = page.locator(f'.crit[data-key="{key}"]')
    assert "is-set" in (row.get_attribute("class") or "")
    assert row.locator(".crit-value").text_content() == str(value)


def set_scores(page, scores: dict[str, int]) -> None:
    """Set every criterion given, in order, by tapping."""
    for key, value in scores.items():
        set_score(page, key, value)


def wait_receipt(page, state: str, version: int | None = None, timeout: float = 15000) -> None:
    """Wait until the receipt line is in `state` (acked/sending/pending/error), with that version."""
    selector = f'#receipt[data-state="{state}"]' + (f'[data-version="{version}"]' if version else "")
    page.wait_for_selector(selector, timeout=timeout)


def texts(page) -> dict[str, str]:
    """The translated strings the page's scripts use."""
    return page.evaluate("JSON.parse(document.getElementById('juror-i18n').textContent)")


def outbox(page) -> list[dict]:
    """Ballots kept on the device, waiting for an acknowledgement."""
    return page.evaluate("window.__juror?.outbox.items()")


def ballots_of(app, seeded, seat: int) -> list[tuple[int, str, str]]:
    """(version, total, client_msg_id) of every stored ballot of the juror in `seat`, oldest first."""
    from meeting.extensions import db
    from meeting.models import Ballot, Juror

    with app.app_context():
        rows = db.session.execute(sa.select(Ballot.version, Ballot.total, Ballot.client_msg_id).join(
            Juror, Juror.id == Ballot.juror_id).where(Juror.meeting_id == seeded.meeting_id, Juror.seat == seat)
            .order_by(Ballot.version)).all()
        db.remove()
    return [tuple(r) for r in rows]


def others_submit(seeded, screen, round_id: int) -> None:
    """Jurors 2–5 submit OTHERS over python Socket.IO clients."""
    for i, (token, scores) in enumerate(zip(seeded.tokens[1:], OTHERS)):
        juror = screen("juror", token=token)
        ack = juror.call("submit_ballot", {"round_id": round_id, "scores": scores, "client_msg_id": f"other-{i}"})
        assert ack["ok"], ack
