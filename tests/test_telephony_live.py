"""Call-out verification end to end on a real server with the simulated provider: the moderator
dials from a socket, a person plays each household through the simulator's HTTP routes (its
events go to the calls service), the projector follows, the real webhook route takes a signed
late duplicate and refuses a forged one, the round ends in an investigation."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
import sqlalchemy as sa

from meeting.extensions import db
from meeting.models import Event
from meeting.models.cases import Case, CaseEvent
from meeting.telephony.settings import derived_token
from tests.liveserver import LiveServer, free_port
from tests.live_support import MODERATOR, seed_meeting
from tests.rtclient import Screen, staff_cookie
from tests.telephony_support import sign

pytestmark = pytest.mark.server

SECRET = "live-test-secret"  # what LiveServer gives the server as SECRET_KEY
SCORES = {"visits": 12, "demands": 10, "satisfaction": 15, "report": 5}


class Simulator:
    """The simulator page's HTTP calls, as its script makes them (log-in, CSRF header)."""

    def __init__(self, base_url: str, meeting_id: int) -> None:
        self.base, self.meeting_id = base_url, meeting_id
        self.http = requests.Session()
        page = self.http.get(base_url + "/login", timeout=10).text
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        data = {"username": MODERATOR[0], "password": MODERATOR[1], **({"csrf_token": csrf.group(1)} if csrf else {})}
        assert self.http.post(base_url + "/login", data=data, allow_redirects=False, timeout=10).status_code in (302, 303)
        sim_page = self.http.get(f"{base_url}/sim/{meeting_id}", timeout=10).text
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', sim_page).group(1)

    def calls(self) -> list[dict]:
        return self.http.get(f"{self.base}/sim/{self.meeting_id}/calls.json", timeout=10).json()["calls"]

    def act(self, call_id: int, action: str, **body) -> dict:
        resp = self.http.post(f"{self.base}/sim/{self.meeting_id}/calls/{call_id}/{action}", json=body,
                              headers={"X-CSRFToken": self.token}, timeout=10)
        out = resp.json()
        assert out["ok"], (action, resp.status_code, out)
        return out["call"]

    def survey(self, call_id: int, keys: list[str]) -> dict:
        """Ring, answer, consent, then one key per question (as many as given)."""
        self.act(call_id, "ring")
        call = self.act(call_id, "answer")
        for key in ["1"] + keys:
            call = self.act(call_id, "digits", digits=key, step=call["step"])
        return call


@pytest.fixture
def live(app, tmp_path):
    seeded = seed_meeting(app, jurors=5)
    port = free_port()
    server = LiveServer(seeded.database_url, port=port, log_path=tmp_path / "server.log",
                        env={"TELEPHONY_PROVIDER": "simulated", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                             "TWILIO_AUTH_TOKEN": "", "TWILIO_ACCOUNT_SID": "", "TWILIO_CALLER_NUMBER": ""}).start()
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


def test_one_household_confirms_one_contradicts_and_the_round_ends_in_an_investigation(app, live):
    seeded, server, screen = live
    moderator = screen("moderator", cookie=staff_cookie(server.url, *MODERATOR))
    projector = screen("projector")
    jurors = [screen("juror", token=t) for t in seeded.tokens]
    for action, params in (("start_meeting", {}), ("enter_entropy", {"sources": "3 5 1 6 2 4"}),
                           ("draw_cadre", {"expected_draw": 1}), ("start_report", {}), ("start_verification", {})):
        _ok(moderator.perform(action, **params))
    tel = moderator.wait_for(lambda s: s["round"]["stage"] == "verification")["telephony"]
    assert tel["simulated"] is True and tel["simulator_url"] == f"/sim/{seeded.meeting_id}"

    a, b = _ok(moderator.perform("propose_calls"))["households"]
    sim = Simulator(server.url, seeded.meeting_id)

    call_a = _ok(moderator.perform("place_call", household_code=a))["call"]
    ringing = projector.wait_for(lambda s: any(c["id"] == call_a and c["state"] == "dialling" for c in s["round"]["calls"]))
    assert ringing["round"]["calls"][0]["household"]["phone"].count("*") >= 4
    done = sim.survey(call_a, ["1", "1", "5"])
    assert done["answers"] == {"visited": "yes", "resolved": "yes", "satisfaction": 5}
    assert done["state"] == "ended"  # no hall line: thanked and hung up by the TwiML itself
    state = moderator.wait_for(lambda s: s["round"]["calls"][0]["state"] == "ended")
    assert state["round"]["discrepancy"] is False and state["round"]["calls"][0]["consent"] == "yes"

    call_b = _ok(moderator.perform("place_call"))["call"]  # the next household of the plan: B
    assert moderator.wait_for(lambda s: len(s["round"]["calls"]) == 2)["round"]["calls"][1]["household"]["code"] == b
    sim.survey(call_b, ["2"])
    flagged = moderator.wait_for(lambda s: s["round"]["discrepancy"])
    assert flagged["round"]["suggested_decision"] == "investigation"
    assert flagged["round"]["calls"][1]["answers"] == {"visited": "no"}
    public = projector.wait_for(lambda s: s["round"]["discrepancy"])["round"]["calls"]
    assert [c["answers"] for c in public] == [{"visited": "yes", "resolved": "yes", "satisfaction": 5}, {"visited": "no"}]
    assert all("full_phone" not in c["household"] and "note" not in c for c in public)
    sim.act(call_b, "hangup")
    moderator.wait_for(lambda s: s["round"]["calls"][1]["state"] == "ended")

    # Straight to the real webhook route over HTTP: a late duplicate "completed" for A is taken
    # (200) and changes nothing; the same request with a wrong signature is refused.
    url = f"{server.url}/telephony/twilio/status?call={call_a}"
    params = {"CallStatus": "completed", "CallDuration": "31"}
    good = requests.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params, derived_token(SECRET))},
                         timeout=10)
    bad = requests.post(url, data=params, headers={"X-Twilio-Signature": sign(url, params, "guess")}, timeout=10)
    assert (good.status_code, bad.status_code) == (200, 403)

    _ok(moderator.perform("open_scoring"))
    round_id = moderator.state["round"]["id"]
    for i, juror in enumerate(jurors):
        _ok(juror.call("submit_ballot", {"round_id": round_id, "scores": SCORES, "client_msg_id": f"j{i}"}))
    moderator.wait_for(lambda s: s["round"]["progress"]["submitted"] == 5)
    _ok(moderator.perform("close_scoring"))
    _ok(moderator.perform("reveal_result"))
    team = [{"name": "纪委 王强", "role": "discipline_inspector"}, {"name": "群众代表 李娟", "role": "citizen_rep"}]
    _ok(moderator.perform("record_decision", kind="investigation",
                          detail={"reason": "联系户称未走访，与述职不符", "team": team,
                                  "report_by": (dt.date.today() + dt.timedelta(days=15)).isoformat()}))
    decided = projector.wait_for(lambda s: s["round"]["stage"] == "decided")["round"]
    assert decided["decisions"][0]["kind"] == "investigation" and decided["discrepancy"] is True

    # The decision opened its follow-up case in the same transaction: named in the meeting's
    # decision_recorded event and logged in the county's case stream.
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.meeting_id == seeded.meeting_id))
        assert case is not None and case.kind == "investigation" and case.decision_id is not None
        event = db.session.scalar(sa.select(Event).where(Event.meeting_id == seeded.meeting_id,
                                                         Event.type == "decision_recorded"))
        assert event.payload["case"] == case.code
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                                 .where(CaseEvent.case_id == case.id)) >= 1
        db.remove()
