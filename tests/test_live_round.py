"""A whole round on a real server with real Socket.IO clients (moderator, 5 jurors, screens)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from scoring.aggregate import aggregate
from tests.liveserver import LiveServer
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie

pytestmark = pytest.mark.server

SCORES = [  # visits, demands, satisfaction, report -> totals 88, 75, 95, 60, 81
    {"visits": 28, "demands": 25, "satisfaction": 27, "report": 8},
    {"visits": 22, "demands": 20, "satisfaction": 26, "report": 7},
    {"visits": 30, "demands": 28, "satisfaction": 28, "report": 9},
    {"visits": 15, "demands": 20, "satisfaction": 20, "report": 5},
    {"visits": 25, "demands": 24, "satisfaction": 25, "report": 7},
]


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    server = LiveServer(seeded.database_url, log_path=tmp_path / "server.log").start()
    screens: list[Screen] = []

    def screen(role: str, **kw) -> Screen:
        s = Screen(server.url, seeded.meeting_id, role, **kw).connect()
        screens.append(s)
        return s

    yield seeded, server, screen
    for s in screens:
        s.close()
    server.stop()


def _to_scoring(moderator: Screen) -> None:
    assert moderator.perform("start_meeting")["ok"]
    assert moderator.perform("enter_entropy", sources="3 5 1 6 2 4")["ok"]
    drawn = moderator.perform("draw_cadre", expected_draw=1)
    assert drawn["ok"], drawn
    for action in ("start_report", "start_verification"):
        ack = moderator.perform(action)
        assert ack["ok"], (action, ack)
    # Scoring opens once a call has an outcome (a busy line is one): calls follow the draw.
    first = moderator.perform("propose_calls")["households"][0]
    assert moderator.perform("record_call", household_code=first, outcome="busy")["ok"]
    ack = moderator.perform("open_scoring")
    assert ack["ok"], ack


def test_a_whole_round_reaches_the_viewer_with_the_rule_applied_to_the_ballots(live):
    seeded, server, screen = live
    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    projector, viewer = screen("projector"), screen("viewer")
    jurors = [screen("juror", token=t) for t in seeded.tokens]
    _to_scoring(moderator)
    round_id = viewer.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
    assert viewer.state["round"]["cadre"]["number"] == moderator.state["draw"]["draws"][0]["cadre_number"]

    for i, (juror, scores) in enumerate(zip(jurors, SCORES)):
        ack = juror.call("submit_ballot", {"round_id": round_id, "scores": scores, "client_msg_id": f"j{i}-1"})
        assert ack["ok"] and ack["ballot"]["version"] == 1, ack
    progress = projector.wait_for(lambda s: s["round"]["progress"]["submitted"] == 5)["round"]["progress"]
    assert progress == {"submitted": 5, "expected": 5}
    assert projector.state["round"]["result"] is None  # nobody sees scores before the reveal
    assert all(j.state["round"]["result"] is None for j in jurors)

    for action in ("close_scoring", "reveal_result"):
        assert moderator.perform(action)["ok"]
    revealed = viewer.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]["result"]
    totals = [Decimal(sum(s.values())) for s in SCORES]
    expected = aggregate(totals, "trimmed_mean", 5)
    assert revealed["final"] == format(expected.final, "f") == "81.33"
    assert {b["seat"]: b["dropped"] for b in revealed["ballots"]} == {1: None, 2: None, 3: "high", 4: "low", 5: None}
    assert "scores" not in revealed["ballots"][0]

    ack = moderator.perform("record_decision", kind="pass", detail={})
    assert ack["ok"], ack
    board = viewer.wait_for(lambda s: s["round"]["stage"] == "decided")["leaderboard"]
    assert board[0]["final"] == "81.33"


def test_duplicate_and_replayed_ballots_are_counted_once(live):
    seeded, server, screen = live
    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    juror = screen("juror", token=seeded.tokens[0])
    _to_scoring(moderator)
    round_id = juror.wait_for(lambda s: s["round"]["stage"] == "scoring_open")["round"]["id"]
    message = {"round_id": round_id, "scores": SCORES[0], "client_msg_id": "offline-abc"}
    first = juror.call("submit_ballot", message)
    again = juror.call("submit_ballot", message)
    assert first["ok"] and again["ok"]
    assert again["ballot"]["duplicate"] is True and again["ballot"]["version"] == first["ballot"]["version"] == 1
    # The same ballot resent from a new connection (the tablet came back online) is still one ballot.
    juror.close()
    back = screen("juror", token=seeded.tokens[0])
    assert back.call("submit_ballot", message)["ballot"]["duplicate"] is True
    state = moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 1)
    assert state["round"]["progress"] == {"submitted": 1, "expected": 5}
    assert back.state["my_ballot"]["version"] == 1


def test_illegal_events_are_refused_with_an_error_and_change_nothing(live):
    seeded, server, screen = live
    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    juror = screen("juror", token=seeded.tokens[0])
    viewer = screen("viewer")
    assert moderator.perform("start_meeting")["ok"]
    before = moderator.wait_for(lambda s: s["meeting"]["status"] == "live")["seq"]

    refused = [
        moderator.perform("reveal_result"),                       # not legal in stage draw
        moderator.perform("start_report"),                        # nobody drawn yet
        moderator.perform("draw_cadre"),                          # no live entropy yet
        moderator.perform("no_such_action"),
        moderator.perform("set_scene", scene="disco"),
        juror.call("perform", {"action": "set_scene", "params": {"scene": "blank"}}),   # wrong role
        viewer.call("perform", {"action": "clear_all", "params": {}}),
        viewer.call("submit_ballot", {"round_id": 1, "scores": {}, "client_msg_id": "x"}),
        juror.call("submit_ballot", {"round_id": moderator.state["round"]["id"], "scores": SCORES[0],
                                     "client_msg_id": "too-early"}),   # scoring not open
    ]
    assert [r["ok"] for r in refused] == [False] * len(refused)
    assert all(r["error"]["message"] for r in refused)
    assert moderator.call("sync", {})["seq"] == before
    assert moderator.state["round"]["stage"] == "draw"


def test_a_juror_with_a_wrong_token_cannot_connect(live):
    seeded, server, screen = live
    with pytest.raises(Exception):
        screen("juror", token="not-a-real-token")
    with pytest.raises(Exception):
        screen("moderator")  # no staff log-in
