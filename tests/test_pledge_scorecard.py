"""The year-end pledge scorecard (issue #12): per unit, pledges made, demands pledged, settled
(closed) and overdue. SQLite by default, PostgreSQL with DATABASE_URL."""
from __future__ import annotations

import datetime as dt

from meeting.extensions import db
from meeting.services import followup as case_service
from meeting.services.followup.scorecard import pledge_scorecard
from tests.admin_meetings_support import staff_client

TODAY = dt.date(2026, 12, 31)


def pledge(session, unit: str, opened: dt.date, deadline: dt.date, demands: int | None) -> str:
    case = case_service.create_pledge_case(session, promise=f"{unit}的承诺", responsible_person="局长",
                                           responsible_unit=unit, actor="moderator", deadline=deadline,
                                           now=dt.datetime(opened.year, opened.month, opened.day, 2, 0),
                                           pledged_demands=demands)
    return case.code


def world(session) -> None:
    """交通局: overdue (5), settled (7), on time (2); 水利局: 3 this year, one last year (not counted)."""
    pledge(session, "县交通运输局", dt.date(2026, 2, 1), dt.date(2026, 6, 30), 5)        # past everything: overdue
    settled = pledge(session, "县交通运输局", dt.date(2026, 3, 1), dt.date(2027, 3, 1), 7)
    case_service.override_close(session, settled, "群众已搬迁", actor="admin", now=dt.datetime(2026, 3, 5, 2))
    pledge(session, "县交通运输局", dt.date(2026, 12, 28), dt.date(2027, 6, 30), 2)      # reply due in January
    pledge(session, "县水利局", dt.date(2026, 5, 1), dt.date(2027, 5, 1), 3)
    pledge(session, "县水利局", dt.date(2025, 6, 1), dt.date(2025, 9, 1), 9)             # another year
    pledge(session, "县水利局", dt.date(2026, 12, 30), dt.date(2027, 1, 30), None)      # a pledge with no count


def test_the_scorecard_counts_pledges_demands_settled_and_overdue_per_unit(session):
    world(session)
    card = pledge_scorecard(session, 2026, today=TODAY)
    assert card["year"] == 2026
    assert card["units"] == [
        {"unit": "县交通运输局", "pledged": 3, "demands": 14, "settled": 1, "settled_demands": 7, "overdue": 1},
        {"unit": "县水利局", "pledged": 2, "demands": 3, "settled": 0, "settled_demands": 0, "overdue": 1},
    ]  # by unit name (code points)
    assert card["total"] == {"pledged": 5, "demands": 17, "settled": 1, "settled_demands": 7, "overdue": 2}
    last = pledge_scorecard(session, 2025, today=TODAY)
    assert last["units"] == [{"unit": "县水利局", "pledged": 1, "demands": 9, "settled": 0, "settled_demands": 0,
                              "overdue": 1}]


def test_the_staff_page_shows_the_scorecard_and_is_linked_from_the_units_page(app, client):
    with app.app_context():
        world(db.session)
        staff_client(client, db.session)
        page = client.get("/admin/units/pledges?year=2026").get_data(as_text=True)
        assert "县交通运输局" in page and "县水利局" in page and "<td class=\"num\">14</td>" in page
        assert "2026" in page and "/admin/units/pledges" in client.get("/admin/units").get_data(as_text=True)
        db.remove()
    assert app.test_client().get("/admin/units/pledges").status_code in (302, 401, 403)  # staff only
