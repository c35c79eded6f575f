"""The case page places the return visit's calls: 「启动回访」 draws and publishes the households'
order, 「拨打下一户回访电话」 calls the next one through the telephony provider; refused before."""
from __future__ import annotations

import sqlalchemy as sa

from meeting import telephony
from meeting.models import CallAttempt
from meeting.services import followup
from meeting.telephony.simulated import SimulatedProvider
from tests.admin_meetings_support import staff_client
from tests.test_visits_service import world  # noqa: F401 (fixture: a replied case of three households)


def test_staff_start_the_return_visit_and_call_its_households_from_the_case_page(app, client, session, world):
    provider = SimulatedProvider()
    telephony.set_provider(app, provider)
    staff_client(client, session, role="case_officer")
    code = world["code"]

    refused = client.post(f"/cases/{code}/visit-call")
    assert refused.status_code == 409 and session.scalar(sa.select(sa.func.count(CallAttempt.id))) == 0

    assert client.post(f"/cases/{code}/act", data={"action": "start_return_visit"}).status_code == 302
    session.expire_all()
    started = [e for e in followup.stream_events(session, case_id=followup.get_case(session, code).id)
               if e.type == "case_return_visit_started"]
    order = started[-1].payload["order"]
    assert sorted(order) == ["H0501", "H0502", "H0503"]  # drawn and published, as every visit

    html = client.get(f"/cases/{code}").get_data(as_text=True)
    assert 'id="visit-call"' in html
    assert client.post(f"/cases/{code}/visit-call").status_code == 302
    call = session.scalar(sa.select(CallAttempt).where(CallAttempt.kind == "visit"))
    assert call.household.code == order[0] and call.state == "dialling"
    assert len(provider.placed) == 1
