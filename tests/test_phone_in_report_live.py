"""Phone-in report end to end on a real server with the simulated provider and real Socket.IO
clients: draw, dial the cadre, the simulator answers as the cadre, the report timer runs on the
call, the claims are entered, verification proceeds as usual, scoring and reveal; every screen's
state says it was a phone report."""
from __future__ import annotations

import pytest

from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.test_telephony_live import SCORES, Simulator

pytestmark = pytest.mark.server


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}).start()
    screens: list[Screen] = []

    def screen(role: str, **kw) -> Screen:
        s = Screen(server.url, seeded.meeting_id, role, **kw).connect()
        screens.append(s)
        return s

    yield seeded, server, screen
    for s in screens:
        s.close()
    server.stop()


def _ok(ack: dict) -> dict:
    assert ack["ok"], ack
    return ack


def test_a_drawn_cadre_reports_by_phone_and_the_round_runs_to_its_result(live):
    seeded, server, screen = live
    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    projector, viewer, overlay = screen("projector"), screen("viewer"), screen("overlay")
    jurors = [screen("juror", token=t) for t in seeded.tokens]
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1})):
        _ok(moderator.perform(action, **params))
    sim = Simulator(server.url, seeded.meeting_id)

    # The cadre does not pick up the first time: the moderator dials again.
    first = _ok(moderator.perform("dial_cadre", seconds=180))["call"]
    sim.act(first, "ring")
    assert sim.act(first, "no_answer")["state"] == "no_answer"
    projector.wait_for(lambda s: (s["round"]["cadre_call"] or {}).get("state") == "no_answer")
    call_id = _ok(moderator.perform("dial_cadre"))["call"]
    ringing = projector.wait_for(lambda s: (s["round"]["cadre_call"] or {}).get("id") == call_id)
    assert ringing["round"]["stage"] == "draw" and "phone" not in ringing["round"]["cadre_call"]
    (phone,) = [c for c in sim.calls() if c["id"] == call_id]
    assert phone["kind"] == "cadre" and phone["cadre"]["number"] == ringing["round"]["cadre"]["number"]

    sim.act(call_id, "ring")
    answered = sim.act(call_id, "answer")
    assert answered["state"] == "answered" and answered["prompt"]["conference"] is True
    for s in (projector, viewer, overlay, jurors[0]):
        state = s.wait_for(lambda st: st["round"]["stage"] == "report")
        assert state["round"]["report_mode"] == "phone" and state["round"]["report"]["started_at"]
        assert state["round"]["report"]["seconds"] == 180
    n = len(moderator.wait_for(lambda s: s["round"]["stage"] == "report")["round"]["other_households"]) + \
        len(moderator.state["round"]["picked_households"])
    _ok(moderator.perform("record_claims", visited=n, demands_collected=5, demands_resolved=5))
    claims = projector.wait_for(lambda s: s["round"]["claims"] is not None)["round"]
    assert claims["claims"]["assigned"] == n and claims["claims_check"]["level"] == "pending"
    sim.act(call_id, "hangup")
    projector.wait_for(lambda s: s["round"]["cadre_call"]["state"] == "ended")

    # Verification as usual: a household says it was never visited, against "all visited".
    _ok(moderator.perform("start_verification"))
    code = _ok(moderator.perform("propose_calls"))["households"][0]
    household = _ok(moderator.perform("place_call"))["call"]
    sim.survey(household, ["2", "1", "2"])
    flagged = projector.wait_for(lambda s: (s["round"]["claims_check"] or {}).get("level") == "contradiction")
    assert flagged["round"]["calls"][0]["household"]["code"] == code
    assert flagged["round"]["claims_check"]["codes"] == ["visits_all_claimed"]
    assert flagged["round"]["report_mode"] == "phone"

    _ok(moderator.perform("open_scoring"))
    round_id = moderator.state["round"]["id"]
    for i, juror in enumerate(jurors):
        _ok(juror.call("submit_ballot", {"round_id": round_id, "scores": SCORES, "client_msg_id": f"p{i}"}))
    moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 5)
    _ok(moderator.perform("close_scoring"))
    _ok(moderator.perform("reveal_result"))
    revealed = viewer.wait_for(lambda s: s["round"]["stage"] == "revealed")["round"]
    assert revealed["result"]["final"] and revealed["report_mode"] == "phone"
    assert revealed["cadre_call"] == {"id": call_id, "state": "ended", "attempts": 2}
