"""A small county with follow-up cases, for the case dashboard, reply-link and case-officer tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from meeting.models import Cadre, Decision, Household, Meeting, Round, Township, Village, WorkArea
from meeting.services import followup

DECIDED_AT = dt.datetime(2026, 3, 24, 2, 0)      # 10:00 Beijing time on the meeting day
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


@dataclass
class County:
    """What `county` made: meetings and townships by name, case codes in order of opening."""

    townships: dict[str, Township] = field(default_factory=dict)
    meetings: list[Meeting] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def county(session, *, per_township: int = 2) -> County:
    """Two townships (泉庄镇, 院东头镇), one meeting on 24 March 2026 with one rectification case per
    round, `per_township` rounds per township; each case concerns two households (王小明 …)."""
    out = County()
    meeting = Meeting(title="现场直播调查大会", date=dt.date(2026, 3, 24))
    session.add(meeting)
    out.meetings.append(meeting)
    number = 0
    for tcode, tname, unit in (("T05", "泉庄镇", "泉庄镇党委"), ("T06", "院东头镇", "院东头镇政府")):
        t = Township(code=tcode, name=tname)
        w = WorkArea(code=f"{tcode}W", name=f"{tname}第一片", township=t)
        v = Village(code=f"{tcode}V", name=f"{tname}一村", work_area=w, township=t)
        session.add_all([t, w, v])
        out.townships[tname] = t
        for _ in range(per_township):
            number += 1
            cadre = Cadre(number=number, name=f"干部{number}", position="书记", unit=unit, rank="cadre", township=t)
            homes = [Household(code=f"H{number:02d}{i}", name=name, village=v, cadre=cadre, phone="17000000000")
                     for i, name in enumerate(("王小明", "李四"))]
            session.add_all([cadre, *homes])
            session.flush()
            rnd = Round(meeting_id=meeting.id, number=number, cadre_id=cadre.id, stage="decided")
            session.add(rnd)
            session.flush()
            decision = Decision(round_id=rnd.id, kind="rectification", actor="moderator", created_at=DECIDED_AT,
                                detail={"items": [f"整改事项{number}"], "deadline": "2026-05-31",
                                        "responsible": cadre.name, "note": ""})
            session.add(decision)
            session.commit()
            case = followup.create_case_from_decision(session, decision.id, actor="moderator",
                                                      household_ids=[h.id for h in homes], now=DECIDED_AT)
            out.codes.append(case.code)
    return out
